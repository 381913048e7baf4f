/**
 * The report in a real browser: headless Chromium (Debian's /usr/bin/chromium) via
 * playwright-core. Every chart is there, no console or page errors, the hover tooltip works,
 * and screenshots land in reports/screenshots/ (git-ignored) for a human to look at.
 * Skipped when Chromium is not installed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, requireChromiumInCi, SCREENSHOTS, useBrowser } from './helpers/browser.js';
import { loadScenario } from '../src/scenario/load.js';
import type { EventRow, TimelineRow } from '../src/model/summary.js';
import { simulate } from '../src/run.js';
import { CHART_IDS, renderReport, type ReportInput } from '../src/report/render-report.js';
import { manyReplicasRun, sevenDayRun, shortRunWithFault } from './report-fixtures.js';

const OUT = SCREENSHOTS;

function simulated(name: string, duration?: string): ReportInput {
  const { config } = loadScenario(`scenarios/${name}.yaml`, duration ? { duration } : {});
  const timeline: TimelineRow[] = [];
  const events: EventRow[] = [];
  const summary = simulate(config, { sample: (r) => timeline.push(r), event: (r) => events.push(r) });
  return { config, summary, timeline, events };
}

const CASES: [string, () => ReportInput][] = [
  ['fixture-short-fault', shortRunWithFault],
  ['fixture-seven-days', sevenDayRun],
  ['sim-cuda-error', () => simulated('cuda-error')],
  ['sim-crash-loop', () => simulated('crash-loop')],
  ['fixture-many-replicas', manyReplicasRun],
  ['sim-diurnal-day', () => simulated('diurnal-day')],
  ['sim-diurnal-7d', () => simulated('diurnal-day', '7d')],
  ['sim-scale-to-zero-trace', () => simulated('scale-to-zero-trace')],
];

requireChromiumInCi();

describe.skipIf(!HAS_CHROMIUM)('report in headless Chromium', () => {
  const getBrowser = useBrowser();

  for (const [name, make] of CASES) {
    it(`${name}: every chart present, no errors, hover shows the tooltip`, async () => {
      const file = join(OUT, `${name}.html`);
      writeFileSync(file, renderReport(make()));
      const page = await getBrowser().newPage({ viewport: { width: 1200, height: 900 } });
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      const requests: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith('file:')) requests.push(r.url());
      });
      await page.goto(pathToFileURL(file).href);
      for (const id of CHART_IDS) {
        const box = await page.locator(`#${id}`).boundingBox();
        expect(box, id).not.toBeNull();
        expect(box!.width, id).toBeGreaterThan(500);
      }
      expect(await page.locator('#fault-table, #faults').count()).toBeGreaterThan(0);
      await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
      for (const id of CHART_IDS) await page.locator(`#fig-${id}`).screenshot({ path: join(OUT, `${name}-${id}.png`) });

      const tip = page.locator('#hover-tip');
      await expect.poll(() => tip.isHidden()).toBe(true);
      const box = (await page.locator('#chart-traffic g.plot').boundingBox())!;
      await page.locator('#chart-traffic').scrollIntoViewIfNeeded();
      const plot = (await page.locator('#chart-traffic g.plot').boundingBox())!;
      expect(box.width).toBeGreaterThan(0);
      await page.mouse.move(plot.x + plot.width * 0.4, plot.y + 20);
      await expect.poll(() => tip.isVisible()).toBe(true);
      expect(await tip.textContent()).toMatch(/arrivals\/s/);
      // The rule shows in every chart, at the same x in each.
      const rules = await page.locator('.hover-rule').evaluateAll((els) =>
        els.map((e) => [e.getAttribute('visibility'), e.getAttribute('x1')]),
      );
      expect(rules).toHaveLength(CHART_IDS.length);
      for (const [vis, x1] of rules) {
        expect(vis).toBe('visible');
        expect(x1).toBe(rules[0]![1]);
      }
      await page.screenshot({ path: join(OUT, `${name}-hover.png`) });
      await page.mouse.move(2, 2);
      await expect.poll(() => tip.isHidden()).toBe(true);

      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      await page.close();
    });
  }

  it('the page reads without JavaScript: every chart drawn, markers there, no tooltip', async () => {
    const file = join(OUT, 'fixture-short-fault-nojs.html');
    writeFileSync(file, renderReport(shortRunWithFault()));
    const context = await getBrowser().newContext({ javaScriptEnabled: false, viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    await page.goto(pathToFileURL(file).href);
    for (const id of CHART_IDS) {
      const box = await page.locator(`#${id}`).boundingBox();
      expect(box!.height, id).toBeGreaterThan(50);
    }
    expect(await page.locator('#chart-lanes g.marker').count()).toBe(3);
    expect(await page.locator('#hover-tip').isHidden()).toBe(true);
    await context.close();
  });
});
