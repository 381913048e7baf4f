/**
 * What a newcomer's sweep on a scenario without faults showed (stop_traffic_threshold_seconds=30,120
 * × restart_check_delay_seconds): a key that changed nothing, "recommended" over its identical twin;
 * heatmap captions and cells wider than their boxes; labels of points at one spot run together;
 * "◆ baseline" on the x axis's name. Real runs (in-process) for the no-difference note, the markup
 * checked against textWidth's estimates (the browser test checks the rendered boxes).
 */
import { describe, expect, it } from 'vitest';
import { cellFormat, renderComparisonHtml, sameCostOf } from '../src/sweep/comparison-html.js';
import { comparisonTable, recommendation, type Comparison } from '../src/sweep/comparison.js';
import { comparisonOf } from '../src/sweep/outputs.js';
import type { RunRecord } from '../src/sweep/journal.js';
import { runsOf, variantsOf, SWEEP_FORMAT, type SweepArgs } from '../src/sweep/plan.js';
import { defaultLoader, runTask } from '../src/sweep/simulator.js';
import { textWidth } from '../src/report/svg.js';

const STOP = 'deployment.runtime.health_checks.stop_traffic_threshold_seconds';
const DELAY = 'deployment.runtime.health_checks.restart_check_delay_seconds';

function sweepArgs(scenario: string, vary: SweepArgs['vary'], seeds = 2): SweepArgs {
  return { format: SWEEP_FORMAT, command: 'sweep', scenarios: [{ path: scenario, sha256: '' }], inputs: [], vary, seeds, first_seed: 1, require: [], minimize: 'cost', shard: null };
}

async function sweepInProcess(args: SweepArgs): Promise<RunRecord[]> {
  const variants = variantsOf(args);
  const records: RunRecord[] = [];
  for (const run of runsOf(args)) {
    const v = variants[run.variant]!;
    const out = await runTask(defaultLoader, { file: v.file, overrides: v.overrides, seed: run.seed });
    records.push({ key: 'test', k: run.k, variant: run.variant, seed: run.seed, metrics: out });
  }
  return records;
}

/** Every `<svg …>…</svg>` of a class, with its width and its texts (x, y, anchor, class, text). */
function svgs(html: string, cls: string): { width: number; body: string; texts: { x: number; y: number; anchor: string; cls: string; text: string }[] }[] {
  const out = [];
  for (const m of html.matchAll(new RegExp(`<svg [^>]*class="[^"]*${cls}[^"]*" width="([\\d.]+)"[^>]*>(.*?)</svg>`, 'gs'))) {
    const texts = [...m[2]!.matchAll(/<text([^>]*)>([^<]*)<\/text>/g)].map(([, a, t]) => ({
      x: Number(/ x="([-\d.]+)"/.exec(a!)?.[1] ?? 0),
      y: Number(/ y="([-\d.]+)"/.exec(a!)?.[1] ?? 0),
      anchor: / text-anchor="(\w+)"/.exec(a!)?.[1] ?? 'start',
      cls: / class="([^"]*)"/.exec(a!)?.[1] ?? '',
      text: t!.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>'),
    }));
    out.push({ width: Number(m[1]), body: m[2]!, texts });
  }
  return out;
}

describe('a sweep on a scenario with no fault', () => {
  // cold-start.yaml has no fault: the stop-traffic threshold is never reached; the replica cap changes the queueing.
  const args = sweepArgs('scenarios/cold-start.yaml', [
    { key: STOP, values: ['30', '120'] },
    { key: 'deployment.autoscaling.max_replica', values: ['1', '4'] },
  ]);
  let cmp: Comparison;
  let html: string;
  it('finds stop_traffic_threshold_seconds made no difference, and max_replica did', async () => {
    cmp = comparisonOf(args, await sweepInProcess(args));
    html = renderComparisonHtml(args, cmp);
    expect(cmp.noDifference).toEqual([{ key: STOP, name: 'stop_traffic_threshold_seconds', values: ['30', '120'] }]);
  }, 60_000);

  it('the printed table and the page say so, and the reason says the tie was broken by grid order', () => {
    const note = 'stop_traffic_threshold_seconds made no difference in these runs (every metric identical at 30 and 120 in every seed, whatever the other keys): nothing in the scenario exercised it (no fault that makes a replica fail its checks?)';
    expect(comparisonTable(cmp)).toContain(`note: ${note}`);
    expect(html).toContain(`<div class="no-difference"><p>${note}.</p></div>`);
    const twin = cmp.variants.find((s) => s.variant.index !== cmp.best && s.variant.values[1] === cmp.variants[cmp.best!]!.variant.values[1])!;
    expect(cmp.ties).toEqual([{ index: twin.variant.index, identical: true }]);
    expect(recommendation(cmp)).toContain(`tied with variant ${twin.variant.index} (${twin.variant.label}), every metric identical in every seed: variant ${cmp.best} is named only because it comes first in grid order`);
  });

  it('failed requests vs cost: the variants at one spot are listed in one label, and no two labels overlap', () => {
    const [main] = svgs(html, 'main-chart');
    const labels = main!.texts.filter((t) => t.cls === 'point-label');
    // Four variants, two spots (each key-that-mattered value with its no-difference twin): every variant named once.
    const named = labels.flatMap((l) => l.text.replace(/[★◆] /g, '').split('  ·  '));
    expect(named.sort()).toEqual(cmp.variants.map((s) => s.variant.values.join(', ')).sort());
    const box = (l: (typeof labels)[number]) => {
      const w = textWidth(l.text, 11);
      const x0 = l.anchor === 'end' ? l.x - w : l.x;
      return { x0, x1: x0 + w, y0: l.y - 9, y1: l.y + 3 };
    };
    labels.forEach((a, i) =>
      labels.slice(i + 1).forEach((b) => {
        const p = box(a);
        const q = box(b);
        expect(p.x1 <= q.x0 || q.x1 <= p.x0 || p.y1 <= q.y0 || q.y1 <= p.y0, `${a.text} / ${b.text}`).toBe(true);
      }),
    );
  });
});

describe('a sweep where the key matters', () => {
  it('a sticky fault: stop_traffic_threshold_seconds changes the failed requests, so no note and no identical twin', async () => {
    const args = sweepArgs('test/fixtures/sweep/sticky-fault.yaml', [{ key: STOP, values: ['30', '600'] }]);
    const cmp = comparisonOf(args, await sweepInProcess(args));
    expect(cmp.noDifference).toEqual([]);
    expect(comparisonTable(cmp)).not.toContain('made no difference');
    expect(renderComparisonHtml(args, cmp)).not.toContain('class="no-difference"');
    // Cost does not depend on it here: a tie on cost, said, but not "identical".
    expect(cmp.ties.every((t) => !t.identical)).toBe(true);
    expect(recommendation(cmp)).not.toContain('every metric identical');
  }, 60_000);
});

/** Hand-made runs: failures and availability from the check delay, cost the same everywhere; stop makes no difference. */
function fakeRecords(args: SweepArgs): RunRecord[] {
  const variants = variantsOf(args);
  return runsOf(args).map((run) => {
    const v = variants[run.variant]!;
    const delay = Number(v.overrides.find((o) => o.startsWith(DELAY + '='))!.split('=')[1]);
    const failed = delay === 0 ? 0 : delay === 600 ? 28 + run.seed : 370 + run.seed;
    const arrived = 1095;
    const settings = Object.fromEntries(v.overrides.map((o) => o.split('=') as [string, string]));
    return {
      key: 'test', k: run.k, variant: run.variant, seed: run.seed, settings,
      metrics: {
        arrived, failed_requests: failed, availability: (arrived - failed) / arrived, latency_p50_s: 1.6, latency_p99_s: 2 + delay / 100, queue_wait_mean_s: 0.1, restarts: 0, traffic_stops: 0,
        fault_to_stop_s: null, cold_starts: 1, billed_minutes: 59, cost: 6.39, minutes_not_serving: delay / 60, latency_all_p99_s: 3, mid_load_kills: 0, restart_streak_max: 0, faults_missed: 0,
      },
    };
  });
}

describe('comparison.html markup', () => {
  // Rows the check delay, columns the (longer) stop-traffic key: the caption set the overflow.
  const args2 = { ...sweepArgs('s.yaml', [{ key: DELAY, values: ['0', '600', '1800'] }, { key: STOP, values: ['30', '120'] }], 5), require: ['availability>=0.99'] };
  const cmp2 = comparisonOf(args2, fakeRecords(args2));
  const html2 = renderComparisonHtml(args2, cmp2);

  it('every heatmap caption fits in its SVG, and every cell value in its cell', () => {
    const maps = svgs(html2, 'heatmap');
    expect(maps.length).toBeGreaterThan(3);
    for (const map of maps) {
      for (const t of map.texts.filter((x) => x.cls === 'axis-name')) expect(t.x + textWidth(t.text, 12), t.text).toBeLessThanOrEqual(map.width);
      const cellW = Number(/<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)"/.exec(map.body)![1]);
      for (const t of map.texts.filter((x) => x.cls === 'cell-value')) expect(textWidth(t.text, 11), t.text).toBeLessThanOrEqual(cellW - 8);
    }
  });

  it('availability cells: one precision, the fewest digits that tell them apart (100 %, 97 %, 66 %)', () => {
    const map = svgs(html2, 'heatmap').find((m) => /data-metric="availability"/.test(html2.slice(html2.indexOf(m.body) - 300, html2.indexOf(m.body))))!;
    const values = map.texts.filter((t) => t.cls === 'cell-value').map((t) => t.text.replace(/[★◆] /g, ''));
    expect(new Set(values)).toEqual(new Set(['100 %', '97 %', '66 %']));
    expect(cellFormat('availability', [1, 0.9996])(0.9996)).toBe('99.96 %'); // not "100 %"
    expect(cellFormat('availability', [0.9899, 0.95], [0.99])(0.9899)).toBe('98.99 %'); // apart from the bound's "99.0 %"
    expect(cellFormat('availability', [0.97411, 0.97412])(0.97411)).toBe('97.411 %'); // capped at 3 decimals
  });

  it('the same cost everywhere is said in the chart, and its axis spans the intervals, not ±10 %', () => {
    expect(sameCostOf([6.39, 6.39, 6.39])).toBe(6.39);
    expect(sameCostOf([6.39, 6.4])).toBeNull();
    expect(html2).toContain('Every variant costs the same, $6.39 per run: only failed requests tell them apart.');
    expect(recommendation(cmp2)).toContain('lowest mean cost 6.39 ± 0 (the same in all 6 variants)');
  });

  it('the variants table heads may wrap after "_"', () => {
    expect(html2).toContain('<th>stop_<wbr>traffic_<wbr>threshold_<wbr>seconds</th>');
  });

  it('1-key line charts: "◆ baseline" sits between the tick values and the key\'s name', () => {
    const args1 = sweepArgs('s.yaml', [{ key: DELAY, values: ['0', '600', '1800'] }], 5);
    const html1 = renderComparisonHtml(args1, comparisonOf(args1, fakeRecords(args1)));
    const charts = svgs(html1, 'line-chart').filter((c) => c.texts.some((t) => t.cls === 'base-label'));
    expect(charts.length).toBeGreaterThan(3);
    for (const chart of charts) {
      const base = chart.texts.find((t) => t.cls === 'base-label')!;
      const name = chart.texts.find((t) => t.cls === 'axis-name')!;
      expect(name.y - 12 * 0.8, 'the name\'s cap height clears the baseline label').toBeGreaterThan(base.y + 2);
    }
  });
});
