/**
 * Bad-input fuzzing: mutated scenario files through the CLI's `run`. Whatever is wrong, the answer
 * is exit 2, a message that says where (file:line:col, or the file name for an empty or binary
 * file), never a stack trace, and no output folder.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { main } from '../src/cli/index.js';
import { captureIo } from './helpers/cli.js';

const BASE = `name: fuzz-base
seed: 5
duration: 2m
platform: baseten-2025
deployment:
  environment: production
  instance: { type: T4 }
  runtime:
    predict_concurrency: 1
    health_checks: { stop_traffic_threshold_seconds: 30, restart_threshold_seconds: 60 }
  autoscaling: { min_replica: 1, max_replica: 2, scale_down_delay: 60 }
  startup:
    schedule: 5s
    load: { dist: uniform, min: 10s, max: 20s }
  service_time: { dist: lognormal, median: 500ms, p99: 2s }
  is_healthy: { rule: error_count, threshold: 3 }
traffic:
  - { kind: poisson, rate: 1 }
  - kind: burst
    at: 30s
    duration: 10s
    rate: 2 # peak 3 req/s × 0.6 s mean service < 2 replicas: not overloaded (no lint)
request:
  timeout: 60s
faults:
  - { kind: cuda_error, at: 40s, replica: 0 }
  - { kind: slowdown, at: 1m, duration: 20s, factor: 2, replica: all }
assumptions: { probe_period: 10s }
`;

/** Paths (as line prefixes to find) and values that are certainly invalid there. */
const BAD_VALUES: [RegExp, string[]][] = [
  [/^duration: .*$/m, ['duration: abc', 'duration: -5m', 'duration: 0', 'duration: [1, 2]', 'duration: { s: 1 }', 'duration: .nan', 'duration: ""', 'duration: 1e20', 'duration: 9007199254740993', 'duration: !!omap []']],
  [/^seed: .*$/m, ['seed: -1', 'seed: 1.5', 'seed: 1e30', 'seed: 99999999999999999999999', 'seed: 9007199254740993', 'seed: many', 'seed: [1]', 'seed: 0x10', 'seed: 1e3', 'seed: !!binary aGVsbG8=']],
  [/^platform: .*$/m, ['platform: baseten-2024', 'platform: 2025', 'platform: [baseten-2025]']],
  [/stop_traffic_threshold_seconds: 30/, ['stop_traffic_threshold_seconds: 5', 'stop_traffic_threshold_seconds: 5000', 'stop_traffic_threshold_seconds: -30', 'stop_traffic_threshold_seconds: fast', 'stop_traffic_threshold_seconds: 1e308', 'stop_traffic_threshold_seconds: -1h']],
  [/restart_threshold_seconds: 60/, ['restart_threshold_seconds: 60, restart_check_delay_seconds: 1790', 'restart_threshold_seconds: 60, startup_threshold_seconds: 60', 'restart_threshold_seconds: null']],
  [/max_replica: 2/, ['max_replica: 0', 'max_replica: -1', 'max_replica: 2.5', 'max_replica: many', 'max_replica: 2, max_scale_down_rate: 1e300', 'max_replica: 2, target_utilization_percentage: 0', 'max_replica: 2, autoscaling_window: -1m']],
  [/kind: poisson, rate: 1/, ['kind: poisson, rate: -1', 'kind: poisson, rate: lots', 'kind: poison, rate: 1', 'kind: poisson, rate: 1, end: -10s', 'kind: poisson']],
  [/kind: cuda_error, at: 40s/, ['kind: cuda_error, at: -1m', 'kind: cuda_error, at: never', 'kind: meteor, at: 40s', 'kind: cuda_error, at: 40s, probability: 2']],
  [/environment: production/, ['environment: staging', 'environment: development']], // development + is_healthy is refused
  [/probe_period: 10s/, ['probe_period: 10s, probe_timeout: 20s', 'probe_period: 0', 'probe_period: -10s', 'probe_period: 10s, probe_phase: sideways', 'probe_period: 0.5s', 'probe_period: 10s, autoscaler_interval: 0.000001', 'probe_period: 10s, error_latency: 1e-9']],
  [/timeout: 60s/, ['timeout: 0', 'timeout: -10s', 'timeout: 1 minute']],
  [/load: \{ dist: uniform, min: 10s, max: 20s \}/, ['load: { dist: uniform, min: 20s, max: 10s }', 'load: -30s', 'load: { dist: gamma, shape: 2 }', 'load: { dist: lognormal, median: 1s }']],
  [/type: T4/, ['type: T5', 'type: 4', 'price_per_minute: -1']],
  [/^name: .*$/m, ['name: ..', 'name: a/b', 'name: !foo x']],
  [/kind: poisson, rate: 1/, ['kind: poisson, rate: 1e9', 'kind: diurnal, mean: 1e8, amplitude: 0', 'kind: poisson, rate: 1e308']],
];

const UNKNOWN_KEYS: [RegExp, string][] = [
  [/^seed: 5$/m, 'seed: 5\nsede: 6'],
  [/^  environment: production$/m, '  environment: production\n  enviroment: staging'],
  [/^    predict_concurrency: 1$/m, '    predict_concurrency: 1\n    predict_concurency: 2'],
  [/^request:$/m, 'request:\n  retries: 3'],
  [/min_replica: 1,/, 'min_replica: 1, minReplica: 1,'],
  [/^  - kind: burst$/m, '  - kind: burst\n    ratee: 5'],
  [/^assumptions: .*$/m, 'assumptions: { probe_period: 10s, probe_periode: 5s }'],
  [/^name: fuzz-base$/m, 'name: fuzz-base\nexplorer: {}'],
];

/** Each makes the YAML unparsable, applied at a chosen line. */
const BREAKS: ((lines: string[], i: number) => string[])[] = [
  // an unclosed flow mapping
  (lines, i) => {
    const j = lines.findIndex((l, k) => k >= i && l.includes('}'));
    const at = j >= 0 ? j : lines.findIndex((l) => l.includes('}'));
    return lines.map((l, k) => (k === at ? l.replace(/ ?}\s*$/, '') : l));
  },
  // a tab as indentation
  (lines, i) => {
    const j = lines.findIndex((l, k) => k >= i && /^ +\S/.test(l));
    const at = j >= 0 ? j : lines.findIndex((l) => /^ +\S/.test(l));
    return lines.map((l, k) => (k === at ? l.replace(/^ +/, '\t') : l));
  },
  // a duplicated key
  (lines, i) => {
    const tops = lines.map((l, k) => [l, k] as const).filter(([l]) => /^[a-z_]+: \S/.test(l));
    const [l, k] = tops[i % tops.length]!;
    return [...lines.slice(0, k + 1), l, ...lines.slice(k + 1)];
  },
  // an unterminated quoted string
  (lines, i) => {
    const tops = lines.map((l, k) => [l, k] as const).filter(([l]) => /^[a-z_]+: \S/.test(l));
    const k = tops[i % tops.length]![1];
    return lines.map((l, n) => (n === k ? l.replace(/: /, ': "') : l));
  },
  // an unclosed flow list
  (lines, i) => [...lines.slice(0, Math.min(i, lines.length)), 'statuses: [502, 503', ...lines.slice(Math.min(i, lines.length))],
];

type Input = { label: string; bytes: Buffer | string; expectPosition: boolean };

const badInput: fc.Arbitrary<Input> = fc.oneof(
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]): Input => {
    const [re, vals] = BAD_VALUES[a % BAD_VALUES.length]!;
    const v = vals[b % vals.length]!;
    return { label: `bad value ${v}`, bytes: BASE.replace(re, (m) => (m.startsWith('  ') || !/^\S/.test(m) ? m.replace(/\S.*$/, v) : v)), expectPosition: true };
  }),
  fc.nat().map((a): Input => {
    const [re, v] = UNKNOWN_KEYS[a % UNKNOWN_KEYS.length]!;
    return { label: `unknown key ${v}`, bytes: BASE.replace(re, v), expectPosition: true };
  }),
  fc.tuple(fc.nat(), fc.nat({ max: 40 })).map(([a, i]): Input => {
    const lines = BASE.split('\n');
    return { label: `broken YAML #${a % BREAKS.length} at line ${i}`, bytes: BREAKS[a % BREAKS.length]!(lines, i).join('\n'), expectPosition: true };
  }),
  fc.constantFrom<Input>(
    { label: 'empty file', bytes: '', expectPosition: false },
    { label: 'whitespace only', bytes: '  \n\n', expectPosition: false },
    { label: 'comments only', bytes: '# nothing here\n', expectPosition: false },
    { label: 'a bare list', bytes: '- 1\n- 2\n', expectPosition: false },
    { label: 'a bare scalar', bytes: 'hello\n', expectPosition: false },
  ),
  fc.uint8Array({ minLength: 1, maxLength: 300 }).map((u): Input => {
    const b = Buffer.from(u);
    b[Math.floor(b.length / 2)] = 0; // NUL: never a text file
    return { label: `binary junk (${b.length} bytes)`, bytes: b, expectPosition: false };
  }),
  fc.constant<Input>({ label: 'invalid UTF-8', bytes: Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xff, 0xfe, 0x0a]), expectPosition: false }),
);

const dir = mkdtempSync(path.join(tmpdir(), 'deploysim-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const c = captureIo();
  const code = await main(['node', 'deploysim', ...args], c.io);
  return { code, out: c.out(), err: c.err() };
}

describe('bad scenario files through `deploysim run`', () => {
  it('the unmutated base scenario runs (so every failure below is the mutation)', async () => {
    const file = path.join(dir, 'base.yaml');
    writeFileSync(file, BASE);
    const r = await runCli(['run', file, '--out', path.join(dir, 'base-out')]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });

  it('always exit 2 with file:line:col (or the file name), no stack trace, no output folder', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(badInput, async (input) => {
        const file = path.join(dir, `bad-${n}.yaml`);
        const out = path.join(dir, `out-${n++}`);
        writeFileSync(file, input.bytes);
        const r = await runCli(['run', file, '--out', out]);
        const why = `${input.label}\n--- file ---\n${input.bytes.toString()}\n--- stderr ---\n${r.err}`;
        expect(r.code, why).toBe(2);
        expect(r.err, why).toContain(file);
        if (input.expectPosition) expect(r.err, why).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+`));
        expect(r.err, why).not.toMatch(/\n\s+at .*:\d+:\d+\)?/);
        expect(r.err, why).not.toMatch(/TypeError|ReferenceError|RangeError|SyntaxError: Unexpected/);
        expect(existsSync(out), why).toBe(false);
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  // Found by this fuzzing: a seed beyond 2^53 used to be accepted and silently rounded (fixed in 1b75648).
  it('rejects a seed beyond 2^53 instead of rounding it', async () => {
    for (const seed of ['1e30', '99999999999999999999999', '9007199254740993']) {
      const file = path.join(dir, `seed-${seed}.yaml`);
      writeFileSync(file, BASE.replace(/^seed: .*$/m, `seed: ${seed}`));
      const r = await runCli(['run', file, '--out', path.join(dir, `seed-out-${seed}`)]);
      expect(r.code, `seed: ${seed}`).toBe(2);
      expect(r.err).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:7`));
    }
  });
});
