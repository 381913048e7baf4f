/**
 * comparison.html in headless Chromium (Debian's /usr/bin/chromium, playwright-core): the main
 * chart with its Pareto front and one chart per metric are there, no console errors, no request
 * beyond the file itself; a screenshot goes to reports/screenshots/ (git-ignored) to look at.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, requireChromiumInCi, SCREENSHOTS, useBrowser } from './helpers/browser.js';
import { comparisonOf } from '../src/sweep/outputs.js';
import { renderComparisonHtml } from '../src/sweep/comparison-html.js';
import { runsOf, variantsOf, SWEEP_FORMAT, type SweepArgs } from '../src/sweep/plan.js';
import { defaultLoader, runTask } from '../src/sweep/simulator.js';
import type { RunRecord } from '../src/sweep/journal.js';
import { METRICS } from '../src/sweep/metrics.js';

const OUT = SCREENSHOTS;

async function sweepInProcess(args: SweepArgs): Promise<RunRecord[]> {
  const variants = variantsOf(args);
  const records: RunRecord[] = [];
  for (const run of runsOf(args)) {
    const v = variants[run.variant]!;
    records.push({ key: 'test', k: run.k, variant: run.variant, seed: run.seed, metrics: await runTask(defaultLoader, { file: v.file, overrides: v.overrides, seed: run.seed }) });
  }
  return records;
}

requireChromiumInCi();

describe.skipIf(!HAS_CHROMIUM)('comparison.html in headless Chromium', () => {
  const getBrowser = useBrowser();

  it('comparison.html shows failed requests vs cost with CI bars and the Pareto front, and a chart per metric', async () => {
    const args: SweepArgs = {
      format: SWEEP_FORMAT,
      command: 'sweep',
      scenarios: [{ path: 'test/fixtures/sweep/sticky-fault.yaml', sha256: '' }],
      inputs: [],
      vary: [
        { key: 'deployment.runtime.health_checks.stop_traffic_threshold_seconds', values: ['300', '30', '1200'] },
        { key: 'deployment.instance.type', values: ['H100', 'A100'] },
      ],
      seeds: 4,
      first_seed: 1,
      require: ['availability>=0.98'],
      minimize: 'cost',
      shard: null,
    };
    const records = await sweepInProcess(args);
    const html = renderComparisonHtml(args, comparisonOf(args, records));
    expect(renderComparisonHtml(args, comparisonOf(args, [...records].reverse()))).toBe(html); // deterministic
    const file = join(OUT, 'sweep-comparison.html');
    writeFileSync(file, html);

    const page = await getBrowser().newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href);
    expect(await page.locator('svg.main-chart').count()).toBe(1);
    expect(await page.locator('svg.main-chart g.variant').count()).toBe(6);
    expect(await page.locator('svg.main-chart path.pareto-front').count()).toBe(1);
    expect(await page.locator('svg.main-chart g.variant.on-front').count()).toBeGreaterThan(0);
    expect(await page.locator('svg.main-chart line.ci').count()).toBeGreaterThan(0);
    expect(await page.locator('svg.metric-chart').count()).toBe(METRICS.length);
    expect(await page.locator('.recommendation').textContent()).toMatch(/best: variant|none of the 6 variants/);
    const box = await page.locator('svg.main-chart').boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    expect(errors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
    await page.screenshot({ path: join(OUT, 'sweep-comparison.png'), fullPage: true });
    await page.close();
  });
});
