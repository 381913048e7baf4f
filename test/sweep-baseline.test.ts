/**
 * Issue 13: `--baseline` names the variant every other variant is compared with. Chosen by `#N`, by
 * its label, or by some of its settings (full or short keys, in any order); one that matches no
 * variant (or several) exits 2 before any run, listing the variants. The paired differences in
 * comparison.csv, the printed table and comparison.html are against it; here they are checked
 * against differences computed by hand on a tiny fixed set of runs (3 seeds, numbers below).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/scenario/defaults.js';
import { findBaseline } from '../src/sweep/baseline.js';
import { compareVariants as gridCompare, expandGrid } from '../src/sweep/grid.js';
import type { Metrics } from '../src/sweep/metrics.js';
import { inlineExecutor } from '../src/sweep/run-pool.js';
import type { LoadScenario, RunTask } from '../src/sweep/simulator.js';
import { captureSweepIo } from './helpers/sweep-io.js';
import { runSweep, type SweepOptions } from '../src/sweep/sweep.js';

const root = mkdtempSync(join(tmpdir(), 'sweep-baseline-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const scenario = join(root, 'fake.yaml');
writeFileSync(scenario, 'name: fake\n');

const STOP = 'deployment.runtime.health_checks.stop_traffic_threshold_seconds';
const DELAY = 'deployment.autoscaling.scale_down_delay';

/** The overrides applied to the default config, as the real loader does (labels are read back from it). */
const fakeLoad: LoadScenario = (_file, opts) => {
  const config = structuredClone({ ...defaultConfig(), name: 'fake', seed: opts.seed ?? 1 }) as unknown as Record<string, unknown>;
  for (const o of opts.overrides ?? []) {
    const [key, value] = o.split('=') as [string, string];
    const path = key.split('.');
    let node = config;
    for (const seg of path.slice(0, -1)) node = node[seg] as Record<string, unknown>;
    node[path[path.length - 1]!] = Number(value);
  }
  return { config: config as unknown as ReturnType<typeof defaultConfig> };
};

/**
 * The fixed results: per variant (stop, delay) and seed 1, 2, 3. Variant order of the grid
 * `--vary STOP=60,30 --vary DELAY=0,900`: #0 (60, 0), #1 (60, 900), #2 (30, 0), #3 (30, 900).
 */
const TABLE: Record<string, { failed: number[]; cost: number[]; kills: number[] }> = {
  '60,0': { failed: [10, 12, 14], cost: [1.5, 1.7, 1.6], kills: [1, 0, 1] },
  '60,900': { failed: [8, 9, 13], cost: [1.2, 1.3, 1.3], kills: [0, 0, 0] },
  '30,0': { failed: [6, 6, 11], cost: [1.4, 1.4, 1.5], kills: [0, 1, 0] },
  '30,900': { failed: [4, 5, 9], cost: [1.0, 1.1, 1.3], kills: [0, 0, 0] },
};

function fakeRun(task: RunTask): Metrics {
  const value = (key: string) => task.overrides.find((o) => o.startsWith(key + '='))!.split('=')[1];
  const row = TABLE[`${value(STOP)},${value(DELAY)}`]!;
  const i = task.seed - 1;
  const failed = row.failed[i]!;
  return {
    arrived: 1000, failed_requests: failed, availability: (1000 - failed) / 1000, latency_p50_s: 0.5, latency_p99_s: 2, queue_wait_mean_s: 0.01,
    restarts: 1, traffic_stops: 1, fault_to_stop_s: null, cold_starts: 1, billed_minutes: 60, cost: row.cost[i]!, minutes_not_serving: 1,
    latency_all_p99_s: 2, mid_load_kills: row.kills[i]!, restart_streak_max: 1, faults_missed: 0,
  };
}


let calls = 0;
const deps = { load: fakeLoad, executor: () => inlineExecutor((t) => (calls++, fakeRun(t))), env: {} };
function opts(over: Partial<SweepOptions>): SweepOptions {
  return { command: 'sweep', files: [scenario], vary: [`${STOP}=60,30`, `${DELAY}=0,900`], seeds: '3', firstSeed: '1', workers: '1', out: null, shard: null, require: [], minimize: null, ...over };
}
const read = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8');
/** comparison.csv as rows keyed `variant/metric`. */
function comparisonRows(dir: string): Map<string, Record<string, string>> {
  const [head, ...lines] = read(dir, 'comparison.csv').trim().split('\n');
  const cols = head!.split(',');
  return new Map(
    lines.map((l) => {
      const cells = l.split(',');
      const row = Object.fromEntries(cols.map((c, i) => [c, cells[i]!]));
      return [`${row.variant}/${row.metric}`, row];
    }),
  );
}

describe('findBaseline(spec, variants)', () => {
  const written = expandGrid([{ key: STOP, values: ['60', '30'] }, { key: DELAY, values: ['15m', '0'] }], 'f.yaml');
  // What ran: 15m resolved to 900 s (labels.ts reads it back from the config).
  const resolved = written.map((v) => {
    const values = v.values.map((x) => (x === '15m' ? '900' : x));
    return { ...v, values, label: `stop_traffic_threshold_seconds=${values[0]}, scale_down_delay=${values[1]}` };
  });
  const keys = [STOP, DELAY];
  const pick = (spec: string) => findBaseline(spec, written, resolved, keys);
  it.each([
    ['#2', 2],
    ['the label as printed', 'stop_traffic_threshold_seconds=30, scale_down_delay=900', 2],
    ['the label without spaces', 'stop_traffic_threshold_seconds=30,scale_down_delay=900', 2],
    ['settings in another order, with full keys', `${DELAY}=0,${STOP}=60`, 1],
    ['a dotted tail of the key and the value as written', 'autoscaling.scale_down_delay=15m, stop_traffic_threshold_seconds=60', 0],
    ['the value as it ran', 'scale_down_delay=900,stop_traffic_threshold_seconds=60', 0],
  ] as const)('picks the variant named by %s', (...row) => {
    const [spec, want] = row.length === 2 ? [row[0], row[1]] : [row[1], row[2]];
    expect(pick(spec as string)).toEqual({ variant: want });
  });
  it('a value no variant has, a key not varied, an ambiguous name or a missing #N is an error listing the variants', () => {
    const list = '#0 stop_traffic_threshold_seconds=60, scale_down_delay=900; #1 stop_traffic_threshold_seconds=60, scale_down_delay=0; #2 stop_traffic_threshold_seconds=30, scale_down_delay=900; #3 stop_traffic_threshold_seconds=30, scale_down_delay=0';
    expect(pick('stop_traffic_threshold_seconds=45,scale_down_delay=0')).toEqual({ error: `--baseline stop_traffic_threshold_seconds=45,scale_down_delay=0: matches no variant; the variants are ${list}` });
    expect(pick('min_replica=1')).toEqual({ error: `--baseline min_replica=1: min_replica is not a varied key (varied: ${STOP}, ${DELAY}); the variants are ${list}` });
    expect(pick('scale_down_delay=0')).toEqual({ error: `--baseline scale_down_delay=0: matches 2 variants (#1, #3); name more keys, or #N; the variants are ${list}` });
    expect(pick('#4')).toEqual({ error: `--baseline #4: there is no variant #4; the variants are ${list}` });
    expect(pick('fastest')).toEqual({ error: `--baseline fastest: matches no variant (expected #N, a label, or key=value,...); the variants are ${list}` });
  });
  it('compare: a file as given or its base name, or its label', () => {
    const w = gridCompare(['dir/a.yaml', 'dir/b.yaml']);
    const r = w.map((v, i) => ({ ...v, label: `restart_threshold_seconds=${[60, 300][i]}` }));
    expect(findBaseline('dir/b.yaml', w, r, [])).toEqual({ variant: 1 });
    expect(findBaseline('b.yaml', w, r, [])).toEqual({ variant: 1 });
    expect(findBaseline('restart_threshold_seconds=300', w, r, [])).toEqual({ variant: 1 });
    expect(findBaseline('restart_threshold_seconds=30', w, r, [])).toHaveProperty('error');
  });
});

describe('sweep --baseline', () => {
  it('an unknown baseline exits 2 before any run, naming the variants, and writes nothing', async () => {
    const out = join(root, 'unknown');
    const io = captureSweepIo();
    const before = calls;
    expect(await runSweep(opts({ out, baseline: 'stop_traffic_threshold_seconds=45' }), io, deps)).toBe(2);
    expect(io.errText()).toBe(
      '--baseline stop_traffic_threshold_seconds=45: matches no variant; the variants are #0 stop_traffic_threshold_seconds=60, scale_down_delay=0; #1 stop_traffic_threshold_seconds=60, scale_down_delay=900; #2 stop_traffic_threshold_seconds=30, scale_down_delay=0; #3 stop_traffic_threshold_seconds=30, scale_down_delay=900\n',
    );
    expect(calls).toBe(before);
    expect(existsSync(out)).toBe(false);
  });

  it('the paired differences are against the baseline: equal to the differences computed by hand', async () => {
    const out = join(root, 'chosen');
    const io = captureSweepIo();
    expect(await runSweep(opts({ out, baseline: 'scale_down_delay=900, stop_traffic_threshold_seconds=30' }), io, deps)).toBe(0);
    const rows = comparisonRows(out);
    // #0 − #3 failed requests per seed: 10−4, 12−5, 14−9 = 6, 7, 5: mean 6, s = 1,
    // half-width t(0.975, 2) · 1/√3 = 4.3026527 / 1.7320508 = 2.4841377.
    const f0 = rows.get('0/failed_requests')!;
    expect(Number(f0.diff)).toBe(6);
    expect(Number(f0.diff_ci_low)).toBeCloseTo(6 - 2.4841377, 6);
    expect(Number(f0.diff_ci_high)).toBeCloseTo(6 + 2.4841377, 6);
    // #0 − #3 cost: 0.5, 0.6, 0.3: mean 0.4666667, s = √(0.0466667/2) = 0.1527525, half 4.3026527 · 0.1527525 / 1.7320508 = 0.3794583.
    const c0 = rows.get('0/cost')!;
    expect(Number(c0.diff)).toBeCloseTo(0.4666667, 6);
    expect(Number(c0.diff_ci_high) - Number(c0.diff)).toBeCloseTo(0.3794583, 6);
    // #2 − #3 mid-load kills: 0, 1, 0: mean 1/3, s = 0.5773503, half 4.3026527 · 0.5773503 / 1.7320508 = 1.4342176.
    const k2 = rows.get('2/mid_load_kills')!;
    expect(Number(k2.diff)).toBeCloseTo(1 / 3, 6);
    expect(Number(k2.diff_ci_low)).toBeCloseTo(1 / 3 - 1.4342176, 6);
    // #1 − #3 availability: (992 − 996)/1000, (991 − 995)/1000, (987 − 991)/1000: −0.004 on every seed, a 0-width interval.
    const a1 = rows.get('1/availability')!;
    expect([Number(a1.diff), Number(a1.diff_ci_low), Number(a1.diff_ci_high)].map((x) => Number(x.toFixed(9)))).toEqual([-0.004, -0.004, -0.004]);
    // The baseline against itself: exactly 0, and marked.
    expect(['diff', 'diff_ci_low', 'diff_ci_high'].map((c) => rows.get('3/failed_requests')![c])).toEqual(['0', '0', '0']);
    expect([...rows.values()].filter((r) => r.baseline === 'yes').map((r) => r.variant)).toEqual(Array(rows.size / 4).fill('3'));

    const text = io.outText();
    expect(text).toContain('Δ = paired difference to the baseline #3 on the same seeds');
    expect(text).toContain('baseline #3: stop_traffic_threshold_seconds=30, scale_down_delay=900 (--baseline)');
    expect(text).toMatch(/#3 {2}stop_traffic_threshold_seconds=30, scale_down_delay=900 +BASELINE/);
    expect(text).toMatch(/failed_requests +12 ± 5 \(Δ \+6 ± 2\.5\) +10 ± 6\.6 \(Δ \+4 ± 0\) +7\.667 ± 7\.2 \(Δ \+1\.67 ± 1\.4\) +6 ± 6\.6\n/);
    expect(text).toContain('#3 (baseline)');

    expect(JSON.parse(read(out, 'sweep.json')).baseline).toEqual({ spec: 'scale_down_delay=900, stop_traffic_threshold_seconds=30', variant: 3 });
    const html = read(out, 'comparison.html');
    expect(html).toContain('◆ <b>Baseline #3: stop_traffic_threshold_seconds=30, scale_down_delay=900 (--baseline)</b>');
    expect(html).toMatch(/<tr class="baseline"><td>◆ baseline<\/td><td>30<\/td><td>900<\/td>/);
    expect(html).toContain('<span class="delta worse">Δ +6 ± 2.5</span>');
    expect(html.match(/class="cell baseline"/g)?.length).toBeGreaterThan(3); // one per heatmap
  });

  it('another --baseline on the same folder reuses every run and rewrites the comparison', async () => {
    const out = join(root, 'chosen');
    const before = calls;
    const io = captureSweepIo();
    expect(await runSweep(opts({ out, baseline: '#1' }), io, deps)).toBe(0);
    expect(calls).toBe(before);
    // #0 − #1 failed: 2, 3, 1 → mean 2.
    expect(comparisonRows(out).get('0/failed_requests')!.diff).toBe('2');
    expect(io.outText()).toContain('baseline #1: stop_traffic_threshold_seconds=60, scale_down_delay=900 (--baseline)');
  });

  it('without --baseline the baseline is #0, and the outputs say it is the default', async () => {
    const out = join(root, 'default');
    const io = captureSweepIo();
    expect(await runSweep(opts({ out }), io, deps)).toBe(0);
    expect(io.outText()).toContain('baseline #0: stop_traffic_threshold_seconds=60, scale_down_delay=0 (the first variant, by default; --baseline picks another)');
    expect(JSON.parse(read(out, 'sweep.json'))).not.toHaveProperty('baseline');
    expect(comparisonRows(out).get('0/failed_requests')!.baseline).toBe('yes');
  });
});
