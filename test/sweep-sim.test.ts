/**
 * Sweeps of the real simulator on the worker pool (compiled dist/: built here when stale):
 * byte-identical outputs whatever --workers, common random numbers, shards merged = unsharded,
 * the expected direction of two tuning effects, the CLI's exit codes, Ctrl-C and resume.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerSweepCommand } from '../src/cli/sweep-command.js';
import { runMerge } from '../src/sweep/merge.js';
import { poolExecutor } from '../src/sweep/run-pool.js';
import { defaultLoader } from '../src/sweep/simulator.js';
import type { SweepIo } from '../src/sweep/io.js';
import { runSweep, type SweepOptions } from '../src/sweep/sweep.js';
import { captureIo } from './helpers/cli.js';
import { ensureBuilt } from './sweep-build.js';

const FIX = 'test/fixtures/sweep';
const BURSTY = `${FIX}/bursty-scale-to-zero.yaml`;
const STICKY = `${FIX}/sticky-fault.yaml`;
const THRESHOLD = 'deployment.runtime.health_checks.stop_traffic_threshold_seconds';
const DELAY = 'deployment.autoscaling.scale_down_delay';

const root = mkdtempSync(join(tmpdir(), 'sweep-sim-'));
beforeAll(() => ensureBuilt(), 180_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

function quietIo(): SweepIo & { errText: () => string } {
  let err = '';
  return { out: () => undefined, err: (t) => void (err += t + '\n'), errStream: { write: () => true } as unknown as NodeJS.WritableStream, errText: () => err };
}

function opts(over: Partial<SweepOptions>): SweepOptions {
  return { command: 'sweep', files: [BURSTY], vary: [`${DELAY}=60,900`], seeds: '4', firstSeed: '1', workers: '2', out: null, shard: null, require: [], minimize: null, ...over };
}

const deps = { load: defaultLoader, executor: poolExecutor };
const read = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8');

/** comparison.csv as {variant → metric → row}. */
function comparison(dir: string): Map<string, Map<string, Record<string, string>>> {
  const [head, ...lines] = read(dir, 'comparison.csv').trim().split('\n');
  const cols = head!.split(',');
  const out = new Map<string, Map<string, Record<string, string>>>();
  for (const line of lines) {
    const cells = line.split(',');
    const row = Object.fromEntries(cols.map((c, i) => [c, cells[i]!]));
    if (!out.has(row.variant!)) out.set(row.variant!, new Map());
    out.get(row.variant!)!.set(row.metric!, row);
  }
  return out;
}

describe('sweep on the simulator', () => {
  const one = join(root, 'bursty-w1');
  const two = join(root, 'bursty-w2');

  it('the same sweep with 1 and 2 workers writes byte-identical results.csv, comparison.csv and comparison.html', async () => {
    expect(await runSweep(opts({ out: one, workers: '1' }), quietIo(), deps)).toBe(0);
    expect(await runSweep(opts({ out: two, workers: '2' }), quietIo(), deps)).toBe(0);
    for (const f of ['results.csv', 'comparison.csv', 'comparison.html']) expect(read(two, f)).toBe(read(one, f));
  });

  it('common random numbers: on the same seed every variant has the same requests.arrived', () => {
    const [head, ...rows] = read(one, 'results.csv').trim().split('\n');
    const cols = head!.split(',');
    const seed = cols.indexOf('seed');
    const arrived = cols.indexOf('arrived');
    const bySeed = new Map<string, Set<string>>();
    for (const r of rows) {
      const c = r.split(',');
      if (!bySeed.has(c[seed]!)) bySeed.set(c[seed]!, new Set());
      bySeed.get(c[seed]!)!.add(c[arrived]!);
    }
    expect(bySeed.size).toBe(4);
    for (const values of bySeed.values()) expect(values.size).toBe(1);
    expect(new Set([...bySeed.values()].map((v) => [...v][0])).size).toBeGreaterThan(1); // but seeds differ
  });

  it('bursty traffic with min_replica 0: a longer scale_down_delay gives fewer cold starts and more billed minutes (paired CI excludes 0)', () => {
    const cmp = comparison(one);
    const longer = cmp.get('1')!;
    expect(Number(longer.get('cold_starts')!.diff_ci_high)).toBeLessThan(0);
    expect(Number(longer.get('billed_minutes')!.diff_ci_low)).toBeGreaterThan(0);
    const base = cmp.get('0')!.get('cold_starts')!;
    expect([base.diff, base.diff_ci_low, base.diff_ci_high]).toEqual(['0', '0', '0']);
  });

  it('a sticky fault with a custom check: a lower stop-traffic threshold gives fewer failed requests', async () => {
    const out = join(root, 'sticky');
    expect(await runSweep(opts({ files: [STICKY], vary: [`${THRESHOLD}=300,30`], out }), quietIo(), deps)).toBe(0);
    const lower = comparison(out).get('1')!;
    expect(Number(lower.get('failed_requests')!.diff_ci_high)).toBeLessThan(0);
    expect(lower.get('arrived')!.diff).toBe('0'); // the threshold does not change the traffic
    expect(Number(lower.get('fault_to_stop_s')!.mean)).toBeLessThan(Number(comparison(out).get('0')!.get('fault_to_stop_s')!.mean));
  });

  it('two shards merged give the unsharded outputs byte for byte', async () => {
    const base = join(root, 'sharded');
    for (const i of [1, 2]) expect(await runSweep(opts({ out: base, shard: `${i}/2`, workers: '1' }), quietIo(), deps)).toBe(0);
    expect(readdirSync(base).sort()).toEqual(['.deploysim', 'shard-1-of-2', 'shard-2-of-2']); // the marker: the folder is deploysim's (SPEC §9)
    const merged = join(root, 'merged');
    expect(await runMerge([join(base, 'shard-1-of-2'), join(base, 'shard-2-of-2')], merged, quietIo())).toBe(0);
    for (const f of ['results.csv', 'comparison.csv', 'comparison.html']) expect(read(merged, f)).toBe(read(one, f));
  });

  it('compare a.yaml b.yaml runs both files on the same seeds', async () => {
    const out = join(root, 'compare');
    expect(await runSweep(opts({ command: 'compare', files: [STICKY, BURSTY], vary: [], seeds: '2', out }), quietIo(), deps)).toBe(0);
    const rows = read(out, 'results.csv').trim().split('\n');
    expect(rows.map((r) => r.split(',').slice(0, 3).join(','))).toEqual([
      'variant,scenario,seed',
      `0,${STICKY},1`,
      `0,${STICKY},2`,
      `1,${BURSTY},1`,
      `1,${BURSTY},2`,
    ]);
  });
});

describe('deploysim sweep (commander)', () => {
  async function cli(argv: string[]): Promise<{ code: number; err: string; out: string }> {
    const c = captureIo();
    const program = new Command('deploysim').exitOverride();
    registerSweepCommand(program, c.io);
    await program.parseAsync(['node', 'deploysim', ...argv]);
    return { code: c.code() ?? -1, err: c.err(), out: c.out() };
  }

  const cases: [string, string, string][] = [
    ['an unknown key', `deployment.autoscaling.scale_down_dely=60,900`, 'scale_down_dely'],
    ['a value out of range', `${THRESHOLD}=60,5`, `${THRESHOLD}=5`],
    ['a value of the wrong type', `${DELAY}=60,soon`, `${DELAY}=soon`],
  ];
  for (const [what, vary, names] of cases) {
    it(`sweep --vary with ${what} exits 2 with the scenario error, before any run`, async () => {
      const out = join(root, `cli-bad-${what.replace(/\W+/g, '-')}`);
      const r = await cli(['sweep', BURSTY, '--vary', vary, '--seeds', '2', '--out', out]);
      expect(r.code).toBe(2);
      expect(r.err).toContain(names);
      expect(r.err.split('\n')[0]).toMatch(/^--vary |found/);
      expect(existsSync(out)).toBe(false);
    });
  }

  it('sweep --require --minimize prints the table and the recommendation, exit 0', async () => {
    const out = join(root, 'cli-ok');
    const r = await cli(['sweep', STICKY, '--vary', `${THRESHOLD}=300,30,1200`, '--seeds', '3', '--workers', '2', '--out', out, '--require', 'availability>=0.99', '--minimize', 'cost']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('3 variants × 3 seeds');
    expect(r.out).toMatch(/best: variant 1 \(stop_traffic_threshold_seconds=30\)|none of the 3 variants meets availability>=0.99/);
    for (const f of ['sweep.json', 'runs.jsonl', 'results.csv', 'comparison.csv', 'comparison.html']) expect(statSync(join(out, f)).size).toBeGreaterThan(0);
  });
});

describe('Ctrl-C', () => {
  it('Ctrl-C keeps the finished runs in runs.jsonl and the same command resumes, skipping them', async () => {
    const out = join(root, 'interrupt');
    // A script file (not node -e: the pool's worker threads would inherit --input-type).
    const scriptFile = join(root, 'deploysim-sweep.mjs');
    writeFileSync(
      scriptFile,
      `
      import { Command } from ${JSON.stringify(pathToFileURL(resolve('node_modules/commander/esm.mjs')).href)};
      import { processIo } from ${JSON.stringify(pathToFileURL(resolve('dist/cli/io.js')).href)};
      import { registerSweepCommand } from ${JSON.stringify(pathToFileURL(resolve('dist/cli/sweep-command.js')).href)};
      const program = new Command('deploysim');
      registerSweepCommand(program, processIo()); // processIo's exit sets process.exitCode
      await program.parseAsync(process.argv.slice(3), { from: 'user' });`,
    );
    const args = [scriptFile, 'deploysim', 'sweep', `${FIX}/speed.yaml`, '--vary', 'duration=6h', '--vary', `${THRESHOLD}=30,60`, '--seeds', '8', '--workers', '1', '--out', out];
    const journal = join(out, 'runs.jsonl');
    const lines = () => (existsSync(journal) ? readFileSync(journal, 'utf8').trim().split('\n').filter(Boolean).length : 0);

    const child = spawn(process.execPath, args, { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += String(d)));
    let done = false;
    const exited = new Promise<number | null>((res) => child.on('exit', (c) => ((done = true), res(c))));
    while (lines() < 2 && !done) await new Promise((r) => setTimeout(r, 50));
    expect(done, err).toBe(false);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const kept = lines();
    expect(kept).toBeGreaterThanOrEqual(2);
    expect(kept).toBeLessThan(16);
    expect(err).toContain(`interrupted: ${kept} of 16 runs kept`);
    expect(existsSync(join(out, 'results.csv'))).toBe(false);

    const again = spawn(process.execPath, args, { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
    let err2 = '';
    again.stderr.on('data', (d) => (err2 += String(d)));
    expect(await new Promise((res) => again.on('exit', (c) => res(c)))).toBe(0);
    expect(err2).toContain(`${kept} already in`);
    expect(err2).toContain(`${16 - kept} runs in`);
    expect(lines()).toBe(16);
    expect(read(out, 'results.csv').trim().split('\n')).toHaveLength(17);
  }, 120_000);
});
