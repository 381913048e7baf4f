/**
 * Issue 13: a sweep answers the question asked. Overlapping --vary axes are refused, labels come
 * from the config that ran, a fault that missed is flagged, the recommendation refuses a setting
 * that kills starts mid-load, and the page's layout follows the number of varied keys. Runs use the
 * real simulator in this thread (inlineExecutor), on short fixtures and few seeds.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareVariants, recommendation } from '../src/sweep/comparison.js';
import { expandGrid, parseVary, GridError } from '../src/sweep/grid.js';
import type { RunRecord } from '../src/sweep/journal.js';
import type { Metrics } from '../src/sweep/metrics.js';
import { parseRequirement } from '../src/sweep/requirements.js';
import { inlineExecutor } from '../src/sweep/run-pool.js';
import { defaultLoader, runOutcome } from '../src/sweep/simulator.js';
import { captureSweepIo } from './helpers/sweep-io.js';
import { runSweep, type SweepOptions } from '../src/sweep/sweep.js';

const FIX = 'test/fixtures/tuning';
const root = mkdtempSync(join(tmpdir(), 'sweep-tuning-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const deps = { load: defaultLoader, executor: () => inlineExecutor((t) => runOutcome(defaultLoader, t)) };
function opts(over: Partial<SweepOptions>): SweepOptions {
  return { command: 'sweep', files: [`${FIX}/missed-fault.yaml`], vary: [], seeds: '5', firstSeed: '1', workers: '1', out: null, shard: null, require: [], minimize: null, ...over };
}
const read = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8');

describe('--vary axes', () => {
  it('two axes that set the same leaf (a mapping merges leaf by leaf) exit 2 naming both', async () => {
    const io = captureSweepIo();
    const code = await runSweep(
      opts({ vary: ['deployment.autoscaling={min_replica: 0, scale_down_delay: 60}', 'deployment.autoscaling.scale_down_delay=60,900'], out: join(root, 'overlap') }),
      io,
      deps,
    );
    expect(code).toBe(2);
    expect(io.errText()).toContain('--vary deployment.autoscaling and --vary deployment.autoscaling.scale_down_delay both set deployment.autoscaling.scale_down_delay');
  });
  it('one axis inside the other\'s value is refused; disjoint leaves of one mapping are not', () => {
    expect(() => parseVary(['deployment.autoscaling=5', 'deployment.autoscaling.min_replica=1,2'])).toThrow(GridError);
    expect(() => parseVary(['deployment.autoscaling.scale_down_delay=60,900', 'deployment.autoscaling={min_replica: 1},{min_replica: 2}'])).not.toThrow();
    expect(() => parseVary(['a.b=1,2', 'a.bc=1,2'])).not.toThrow(); // a.bc is not inside a.b
  });
  it('labels come from the resolved config: 4m runs as 240 s, a mapping value merges into the file\'s mapping', async () => {
    const out = join(root, 'labels');
    const io = captureSweepIo();
    const code = await runSweep(opts({ vary: ['deployment.autoscaling.scale_down_delay=15m,4m', 'deployment.autoscaling={max_replica: 1},{max_replica: 2}'], seeds: '2', out }), io, deps);
    expect(code).toBe(0);
    const csv = read(out, 'results.csv').trim().split('\n');
    expect(csv[1]).toMatch(/^0,900,\{max_replica: 1\},1,/);
    expect(io.outText()).toContain('#3  scale_down_delay=240, autoscaling={max_replica: 2}');
    expect(io.outText()).not.toContain('=4m');
    // Each run records the leaves it ran, read back from its config (the mapping set only max_replica).
    const rec = read(out, 'runs.jsonl').trim().split('\n').map((l) => JSON.parse(l) as RunRecord);
    expect(rec[0]!.settings).toEqual({ 'deployment.autoscaling.scale_down_delay': '900', 'deployment.autoscaling.max_replica': '1' });
    // A value the run replaced is labelled by what ran, not by what was typed.
    expect(expandGrid([{ key: 'x', values: ['1'] }], 'f')[0]!.label).toBe('x=1');
  });
});

describe('a fault that missed', () => {
  it('is flagged per variant in the table, results.csv and comparison.html, and the variant is not recommended', async () => {
    const out = join(root, 'missed');
    const io = captureSweepIo();
    const code = await runSweep(opts({ vary: ['deployment.autoscaling.scale_down_delay=900,240'], out, minimize: 'cost' }), io, deps);
    expect(code).toBe(0);
    const text = io.outText();
    expect(text).toMatch(/#1 {2}scale_down_delay=240 .*⚠ fault missed in 1\/5 seeds/);
    expect(text).toContain('a fault hit nothing in 1 of 5 seeds');
    expect(text).toContain('fault cuda_error at 900 s: replica 0 does not exist at that time; nothing happened');
    expect(text).toMatch(/best: variant 0 \(scale_down_delay=900\).*no missed fault in any seed.*not variant 1 \(scale_down_delay=240: fault missed in 1\/5 seeds\)/);
    const rows = read(out, 'results.csv').trim().split('\n');
    const head = rows[0]!.split(',');
    const w = head.indexOf('warnings');
    expect(rows.slice(1).map((r) => r.split(',')[w])).toEqual(['0', '0', '0', '0', '0', '0', '0', '0', '0', '1']);
    const html = read(out, 'comparison.html');
    expect(html).toContain('fault missed in 1/5 seeds');
    expect(html).toContain('A fault hit nothing in some seeds of 1 variant');
  }, 60_000);
});

describe('mid-load kills', () => {
  it('a startup threshold below the load time kills starts mid-load; the other does not', async () => {
    const short = await runOutcome(defaultLoader, { file: `${FIX}/mid-load.yaml`, overrides: ['deployment.runtime.health_checks.startup_threshold_seconds=120'], seed: 1 });
    const long = await runOutcome(defaultLoader, { file: `${FIX}/mid-load.yaml`, overrides: ['deployment.runtime.health_checks.startup_threshold_seconds=600'], seed: 1 });
    expect(short.metrics.mid_load_kills).toBeGreaterThan(0);
    expect(short.metrics.restart_streak_max).toBeGreaterThan(0);
    expect(long.metrics.mid_load_kills).toBe(0);
    expect(long.metrics.latency_all_p99_s).not.toBeNull();
  });

  const m = (cost: number, kills: number, seed: number): Metrics => ({
    arrived: 1000, failed_requests: 1 + (seed % 2), availability: 0.999, latency_p50_s: 1, latency_p99_s: 2, queue_wait_mean_s: 0, restarts: kills, traffic_stops: 0,
    fault_to_stop_s: null, cold_starts: 6, billed_minutes: 60, cost: cost + seed / 100, minutes_not_serving: 0, latency_all_p99_s: 2, mid_load_kills: kills, restart_streak_max: kills, faults_missed: 0,
  });
  const variants = expandGrid([{ key: 'deployment.runtime.health_checks.startup_threshold_seconds', values: ['600', '60'] }], 'f');
  // Variant 1 is cheaper but kills one start in six (1 of 6 cold starts per run) mid-load.
  const records: RunRecord[] = [1, 2, 3, 4].flatMap((seed) => [
    { key: 'k', k: seed - 1, variant: 0, seed, metrics: m(10, 0, seed) },
    { key: 'k', k: 3 + seed, variant: 1, seed, metrics: m(8, 1, seed) },
  ]);

  it('the recommendation refuses a cheaper variant with mid-load kills and says why', () => {
    const cmp = compareVariants(variants, [1, 2, 3, 4], records, [parseRequirement('availability>=0.99')], 'cost');
    expect(cmp.best).toBe(0);
    expect(cmp.variants[1]!.failing).toEqual(['mid_load_kills<=0']);
    const line = recommendation(cmp)!;
    expect(line).toContain('best: variant 0 (startup_threshold_seconds=600)');
    expect(line).toContain('no mid-load kill');
    expect(line).toContain('not variant 1 (startup_threshold_seconds=60: 1 mid-load kills per run)');
  });
  it('--require on mid_load_kills overrides the default', () => {
    const cmp = compareVariants(variants, [1, 2, 3, 4], records, [parseRequirement('mid_load_kills<=1')], 'cost');
    expect(cmp.defaults.map((d) => d.text)).toEqual(['faults_missed<=0']);
    expect(cmp.best).toBe(1);
  });
});

describe('a recommendation the seeds cannot back', () => {
  const m = (cost: number): Metrics => ({
    arrived: 1000, failed_requests: 1, availability: 0.999, latency_p50_s: 1, latency_p99_s: 2, queue_wait_mean_s: 0, restarts: 0, traffic_stops: 0,
    fault_to_stop_s: null, cold_starts: 1, billed_minutes: 60, cost, minutes_not_serving: 0, latency_all_p99_s: 2, mid_load_kills: 0, restart_streak_max: 0, faults_missed: 0,
  });
  const variants = expandGrid([{ key: 'deployment.autoscaling.scale_down_delay', values: ['60', '120', '900'] }], 'f');
  // Costs per seed 1–4: variant 0 [10, 12, 11, 13] (mean 11.5), variant 1 [11, 11, 12, 13] (11.75), variant 2 [20, 22, 21, 23].
  const costs = [[10, 12, 11, 13], [11, 11, 12, 13], [20, 22, 21, 23]];
  const records: RunRecord[] = costs.flatMap((c, variant) => c.map((cost, i) => ({ key: 'k', k: variant * 4 + i, variant, seed: i + 1, metrics: m(cost) })));

  it('names the variant a paired interval does not separate from the best, and not the one it does', () => {
    const cmp = compareVariants(variants, [1, 2, 3, 4], records, [], 'cost');
    expect(cmp.best).toBe(0);
    // Variant 1 − 0 per seed: [1, −1, 1, 0], mean 0.25, sd 0.9574, half-width t(0.975, 3) 3.1824 × 0.9574 / 2 = 1.52: reaches 0.
    // Variant 2 − 0: [10, 10, 10, 10], a 0-wide interval at 10: told apart.
    expect(cmp.close.map((c) => c.index)).toEqual([1]);
    expect(cmp.close[0]!.diff.mean).toBeCloseTo(0.25, 12);
    expect(cmp.close[0]!.diff.high! - cmp.close[0]!.diff.mean!).toBeCloseTo(1.5235, 3);
    expect(recommendation(cmp)).toContain('not told apart from variant 1 (cost +0.25 ± 1.5) by these 4 seeds (paired difference, 95 %): run more seeds, or choose on another metric');
  });
});

describe('comparison.html layout', () => {
  it('a 2-key sweep has heatmaps with the recommended cell outlined; a 1-key sweep has none', async () => {
    const two = join(root, 'two');
    expect(await runSweep(opts({ files: [`${FIX}/mid-load.yaml`], vary: ['deployment.runtime.health_checks.startup_threshold_seconds=600,120', 'deployment.autoscaling.max_replica=1,2'], seeds: '2', out: two, minimize: 'cost' }), captureSweepIo(), deps)).toBe(0);
    const html2 = read(two, 'comparison.html');
    expect(html2).toContain('class="chart metric-chart heatmap"');
    expect(html2).toMatch(/class="cell recommended[^"]*"/);
    expect(html2).toContain('best-outline');
    expect(html2).toContain('url(#hatch)'); // startup_threshold 120 fails mid_load_kills<=0
    const one = join(root, 'one');
    expect(await runSweep(opts({ files: [`${FIX}/mid-load.yaml`], vary: ['deployment.runtime.health_checks.startup_threshold_seconds=600,120'], seeds: '2', out: one }), captureSweepIo(), deps)).toBe(0);
    const html1 = read(one, 'comparison.html');
    expect(html1).not.toContain('heatmap');
    expect(html1).toContain('line-chart');
  }, 60_000);
  it('compare a.yaml b.yaml names the differing keys, not the file paths', async () => {
    const out = join(root, 'cmp');
    const io = captureSweepIo();
    expect(await runSweep(opts({ command: 'compare', files: [`${FIX}/missed-fault.yaml`, `${FIX}/mid-load.yaml`], seeds: '2', out }), io, deps)).toBe(0);
    expect(io.outText()).toMatch(/#0 {2}\S+=/);
    expect(io.outText()).not.toMatch(/#0 {2}test\/fixtures/);
    const labels = JSON.parse(read(out, 'sweep.json')).labels as string[];
    expect(labels[0]).toContain('scale_down_delay=60');
    expect(labels[1]).toContain('scale_down_delay=900'); // mid-load.yaml keeps the default
    expect(labels.join()).not.toContain('fixtures');
  }, 60_000);
});
