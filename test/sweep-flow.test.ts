/**
 * The sweep's flow with a fake scenario loader and fake runs (in this thread): argument checks,
 * validation before any run, output order, resume after an interrupt, shards and merge.
 */
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/scenario/defaults.js';
import { expandGrid, parseVary, splitValues, GridError } from '../src/sweep/grid.js';
import type { Metrics } from '../src/sweep/metrics.js';
import { runMerge } from '../src/sweep/merge.js';
import { inlineExecutor, type Executor } from '../src/sweep/run-pool.js';
import { parseShard } from '../src/sweep/shard.js';
import type { LoadScenario, RunTask } from '../src/sweep/simulator.js';
import { captureSweepIo } from './helpers/sweep-io.js';
import { runSweep, type SweepOptions } from '../src/sweep/sweep.js';

const root = mkdtempSync(join(tmpdir(), 'sweep-flow-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const scenario = join(root, 'fake.yaml');
writeFileSync(scenario, 'name: fake\n');

// ---- fakes --------------------------------------------------------------------------------------
const KEYS: Record<string, [number, number]> = {
  'deployment.runtime.health_checks.stop_traffic_threshold_seconds': [30, 1800],
  'deployment.autoscaling.scale_down_delay': [0, 3600],
};

/** Mimics src/scenario's loadScenario: ScenarioError with one line per bad override. */
const fakeLoad: LoadScenario = (_file, opts) => {
  const messages: string[] = [];
  const option = opts.overrideOption ?? '--set';
  for (const o of opts.overrides ?? []) {
    const [key, value] = o.split('=') as [string, string];
    const range = KEYS[key];
    if (!range) messages.push(`${option} ${key}: found an unknown key, allowed ${Object.keys(KEYS).join(', ')}`);
    else if (!/^\d+(\.\d+)?$/.test(value)) messages.push(`${option} ${o}: found ${value} (a string), allowed a number of seconds`);
    else if (Number(value) < range[0] || Number(value) > range[1]) messages.push(`${option} ${o}: found ${value}, allowed ${range[0]}–${range[1]}`);
  }
  if (messages.length > 0) throw Object.assign(new Error(messages.join('\n')), { name: 'ScenarioError', messages });
  return { config: { ...defaultConfig(), name: 'fake', seed: opts.seed ?? 1 } };
};

/** Deterministic metrics: the seed drives the "traffic", the threshold the failures. */
function fakeRun(task: RunTask): Metrics {
  const value = (key: string, d: number) => Number(task.overrides.find((o) => o.startsWith(key + '='))?.split('=')[1] ?? d);
  const thr = value('deployment.runtime.health_checks.stop_traffic_threshold_seconds', 60);
  const delay = value('deployment.autoscaling.scale_down_delay', 900);
  const arrived = 1000 + ((task.seed * 7919) % 113);
  const failed = Math.round(thr / 10 + (task.seed % 5));
  return {
    arrived,
    failed_requests: failed,
    availability: (arrived - failed) / arrived,
    latency_p50_s: 0.8 + task.seed / 100,
    latency_p99_s: 4 + task.seed / 10,
    queue_wait_mean_s: 0.01 * task.seed,
    restarts: 1,
    traffic_stops: 1,
    fault_to_stop_s: task.seed % 2 === 0 ? thr : null,
    cold_starts: Math.round(3600 / (delay + 60)),
    billed_minutes: 60 + delay / 60,
    cost: (60 + delay / 60) * 0.10833,
    minutes_not_serving: 2,
  };
}


function opts(over: Partial<SweepOptions>): SweepOptions {
  return {
    command: 'sweep',
    files: [scenario],
    vary: ['deployment.runtime.health_checks.stop_traffic_threshold_seconds=60,30,300'],
    seeds: '4',
    firstSeed: '1',
    workers: '1',
    out: null,
    shard: null,
    require: [],
    minimize: null,
    ...over,
  };
}

let calls = 0;
const deps = (executor: () => Executor = () => inlineExecutor((t) => (calls++, fakeRun(t)))) => ({ load: fakeLoad, executor, env: {} });
const read = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8');

// ---- grid ----------------------------------------------------------------------------------------
describe('grid', () => {
  it('expandGrid([a=1,2], [b=x,y]) gives every combination, the first --vary slowest, variant 0 the baseline', () => {
    const variants = expandGrid(parseVary(['a.p=1,2', 'b.q=x,y']), 'f.yaml');
    expect(variants.map((v) => v.values)).toEqual([['1', 'x'], ['1', 'y'], ['2', 'x'], ['2', 'y']]);
    expect(variants[1]!.overrides).toEqual(['a.p=1', 'b.q=y']);
    expect(variants[1]!.label).toBe('p=1, q=y');
  });
  it('splitValues keeps commas inside brackets and quotes', () => {
    expect(splitValues('[1,2],{a: 1, b: 2},"x,y",3')).toEqual(['[1,2]', '{a: 1, b: 2}', '"x,y"', '3']);
  });
  it('parseVary collects every malformed --vary with a message naming it', () => {
    try {
      parseVary(['novalue', 'a.b=1,,2', 'a.c=1,1', 'x y=1', 'a.d=1', 'a.d=2']);
      expect.unreachable();
    } catch (err) {
      expect((err as GridError).messages).toEqual([
        '--vary novalue: expected key.path=v1,v2,... (no "=" found)',
        '--vary a.b=1,,2: empty value in the list (expected key.path=v1,v2,...)',
        '--vary a.c=1,1: value 1 is listed twice',
        '--vary x y=1: "x y" is not a key path (expected e.g. deployment.runtime.health_checks.stop_traffic_threshold_seconds)',
        '--vary a.d=2: a.d is already varied by another --vary',
      ]);
    }
  });
  it('parseShard reads i/n, and auto/n from JOB_COMPLETION_INDEX + 1 only', () => {
    expect(parseShard('2/4', { JOB_COMPLETION_INDEX: '0' })).toEqual({ index: 2, count: 4 });
    expect(parseShard('auto/4', { JOB_COMPLETION_INDEX: '3' })).toEqual({ index: 4, count: 4 });
    expect(() => parseShard('auto/4', {})).toThrow('auto needs JOB_COMPLETION_INDEX');
    expect(() => parseShard('auto/4', { JOB_COMPLETION_INDEX: '4' })).toThrow('allowed 0–3');
    expect(() => parseShard('5/4', {})).toThrow('i = 5, allowed 1–4');
    expect(() => parseShard('1-4', {})).toThrow('expected i/n');
  });
});

// ---- bad input: exit 2 before any run --------------------------------------------------------------
describe('sweep with bad input exits 2 before any run', () => {
  const cases: [string, Partial<SweepOptions>, string[]][] = [
    ['unknown key', { vary: ['deployment.runtime.health_checks.stop_trafic=30,60'] }, ['--vary deployment.runtime.health_checks.stop_trafic: found an unknown key']],
    ['value out of range', { vary: ['deployment.runtime.health_checks.stop_traffic_threshold_seconds=60,5'] }, ['--vary deployment.runtime.health_checks.stop_traffic_threshold_seconds=5: found 5, allowed 30–1800']],
    ['wrong type', { vary: ['deployment.autoscaling.scale_down_delay=60,soon'] }, ['--vary deployment.autoscaling.scale_down_delay=soon: found soon (a string), allowed a number of seconds']],
    ['no --vary', { vary: [] }, ['--vary: at least one is required']],
    ['bad --seeds and --require', { seeds: 'ten', require: ['availibility>=0.9'] }, ['--seeds ten: found "ten", allowed an integer ≥ 1', '--require availibility>=0.9: found metric availibility, allowed arrived, failed_requests']],
    ['bad --minimize', { minimize: 'price' }, ['--minimize price: found price, allowed arrived']],
    ['missing scenario file', { files: [join(root, 'nope.yaml')] }, [`${join(root, 'nope.yaml')}: file not found`]],
  ];
  for (const [name, over, expected] of cases) {
    it(`sweep with ${name} exits 2 and says which`, async () => {
      const io = captureSweepIo();
      const out = join(root, `bad-${name.replace(/\W+/g, '-')}`);
      calls = 0;
      const code = await runSweep(opts({ ...over, out }), io, deps());
      expect(code).toBe(2);
      for (const e of expected) expect(io.errText()).toContain(e);
      expect(calls).toBe(0);
      expect(existsSync(out)).toBe(false);
    });
  }
  it('a scenario warning shared by every variant is shown once, and the sweep runs', async () => {
    const io = captureSweepIo();
    const warn: LoadScenario = (file, o) => ({ ...(fakeLoad(file, o) as { config: ReturnType<typeof defaultConfig> }), warnings: ['fake.yaml:3:1 x: found 1, deprecated'] });
    expect(await runSweep(opts({ out: join(root, 'warned') }), io, { load: warn, executor: () => inlineExecutor(fakeRun), env: {} })).toBe(0);
    expect(io.errText().match(/warning: fake.yaml:3:1 x: found 1, deprecated/g)).toHaveLength(1);
  });

  it('a bad value shared by many variants is reported once', async () => {
    const io = captureSweepIo();
    const code = await runSweep(opts({ vary: ['deployment.autoscaling.scale_down_delay=1,2', 'deployment.runtime.health_checks.stop_traffic_threshold_seconds=1,60'], out: join(root, 'bad-dup') }), io, deps());
    expect(code).toBe(2);
    expect(io.errText().match(/stop_traffic_threshold_seconds=1:/g)).toHaveLength(1);
  });
});

// ---- outputs, order, resume -----------------------------------------------------------------------
describe('sweep outputs', () => {
  it('sweep writes results.csv sorted by variant then seed, comparison.csv with a zero baseline difference', async () => {
    const out = join(root, 'plain');
    const io = captureSweepIo();
    expect(await runSweep(opts({ out }), io, deps())).toBe(0);
    const rows = read(out, 'results.csv').trim().split('\n');
    expect(rows[0]).toBe(
      'variant,deployment.runtime.health_checks.stop_traffic_threshold_seconds,seed,arrived,failed_requests,availability,latency_p50_s,latency_p99_s,queue_wait_mean_s,restarts,traffic_stops,fault_to_stop_s,cold_starts,billed_minutes,cost,minutes_not_serving,latency_all_p99_s,mid_load_kills,restart_streak_max,faults_missed,warnings',
    );
    expect(rows.slice(1).map((r) => r.split(',').slice(0, 3).join(','))).toEqual(
      ['0,60', '1,30', '2,300'].flatMap((v) => [1, 2, 3, 4].map((s) => `${v},${s}`)),
    );
    expect(rows[1]!.split(',')[11]).toBe(''); // fault_to_stop_s: no stop on odd seeds → empty
    const cmp = read(out, 'comparison.csv').trim().split('\n');
    const failedBase = cmp.find((l) => l.startsWith('0,60,failed_requests,'))!;
    expect(failedBase.split(',').slice(7, 10)).toEqual(['0', '0', '0']); // diff, diff_ci_low, diff_ci_high
    const failed30 = cmp.find((l) => l.startsWith('1,30,failed_requests,'))!;
    expect(failed30.split(',').slice(7, 10)).toEqual(['-3', '-3', '-3']); // 30/10 − 60/10 on every seed
    expect(io.outText()).toContain('3 variants × 4 seeds');
    expect(read(out, 'comparison.html')).toContain('<svg');
  });

  it('results do not depend on the order runs finish in', async () => {
    const a = join(root, 'order-a');
    const b = join(root, 'order-b');
    expect(await runSweep(opts({ out: a }), captureSweepIo(), deps())).toBe(0);
    // Finish runs in reverse: later runs resolve first.
    const reverse: Executor = {
      run: (task) => new Promise((res) => setTimeout(() => res(fakeRun(task)), 40 - task.seed * 5 - task.overrides[0]!.length)),
      close: async () => undefined,
    };
    expect(await runSweep(opts({ out: b }), captureSweepIo(), deps(() => reverse))).toBe(0);
    for (const f of ['results.csv', 'comparison.csv', 'comparison.html']) expect(read(b, f)).toBe(read(a, f));
  });

  it('an interrupted sweep keeps finished runs and the same command resumes, skipping them', async () => {
    const out = join(root, 'resume');
    const controller = new AbortController();
    let n = 0;
    const interrupting = () =>
      inlineExecutor((t) => {
        if (++n === 5) controller.abort(); // Ctrl-C while the 5th run is in progress
        return fakeRun(t);
      });
    const io = captureSweepIo();
    expect(await runSweep(opts({ out }), io, deps(interrupting), controller.signal)).toBe(130);
    expect(io.errText()).toContain('interrupted: 5 of 12 runs kept');
    expect(read(out, 'runs.jsonl').trim().split('\n')).toHaveLength(5);
    expect(existsSync(join(out, 'results.csv'))).toBe(false);

    calls = 0;
    const io2 = captureSweepIo();
    expect(await runSweep(opts({ out }), io2, deps())).toBe(0);
    expect(io2.errText()).toContain('5 already in');
    expect(calls).toBe(7);
    const clean = join(root, 'plain');
    for (const f of ['results.csv', 'comparison.csv', 'comparison.html']) expect(read(out, f)).toBe(read(clean, f));

    // Other arguments in the same folder: refused (SPEC §9), and with --force the old runs are not reused.
    calls = 0;
    const refused = captureSweepIo();
    expect(await runSweep(opts({ out, seeds: '2' }), refused, deps())).toBe(2);
    expect(refused.errText()).toContain('they differ in seeds');
    expect(calls).toBe(0);
    expect(await runSweep(opts({ out, seeds: '2', force: true }), captureSweepIo(), deps())).toBe(0);
    expect(calls).toBe(6);
  });

  it('a resumed sweep with nothing left, on one worker, says "1 worker" (plural only when ≠ 1)', async () => {
    const out = join(root, 'resume-one-worker');
    const first = captureSweepIo();
    expect(await runSweep(opts({ out, seeds: '1', vary: ['deployment.autoscaling.scale_down_delay=60'] }), first, deps())).toBe(0);
    expect(first.errText()).toContain('sweep: 1 variant × 1 seed (1–1) = 1 run; 1 to run on 1 worker →');
    expect(first.errText()).toMatch(/^1 run in [\d.]+ s on 1 worker$/m);
    const again = captureSweepIo();
    expect(await runSweep(opts({ out, seeds: '1', vary: ['deployment.autoscaling.scale_down_delay=60'] }), again, deps())).toBe(0);
    expect(again.errText()).toContain('; 1 already in');
    expect(again.errText()).toContain('; 0 to run on 1 worker →');
  });

  it('a Ctrl-C before the runs start (during validation) starts none and exits 130', async () => {
    const controller = new AbortController();
    controller.abort();
    calls = 0;
    const io = captureSweepIo();
    expect(await runSweep(opts({ out: join(root, 'early-interrupt') }), io, deps(), controller.signal)).toBe(130);
    expect(calls).toBe(0);
    expect(io.errText()).toContain('interrupted: 0 of 12 runs kept');
  });

  it('a failing run exits 1 naming the variant and seed', async () => {
    const failing = () =>
      inlineExecutor((t) => {
        if (t.seed === 3) throw new Error('boom');
        return fakeRun(t);
      });
    const io = captureSweepIo();
    expect(await runSweep(opts({ out: join(root, 'failing') }), io, deps(failing))).toBe(1);
    expect(io.errText()).toContain('run failed: variant 0 (stop_traffic_threshold_seconds=60), seed 3: boom');
  });

  it('--require and --minimize name the cheapest variant meeting the requirement with confidence', async () => {
    const io = captureSweepIo();
    const vary = ['deployment.autoscaling.scale_down_delay=900,60,300'];
    // failed = 6 + seed%5 on every variant; cost falls with the delay. availability 0.9917 ± 0.0019: ≥ 0.985 holds for all with confidence.
    expect(await runSweep(opts({ vary, out: join(root, 'req'), require: ['availability>=0.985'], minimize: 'cost' }), io, deps())).toBe(0);
    expect(io.outText()).toContain('best: variant 1 (scale_down_delay=60)');
    const io2 = captureSweepIo();
    expect(await runSweep(opts({ vary, out: join(root, 'req2'), require: ['failed_requests<=5'], minimize: 'cost' }), io2, deps())).toBe(0);
    expect(io2.outText()).toContain('none of the 3 variants meets failed_requests<=5 with 95 % confidence');
  });

  it('compare a.yaml b.yaml runs the two files as two variants on the same seeds', async () => {
    const other = join(root, 'other.yaml');
    writeFileSync(other, 'name: other\n');
    const out = join(root, 'compare');
    expect(await runSweep(opts({ command: 'compare', files: [scenario, other], vary: [], out }), captureSweepIo(), deps())).toBe(0);
    const rows = read(out, 'results.csv').trim().split('\n');
    expect(rows[0]!.startsWith('variant,scenario,seed,')).toBe(true);
    expect(rows).toHaveLength(1 + 2 * 4);
    expect(rows[5]!.startsWith(`1,${other},1,`)).toBe(true);
  });
});

// ---- shards and merge -----------------------------------------------------------------------------
describe('shards and merge', () => {
  const base = join(root, 'sharded');
  it('three shards merged give the unsharded outputs byte for byte', async () => {
    for (const i of [1, 2, 3]) expect(await runSweep(opts({ out: base, shard: `${i}/3` }), captureSweepIo(), deps())).toBe(0);
    expect(read(join(base, 'shard-2-of-3'), 'runs.jsonl').trim().split('\n')).toHaveLength(4); // runs 1, 4, 7, 10
    const merged = join(root, 'merged');
    const io = captureSweepIo();
    expect(await runMerge(['shard-3-of-3', 'shard-1-of-3', 'shard-2-of-3'].map((d) => join(base, d)), merged, io)).toBe(0);
    const clean = join(root, 'plain');
    for (const f of ['results.csv', 'comparison.csv', 'comparison.html']) expect(read(merged, f)).toBe(read(clean, f));
    // The merged folder is a complete unsharded sweep: rerunning it runs nothing.
    calls = 0;
    expect(await runSweep(opts({ out: merged }), captureSweepIo(), deps())).toBe(0);
    expect(calls).toBe(0);
  });

  it('merge refuses missing shards, shards of another sweep and incomplete shards', async () => {
    let io = captureSweepIo();
    expect(await runMerge([join(base, 'shard-1-of-3'), join(base, 'shard-2-of-3')], join(root, 'm1'), io)).toBe(2);
    expect(io.errText()).toContain('merge: missing shard 3/3');

    const otherBase = join(root, 'sharded-other');
    expect(await runSweep(opts({ out: otherBase, shard: '3/3', seeds: '5' }), captureSweepIo(), deps())).toBe(0);
    io = captureSweepIo();
    expect(await runMerge([join(base, 'shard-1-of-3'), join(base, 'shard-2-of-3'), join(otherBase, 'shard-3-of-3')], join(root, 'm2'), io)).toBe(2);
    expect(io.errText()).toContain('are shards of different sweeps (they differ in seeds)');

    const partial = join(root, 'sharded-partial');
    const controller = new AbortController();
    let n = 0;
    const interrupting = () =>
      inlineExecutor((t) => {
        if (++n === 2) controller.abort();
        return fakeRun(t);
      });
    expect(await runSweep(opts({ out: partial, shard: '3/3' }), captureSweepIo(), deps(interrupting), controller.signal)).toBe(130);
    io = captureSweepIo();
    expect(await runMerge([join(base, 'shard-1-of-3'), join(base, 'shard-2-of-3'), join(partial, 'shard-3-of-3')], join(root, 'm3'), io)).toBe(2);
    expect(io.errText()).toContain('shard 3/3 is incomplete: 2 of 4 runs missing');

    io = captureSweepIo();
    expect(await runMerge([join(root, 'plain')], join(root, 'm4'), io)).toBe(2);
    expect(io.errText()).toContain('not a shard');
  });
});
