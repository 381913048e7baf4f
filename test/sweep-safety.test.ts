/**
 * SPEC §9, "never lose a user's file", for sweep, compare and merge (fake loader and runs in this
 * thread): --out ownership, stale results of a sweep with other arguments, traces in the run key
 * and shard identity, merge's --out, corrupt sweep.json, --workers cap, temporary files.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/scenario/defaults.js';
import { MARKER_FILE, readMarker } from '../src/output/owned-folder.js';
import { writeFileAtomic } from '../src/output/atomic-file.js';
import { runMerge } from '../src/sweep/merge.js';
import type { Metrics } from '../src/sweep/metrics.js';
import { inlineExecutor, type Executor } from '../src/sweep/run-pool.js';
import type { LoadScenario, RunTask } from '../src/sweep/simulator.js';
import { captureSweepIo } from './helpers/sweep-io.js';
import { runSweep, type SweepOptions } from '../src/sweep/sweep.js';
import { cli } from './helpers/cli.js';

const root = mkdtempSync(join(tmpdir(), 'sweep-safety-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const scenario = join(root, 'fake.yaml');
writeFileSync(scenario, 'name: fake\n');
const trace = join(root, 'trace.csv');
writeFileSync(trace, 't,requests\n0,10\n');

/** Like loadScenario: the config, and the trace file the scenario reads. */
const fakeLoad: LoadScenario = (_file, o) => ({ config: { ...defaultConfig(), name: 'fake', seed: o.seed ?? 1 }, reads: [trace] });

function fakeRun(task: RunTask): Metrics {
  const thr = Number(task.overrides[0]?.split('=')[1] ?? 60);
  const arrived = 1000 + ((task.seed * 7919) % 113);
  const failed = Math.round(thr / 10 + (task.seed % 5));
  return {
    arrived,
    failed_requests: failed,
    availability: (arrived - failed) / arrived,
    latency_p50_s: 0.8,
    latency_p99_s: 4,
    queue_wait_mean_s: 0.01,
    restarts: 1,
    traffic_stops: 1,
    fault_to_stop_s: null,
    cold_starts: 2,
    billed_minutes: 60,
    cost: 6.5,
    minutes_not_serving: 2,
  };
}


function opts(over: Partial<SweepOptions>): SweepOptions {
  return {
    command: 'sweep',
    files: [scenario],
    vary: ['deployment.runtime.health_checks.stop_traffic_threshold_seconds=60,30'],
    seeds: '3',
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

/** Every file under `dir` with its bytes (recursively), to compare a folder before and after. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) for (const [k, v] of Object.entries(snapshot(p))) out[`${e.name}/${k}`] = v;
    else out[e.name] = readFileSync(p).toString('base64');
  }
  return out;
}

function userFolder(name: string): string {
  const dir = mkdtempSync(join(root, `${name}-`));
  writeFileSync(join(dir, 'notes.txt'), 'my notes\n');
  writeFileSync(join(dir, 'data.csv'), 'a,b\n1,2\n');
  mkdirSync(join(dir, 'photos'));
  writeFileSync(join(dir, 'photos', 'cat.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0x00]));
  return dir;
}

describe('sweep --out ownership', () => {
  it('sweep --out at a folder of user files exits 2 naming it, before any run; the files are byte-identical', async () => {
    const dir = userFolder('user');
    const before = snapshot(dir);
    const io = captureSweepIo();
    calls = 0;
    expect(await runSweep(opts({ out: dir }), io, deps())).toBe(2);
    expect(io.errText()).toContain(`--out ${dir}`);
    expect(io.errText()).toContain('deploysim did not write');
    expect(calls).toBe(0);
    expect(snapshot(dir)).toEqual(before);
  });

  it('sweep --out at a file exits 2 naming it; the file is unchanged', async () => {
    const file = join(root, 'a-file.txt');
    writeFileSync(file, 'precious\n');
    const io = captureSweepIo();
    expect(await runSweep(opts({ out: file }), io, deps())).toBe(2);
    expect(io.errText()).toContain(`--out ${file}: is a file`);
    expect(readFileSync(file, 'utf8')).toBe('precious\n');
  });

  it('compare --out at a folder of user files exits 2 too, and a shard --out inside one', async () => {
    const dir = userFolder('user-compare');
    const before = snapshot(dir);
    const other = join(root, 'other.yaml');
    writeFileSync(other, 'name: other\n');
    expect(await runSweep(opts({ command: 'compare', files: [scenario, other], vary: [], out: dir }), captureSweepIo(), deps())).toBe(2);
    expect(await runSweep(opts({ out: dir, shard: '1/2' }), captureSweepIo(), deps())).toBe(2);
    expect(snapshot(dir)).toEqual(before);
  });

  it('--out holding the scenario file is refused', async () => {
    const io = captureSweepIo();
    expect(await runSweep(opts({ out: root, force: true }), io, deps())).toBe(2);
    expect(io.errText()).toContain('which this command reads');
  });

  it('--force writes the sweep beside the user files and keeps them; the marker lists only deploysim files', async () => {
    const dir = userFolder('user-force');
    const before = snapshot(dir);
    expect(await runSweep(opts({ out: dir, force: true }), captureSweepIo(), deps())).toBe(0);
    const after = snapshot(dir);
    for (const [f, bytes] of Object.entries(before)) expect(after[f]).toBe(bytes);
    for (const f of ['sweep.json', 'runs.jsonl', 'results.csv', 'comparison.csv', 'comparison.html', MARKER_FILE]) expect(existsSync(join(dir, f))).toBe(true);
    expect(readMarker(dir)).toEqual({ written_by: 'deploysim', kind: 'sweep', files: ['comparison.csv', 'comparison.html', 'results.csv', 'runs.jsonl', 'sweep.json'] });
    // Marked now: the same command resumes without --force, runs nothing, and the user's files stay.
    calls = 0;
    expect(await runSweep(opts({ out: dir }), captureSweepIo(), deps())).toBe(0);
    expect(calls).toBe(0);
    expect(snapshot(dir)['notes.txt']).toBe(before['notes.txt']);
  });

  it('a sweep folder gets a marker; a shard folder is marked shard and listed in its sweep folder', async () => {
    const base = join(root, 'marked');
    expect(await runSweep(opts({ out: base, shard: '1/2' }), captureSweepIo(), deps())).toBe(0);
    expect(readMarker(base)).toMatchObject({ kind: 'sweep', files: ['shard-1-of-2'] });
    expect(readMarker(join(base, 'shard-1-of-2'))).toMatchObject({ kind: 'shard', files: ['results.csv', 'runs.jsonl', 'sweep.json'] });
  });

  it('a sweep folder from before markers (only sweep files) still resumes', async () => {
    const dir = join(root, 'legacy');
    expect(await runSweep(opts({ out: dir }), captureSweepIo(), deps())).toBe(0);
    rmSync(join(dir, MARKER_FILE));
    calls = 0;
    expect(await runSweep(opts({ out: dir }), captureSweepIo(), deps())).toBe(0);
    expect(calls).toBe(0);
  });
});

describe('a folder holding a sweep with other arguments', () => {
  it('is refused without --force, naming what differs; nothing in it changes', async () => {
    const dir = join(root, 'other-args');
    expect(await runSweep(opts({ out: dir }), captureSweepIo(), deps())).toBe(0);
    const before = snapshot(dir);
    const io = captureSweepIo();
    calls = 0;
    expect(await runSweep(opts({ out: dir, seeds: '2', firstSeed: '5' }), io, deps())).toBe(2);
    expect(io.errText()).toContain(`--out ${dir}: holds a sweep with other arguments (they differ in seeds; first-seed)`);
    expect(io.errText()).toContain('pass --force to discard the old sweep');
    expect(calls).toBe(0);
    expect(snapshot(dir)).toEqual(before);
  });

  it('interrupted with --force: no old results.csv or comparison.* beside the new sweep.json', async () => {
    const dir = join(root, 'other-args-interrupted');
    expect(await runSweep(opts({ out: dir }), captureSweepIo(), deps())).toBe(0);
    const controller = new AbortController();
    let n = 0;
    const interrupting = () =>
      inlineExecutor((t) => {
        if (++n === 2) controller.abort();
        return fakeRun(t);
      });
    expect(await runSweep(opts({ out: dir, seeds: '5', force: true }), captureSweepIo(), deps(interrupting), controller.signal)).toBe(130);
    expect(JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')).seeds).toBe(5);
    for (const f of ['results.csv', 'comparison.csv', 'comparison.html']) expect(existsSync(join(dir, f)), f).toBe(false);
    expect(readFileSync(join(dir, 'runs.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    expect(readMarker(dir)!.files).toEqual(['runs.jsonl', 'sweep.json']);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // The same (new) command resumes.
    calls = 0;
    expect(await runSweep(opts({ out: dir, seeds: '5' }), captureSweepIo(), deps())).toBe(0);
    expect(calls).toBe(8);
  });

  it('a marked folder whose sweep.json is corrupt is refused, and --force starts over', async () => {
    const dir = join(root, 'corrupt-own');
    expect(await runSweep(opts({ out: dir }), captureSweepIo(), deps())).toBe(0);
    writeFileSync(join(dir, 'sweep.json'), '{"seeds": 3,');
    const io = captureSweepIo();
    expect(await runSweep(opts({ out: dir }), io, deps())).toBe(2);
    expect(io.errText()).toContain('sweep.json cannot be read');
    calls = 0;
    expect(await runSweep(opts({ out: dir, force: true }), captureSweepIo(), deps())).toBe(0);
    expect(calls).toBe(6);
  });
});

describe('traces are part of the run key', () => {
  it('an unchanged trace resumes; a changed one is refused naming the file, and with --force the runs are redone', async () => {
    const dir = join(root, 'trace-key');
    writeFileSync(trace, 't,requests\n0,10\n');
    expect(await runSweep(opts({ out: dir }), captureSweepIo(), deps())).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')).inputs).toEqual([{ path: trace, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    calls = 0;
    expect(await runSweep(opts({ out: dir }), captureSweepIo(), deps())).toBe(0);
    expect(calls).toBe(0);

    writeFileSync(trace, 't,requests\n0,99\n');
    const io = captureSweepIo();
    expect(await runSweep(opts({ out: dir }), io, deps())).toBe(2);
    expect(io.errText()).toMatch(new RegExp(`they differ in trace files ${trace.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(content changed`));
    expect(calls).toBe(0);
    expect(await runSweep(opts({ out: dir, force: true }), captureSweepIo(), deps())).toBe(0);
    expect(calls).toBe(6);
    writeFileSync(trace, 't,requests\n0,10\n');
  });

  it('merge refuses shards made over different trace contents, naming the file', async () => {
    const base = join(root, 'trace-shards');
    writeFileSync(trace, 't,requests\n0,10\n');
    expect(await runSweep(opts({ out: base, shard: '1/2' }), captureSweepIo(), deps())).toBe(0);
    writeFileSync(trace, 't,requests\n0,11\n');
    expect(await runSweep(opts({ out: base, shard: '2/2' }), captureSweepIo(), deps())).toBe(0);
    writeFileSync(trace, 't,requests\n0,10\n');
    const out = join(root, 'trace-merged');
    const io = captureSweepIo();
    expect(await runMerge([join(base, 'shard-1-of-2'), join(base, 'shard-2-of-2')], out, io)).toBe(2);
    expect(io.errText()).toContain('are shards of different sweeps (they differ in trace files');
    expect(io.errText()).toContain(`${trace} (content changed`);
    expect(existsSync(out)).toBe(false);
  });
});

describe('merge --out', () => {
  const base = join(root, 'merge-base');
  const shards = () => [join(base, 'shard-1-of-2'), join(base, 'shard-2-of-2')];

  it('onto one of its shards, inside one, or holding one: exit 2, the shards untouched', async () => {
    for (const i of [1, 2]) expect(await runSweep(opts({ out: base, shard: `${i}/2` }), captureSweepIo(), deps())).toBe(0);
    const before = snapshot(base);
    for (const [out, why] of [
      [shards()[0]!, 'is '],
      [join(shards()[1]!, 'merged'), 'is inside '],
      [base, 'holds '],
    ] as const) {
      for (const force of [false, true]) {
        const io = captureSweepIo();
        expect(await runMerge(shards(), out, io, { force })).toBe(2);
        expect(io.errText()).toContain(`--out ${out}: ${why}`);
      }
    }
    expect(snapshot(base)).toEqual(before);
  });

  it('onto a folder of user files: exit 2, the files unchanged; with --force they stay beside the merge', async () => {
    const dir = userFolder('merge-user');
    const before = snapshot(dir);
    const io = captureSweepIo();
    expect(await runMerge(shards(), dir, io)).toBe(2);
    expect(io.errText()).toContain(`--out ${dir}`);
    expect(snapshot(dir)).toEqual(before);
    expect(await runMerge(shards(), dir, captureSweepIo(), { force: true })).toBe(0);
    const after = snapshot(dir);
    for (const [f, bytes] of Object.entries(before)) expect(after[f]).toBe(bytes);
    expect(readMarker(dir)).toMatchObject({ kind: 'merge', files: ['comparison.csv', 'comparison.html', 'results.csv', 'runs.jsonl', 'sweep.json'] });
    // A merged folder can be merged into again (it is deploysim's).
    expect(await runMerge(shards(), dir, captureSweepIo())).toBe(0);
    expect(readdirSync(root).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('a corrupt shard sweep.json is exit 2 naming the file', async () => {
    const shapes: [string, string][] = [
      ['{"format": 1,', 'not valid JSON'],
      ['null', 'found null, expected an object'],
      ['[]', 'found an array, expected an object'],
      ['{"format": 1, "command": "sweep"}', 'missing or invalid scenarios'],
    ];
    for (const [text, why] of shapes) {
      const bad = mkdtempSync(join(root, 'bad-shard-'));
      writeFileSync(join(bad, 'sweep.json'), text);
      const io = captureSweepIo();
      expect(await runMerge([shards()[0]!, bad], join(root, 'never'), io), text).toBe(2);
      expect(io.errText()).toContain(`${join(bad, 'sweep.json')}: `);
      expect(io.errText()).toContain(why);
    }
    expect(existsSync(join(root, 'never'))).toBe(false);
  });
});

describe('--workers and temporary files', () => {
  it('--workers above the available parallelism is capped, saying so', async () => {
    const io = captureSweepIo();
    expect(await runSweep(opts({ out: join(root, 'workers'), workers: '1000' }), io, deps())).toBe(0);
    const cap = availableParallelism();
    expect(io.errText()).toContain(`--workers 1000: capped at ${cap}, the machine's available parallelism`);
    expect(io.errText()).toContain(`on ${Math.min(cap, 6)} workers`);
    const io2 = captureSweepIo();
    expect(await runSweep(opts({ out: join(root, 'workers-cap'), workers: '1000' }), io2, { ...deps(), parallelism: 3 })).toBe(0);
    expect(io2.errText()).toContain('--workers 1000: capped at 3, the machine');
  });

  it('writeFileAtomic removes its temporary file when the write fails', () => {
    const dir = mkdtempSync(join(root, 'atomic-'));
    mkdirSync(join(dir, 'results.csv')); // rename onto a folder fails
    expect(() => writeFileAtomic(join(dir, 'results.csv'), 'x')).toThrow();
    expect(readdirSync(dir)).toEqual(['results.csv']);
  });

  it('a sweep removes temporaries a killed process left in its folder, and nothing else', async () => {
    const dir = join(root, 'stale-tmp');
    expect(await runSweep(opts({ out: dir }), captureSweepIo(), deps())).toBe(0);
    const stale = join(dir, 'results.csv.999999999.3.tmp');
    writeFileSync(stale, 'half');
    const old = new Date(Date.now() - 60_000);
    utimesSync(stale, old, old);
    writeFileSync(join(dir, 'mine.tmp'), 'user');
    expect(await runSweep(opts({ out: dir }), captureSweepIo(), deps())).toBe(0);
    expect(existsSync(stale)).toBe(false);
    expect(statSync(join(dir, 'mine.tmp')).size).toBe(4);
  });
});

describe('through the CLI', () => {
  it('sweep --out FILE exits 2 and leaves the file; merge and sweep accept --force', async () => {
    const file = join(root, 'cli-file.txt');
    writeFileSync(file, 'keep me\n');
    const r = await cli('sweep', 'test/fixtures/sweep/sticky-fault.yaml', '--vary', 'deployment.runtime.health_checks.stop_traffic_threshold_seconds=60,30', '--seeds', '2', '--out', file);
    expect(r.code).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe('keep me\n');
    const dir = userFolder('cli-merge');
    const before = snapshot(dir);
    expect((await cli('merge', join(root, 'nope-shard'), '--out', dir, '--force')).code).toBe(2);
    expect(snapshot(dir)).toEqual(before);
  });
});
