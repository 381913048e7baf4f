import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { registerCheckCommand } from '../src/cli/check-command.js';
import { main } from '../src/cli/index.js';
import { readRunFolder } from '../src/check/read-outputs.js';
import { checkInvariants, checkRunFolder } from '../src/check/invariants.js';
import { loadScenario } from '../src/scenario/load.js';
import { captureIo } from './helpers/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'deploysim-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `deploysim check ...` in-process, on a program that has only the check command. */
async function check(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const c = captureIo();
  const program = new Command('deploysim').exitOverride();
  registerCheckCommand(program, c.io);
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync(['node', 'deploysim', 'check', ...args]);
  } catch (e) {
    return { code: 2, out: c.out(), err: `${c.err()}${(e as Error).message}` };
  }
  return { code: c.code() ?? 0, out: c.out(), err: c.err() };
}

function scenario(name: string, text: string): string {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, text);
  return file;
}

describe('deploysim check', () => {
  it('finds the planted violation at a corner, reports where it stops along each key, writes a counterexample and check.json, exits 1', async () => {
    const out = path.join(dir, 'planted');
    const r = await check(['test/fixtures/check/planted-violation.yaml', '--runs', '50', '--seed', '3', '--out', out]);
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    // Corners first: (30, 2m) and (30, 15m) hold, (90, 2m) is the third run. 120 s is a check
    // instant, so a CUDA error then fails that check and traffic stops ceil(T / 10) - 1 periods
    // later: within 60 s while ceil(T / 10) <= 7, i.e. T <= 70. With T = 90 (9 checks, 80 s) no
    // fault time is early enough: faults.0.at has no boundary.
    expect(r.out).toContain('VIOLATION at run 3 of 50 (seed 3; a corner of the box):\n  deployment.runtime.health_checks.stop_traffic_threshold_seconds = 90\n  faults.0.at = 120 s (2m)\n');
    expect(r.out).toContain('health.faults[0] (cuda_error on replica 0 at 120 s): health.faults[*].traffic_stopped_at - at = 80, expected <= 60 (off by 20)');
    expect(r.out).toContain('  holds when deployment.runtime.health_checks.stop_traffic_threshold_seconds ≤ 70 s; violated at ≥ 71 s\n');
    expect(r.out).toContain('  faults.0.at: no boundary in its range, violated at every value tried from 120 s to 900 s\n');
    const ce = path.join(out, 'counterexample.yaml');
    expect(r.out).toContain(`counterexample: ${ce}`);
    const text = readFileSync(ce, 'utf8');
    expect(text).not.toMatch(/^explore:|^expect:/m);
    expect(text).toMatch(/^name: check-planted-violation-counterexample$/m);
    const json = JSON.parse(readFileSync(path.join(out, 'check.json'), 'utf8'));
    expect(json.result).toBe('violation');
    expect(json.counterexample.values).toEqual({ 'deployment.runtime.health_checks.stop_traffic_threshold_seconds': 90, 'faults.0.at': 120 });
    expect(json.boundaries[0]).toMatchObject({ key: 'deployment.runtime.health_checks.stop_traffic_threshold_seconds', below: { kind: 'boundary', violated: 71, holds: 70 }, above: { kind: 'end' } });
    expect(json.tried.map((t: { origin: string }) => t.origin)).toEqual(['corner', 'corner', 'corner']);
  });

  it('the written counterexample reproduces the violation when run', async () => {
    const out = path.join(dir, 'planted2');
    await check(['test/fixtures/check/planted-violation.yaml', '--runs', '50', '--seed', '3', '--out', out]);
    const ce = path.join(out, 'counterexample.yaml');
    const runDir = path.join(dir, 'reproduced');
    const c = captureIo();
    const code = await main(['node', 'deploysim', 'run', ce, '--out', runDir], c.io);
    expect(c.err()).toBe('');
    expect(code).toBe(0);
    const folder = readRunFolder(runDir);
    const f = folder.summary.health.faults[0]!;
    expect(f.at).toBe(120);
    expect(f.traffic_stopped_at! - f.at).toBe(80);
    // The run folder read back from CSV also passes the independent checker.
    expect(checkInvariants({ ...folder, config: loadScenario(ce).config }, { tolerance: 1e-3 })).toEqual([]);
    expect(await checkRunFolder(runDir)).toEqual([]);
  });

  it('a safe scenario exits 0 and says what was explored', async () => {
    const out = path.join(dir, 'safe');
    const r = await check(['test/fixtures/check/safe.yaml', '--runs', '40', '--out', out]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      [
        'check test/fixtures/check/safe.yaml: no violation in 40 runs (seed 3)',
        'explored:',
        '  deployment.runtime.health_checks.stop_traffic_threshold_seconds: 30 – 60 (31 values, integers)',
        '  faults.0.at: 120 s – 900 s (781 values, whole seconds)',
        'order: 4 corners, 4 edge midpoints, then 32 stratified samples (Latin hypercube)',
        'held:',
        '  built-in invariants (SPEC §11: 1, 2, 3, 5, 6, 7, 9, and outputs agree)',
        '  health.faults[*].traffic_stopped_at - at <= 60',
        `details: ${path.join(out, 'check.json')}`,
        '',
      ].join('\n'),
    );
  });

  it('the example scenarios/check-stop-traffic.yaml holds', async () => {
    const r = await check(['scenarios/check-stop-traffic.yaml', '--runs', '30', '--out', path.join(dir, 'stop-traffic')]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });

  it('reports bad explore/expect entries with file:line:col and exits 2', async () => {
    const file = scenario(
      'bad-spec',
      `name: bad-spec
duration: 5m
traffic:
  - { kind: poisson, rate: 1 }
faults:
  - { kind: hang, at: 1m }
explore:
  traffic.3.rate: [1, 5]
  faults.0.at: [5m, 1m]
  deployment.autoscaling.max_replica: 7
  faults.0.kind: []
expect:
  - availabilty >= 0.99
  - latency_s.p99 = 5
  - 42
`,
    );
    const r = await check([file, '--out', path.join(dir, 'never')]);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toEqual([
      `${file}:8:3 explore.traffic.3.rate: traffic has 1 entry: index 3 does not exist`,
      `${file}:9:16 explore.faults.0.at: found the range [300, 60], allowed low ≤ high`,
      `${file}:10:39 explore.deployment.autoscaling.max_replica: found a single value, allowed [low, high], a list of choices, { min, max, step } or { one_of: [...] }`,
      `${file}:11:18 explore.faults.0.kind: found an empty list, allowed [low, high] or a list of choices`,
      `${file}:13:5 expect.0: unknown metric "availabilty": metrics start with one of scenario, seed, duration_s, platform, requests, availability, latency_s, queue_wait_s, replicas, health, billing, warnings, chain, chainlets in "availabilty >= 0.99"`,
      `${file}:14:19 expect.1: "=" is not an operator: write "==" to compare in "latency_s.p99 = 5"`,
      `${file}:15:5 expect.2: found 42, allowed an assertion text like "latency_s.p99 <= 5"`,
    ]);
    expect(existsSync(path.join(dir, 'never'))).toBe(false);
  });

  it('rejects an explored value the scenario schema does not allow, naming the explore key', async () => {
    const file = scenario(
      'bad-range',
      `name: bad-range
duration: 5m
traffic:
  - { kind: poisson, rate: 1 }
explore:
  deployment.runtime.health_checks.stop_traffic_threshold_seconds: [10, 60]
platform: baseten-2025
`,
    );
    const r = await check([file]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${file}:6:3 explore.deployment.runtime.health_checks.stop_traffic_threshold_seconds: with deployment.runtime.health_checks.stop_traffic_threshold_seconds = 10 the scenario is invalid: deployment.runtime.health_checks.stop_traffic_threshold_seconds: found 10, allowed 30–1800 (baseten-2025; baseten-2026 accepts 10–3000: set \`platform: baseten-2026\`)`);
  });

  it('an invalid scenario is reported like `run` does, exit 2', async () => {
    const file = scenario('invalid', 'name: x\ntraffic: []\n');
    const r = await check([file]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:\\d+ traffic: `));
  });

  it('--runs must be a positive integer', async () => {
    const r = await check(['test/fixtures/check/safe.yaml', '--runs', 'many']);
    expect(r.code).toBe(2);
    expect(r.err).toBe('--runs: found "many", allowed an integer ≥ 1\n');
  });

  it('choices, { one_of } and { min, max, step } are explored and reported', async () => {
    const file = scenario(
      'choices',
      `name: choices
duration: 5m
traffic:
  - { kind: poisson, rate: 1 }
faults:
  - { kind: hang, at: 1m }
explore:
  faults.0.kind: [cuda_error, hang, crash]
  deployment.runtime.predict_concurrency: { one_of: [1, 2] }
  deployment.startup.load_failure_probability: { min: 0, max: 0.5, step: 0.1 }
  traffic.0.rate: [0.5, 2.5]
expect:
  - requests.arrived >= 1
`,
    );
    const r = await check([file, '--runs', '10', '--out', path.join(dir, 'choices')]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('  faults.0.kind: cuda_error | hang | crash\n');
    expect(r.out).toContain('  deployment.runtime.predict_concurrency: 1 | 2\n');
    expect(r.out).toContain('  deployment.startup.load_failure_probability: 0 – 0.5 (6 values, step 0.1)\n');
    expect(r.out).toContain('  traffic.0.rate: 0.5 – 2.5 (2001 values, step 0.001)\n');
  });

  it('is wired into the deploysim CLI: exit 0 when it holds, 1 on a violation, 2 on bad input', async () => {
    const io = captureIo().io;
    expect(await main(['node', 'deploysim', 'check', 'test/fixtures/check/safe.yaml', '--runs', '5', '--out', path.join(dir, 'cli-safe')], io)).toBe(0);
    expect(await main(['node', 'deploysim', 'check', 'test/fixtures/check/planted-violation.yaml', '--runs', '20', '--out', path.join(dir, 'cli')], io)).toBe(1);
    expect(existsSync(path.join(dir, 'cli', 'counterexample.yaml'))).toBe(true);
    expect(await main(['node', 'deploysim', 'check', path.join(dir, 'no-such.yaml')], io)).toBe(2);
  });

  it('never writes into a folder of the user\'s: refused before any run, files untouched; its own folder is replaced; --force keeps other files', async () => {
    const victim = mkdtempSync(path.join(dir, 'victim-'));
    writeFileSync(path.join(victim, 'check.json'), 'my notes\n');
    writeFileSync(path.join(victim, 'keep.txt'), 'mine\n');
    const r = await check(['test/fixtures/check/planted-violation.yaml', '--runs', '3', '--seed', '3', '--out', victim]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/deploysim did not write/);
    expect(readFileSync(path.join(victim, 'check.json'), 'utf8')).toBe('my notes\n');
    expect(readFileSync(path.join(victim, 'keep.txt'), 'utf8')).toBe('mine\n');

    // Its own folder: written, then replaced by a second check.
    const own = path.join(dir, 'own-check');
    expect((await check(['test/fixtures/check/planted-violation.yaml', '--runs', '3', '--seed', '3', '--out', own])).code).toBe(1);
    expect(existsSync(path.join(own, '.deploysim'))).toBe(true);
    expect((await check(['test/fixtures/check/planted-violation.yaml', '--runs', '3', '--seed', '3', '--out', own])).code).toBe(1);
    expect(JSON.parse(readFileSync(path.join(own, 'check.json'), 'utf8')).result).toBe('violation');

    // --force: deploysim's names are replaced, the user's other file stays.
    const forced = await check(['test/fixtures/check/planted-violation.yaml', '--runs', '3', '--seed', '3', '--out', victim, '--force']);
    expect(forced.code).toBe(1);
    expect(JSON.parse(readFileSync(path.join(victim, 'check.json'), 'utf8')).result).toBe('violation');
    expect(readFileSync(path.join(victim, 'keep.txt'), 'utf8')).toBe('mine\n');
  });
});
