/**
 * comparison.html for 1-, 2- (6 × 5 = 30 variants) and 3-key sweeps in headless Chromium: no console
 * errors, the recommended variant marked, every variant named by its settings (never `#N` alone).
 * The records are built by hand (outliers, a missed fault, mid-load kills) so the pages are fast to
 * make; screenshots go to reports/screenshots/ (git-ignored) to look at.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, requireChromiumInCi, SCREENSHOTS, useBrowser } from './helpers/browser.js';
import { renderComparisonHtml } from '../src/sweep/comparison-html.js';
import { comparisonOf } from '../src/sweep/outputs.js';
import type { RunRecord } from '../src/sweep/journal.js';
import { runsOf, variantsOf, SWEEP_FORMAT, type SweepArgs } from '../src/sweep/plan.js';

const STOP = 'deployment.runtime.health_checks.stop_traffic_threshold_seconds';
const RESTART = 'deployment.runtime.health_checks.restart_threshold_seconds';
const DELAY = 'deployment.autoscaling.scale_down_delay';

function argsOf(vary: SweepArgs['vary'], seeds = 6): SweepArgs {
  return { format: SWEEP_FORMAT, command: 'sweep', scenarios: [{ path: 'scenarios/cuda-error.yaml', sha256: '' }], inputs: [], vary, seeds, first_seed: 1, require: ['availability>=0.99'], minimize: 'cost', shard: null };
}

/** Deterministic fake runs: failures grow with the stop threshold, cost with the delay; a short restart threshold kills starts mid-load; two outliers. */
function records(args: SweepArgs): RunRecord[] {
  const variants = variantsOf(args);
  return runsOf(args).map((run) => {
    const v = variants[run.variant]!;
    const val = (key: string, d: number) => Number(v.overrides.find((o) => o.startsWith(key + '='))?.split('=')[1] ?? d);
    const stop = val(STOP, 60);
    const restart = val(RESTART, 300);
    const delay = val(DELAY, 900);
    const noise = ((run.seed * 7919 + run.variant * 104729) % 97) / 97;
    const missed = (delay <= 60 || stop >= 900) && run.seed % 3 === 0;
    const outlier = run.variant === 7 || run.variant === 22;
    const failed = missed ? 0 : Math.round(stop / 6 + 200 / restart + 5 * noise) * (outlier ? 40 : 1);
    const arrived = 3600;
    const kills = restart < 90 ? 1 : 0;
    const settings = Object.fromEntries(v.overrides.map((o) => o.split('=') as [string, string]));
    return {
      key: 'test', k: run.k, variant: run.variant, seed: run.seed,
      metrics: {
        arrived, failed_requests: failed, availability: (arrived - failed) / arrived, latency_p50_s: 0.5 + noise / 10, latency_p99_s: 2 + noise, queue_wait_mean_s: 0.01,
        restarts: 1 + kills, traffic_stops: 1, fault_to_stop_s: missed ? null : stop, cold_starts: 3, billed_minutes: 60 + delay / 60, cost: (60 + delay / 60) * 0.02 * (1 - restart / 10000) + noise / 50,
        minutes_not_serving: 2, latency_all_p99_s: 3 + noise, mid_load_kills: kills, restart_streak_max: 1 + kills, faults_missed: missed ? 1 : 0,
      },
      warnings: missed ? ['fault cuda_error at 1200 s: replica 0 does not exist at that time; nothing happened'] : [],
      settings,
    };
  });
}

requireChromiumInCi();

describe.skipIf(!HAS_CHROMIUM)('comparison.html for 1, 2 and 3 varied keys', () => {
  const getBrowser = useBrowser();
  const cases: [string, SweepArgs, string][] = [
    ['1key', argsOf([{ key: STOP, values: ['60', '30', '120', '300', '600'] }]), 'svg.line-chart'],
    ['2key', argsOf([{ key: STOP, values: ['60', '30', '120', '300', '600', '900'] }, { key: RESTART, values: ['300', '60', '120', '600', '1200'] }]), 'svg.heatmap'],
    ['3key', argsOf([{ key: STOP, values: ['60', '30', '300'] }, { key: RESTART, values: ['300', '60', '600'] }, { key: DELAY, values: ['900', '60'] }]), 'svg.heatmap'],
  ];
  for (const [name, args, chart] of cases) {
    it(`${name}: no console errors, the recommended variant marked, every variant named by its settings`, async () => {
      const cmp = comparisonOf(args, records(args));
      const html = renderComparisonHtml(args, cmp);
      const file = join(SCREENSHOTS, `tuning-${name}.html`);
      writeFileSync(file, html);
      const page = await getBrowser().newPage({ viewport: { width: 1400, height: 1000 } });
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(pathToFileURL(file).href);
      expect(cmp.best).not.toBeNull();
      expect(await page.locator(chart).count()).toBeGreaterThan(0);
      expect(await page.locator('svg.heatmap').count() > 0).toBe(name !== '1key');
      // Recommended: in the text, the table, the scatter and every metric chart.
      expect(await page.locator('.recommendation').textContent()).toContain(`best: variant ${cmp.best}`);
      expect(await page.locator('tr.recommended').count()).toBe(1);
      expect(await page.locator('svg.main-chart g.variant.recommended').count()).toBe(1);
      expect(await page.locator('svg.metric-chart .recommended').count()).toBeGreaterThanOrEqual(await page.locator('svg.metric-chart').count());
      // Every variant named by its settings: a table row per variant with each axis value.
      const rows = page.locator('table.variants tr:not(:first-child)');
      expect(await rows.count()).toBe(cmp.variants.length);
      for (const s of cmp.variants) expect(await page.locator(`table.variants td:text-is("${s.variant.values[0]}")`).count()).toBeGreaterThan(0);
      expect(html).not.toMatch(/>#\d+</); // no bare #N label anywhere
      // Red means bad: the Pareto front is not drawn in red.
      expect(html).toMatch(/\.pareto-front \{[^}]*stroke: #1f5fa8/);
      if (name !== '1key') expect(await page.locator('.warnings').textContent()).toContain('fault missed in 2/6 seeds');
      expect(errors).toEqual([]);
      // Every label inside its chart (a caption ran 16 px out, a cell's value into the row label), and no sideways scroll at 1400 or 1200 px.
      const outside = await page.evaluate(() => {
        const out: string[] = [];
        for (const svg of document.querySelectorAll('svg')) {
          const sb = svg.getBoundingClientRect();
          for (const t of svg.querySelectorAll('text')) {
            const b = t.getBoundingClientRect();
            if (b.width > 0 && (b.right > sb.right + 0.5 || b.left < sb.left - 0.5)) out.push(`${svg.getAttribute('data-metric') ?? svg.getAttribute('class')}: ${t.textContent}`);
          }
          for (const cell of svg.querySelectorAll('g.cell')) {
            const r = cell.querySelector('rect')!.getBoundingClientRect();
            const b = cell.querySelector('text.cell-value')!.getBoundingClientRect();
            if (b.left < r.left || b.right > r.right) out.push(`${svg.getAttribute('data-metric')} cell: ${cell.querySelector('text.cell-value')!.textContent}`);
          }
        }
        return out;
      });
      expect(outside).toEqual([]);
      await page.screenshot({ path: join(SCREENSHOTS, `tuning-${name}.png`), fullPage: true });
      for (const width of [1400, 1200]) {
        await page.setViewportSize({ width, height: 1000 });
        expect(await page.evaluate(() => document.documentElement.scrollWidth), `page width at ${width} px`).toBeLessThanOrEqual(width);
      }
      await page.screenshot({ path: join(SCREENSHOTS, `tuning-${name}-1200.png`), fullPage: true });
      await page.close();
    });
  }
});
