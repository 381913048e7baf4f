/**
 * Issue 10: never hang, never accept a value silently. Each class of input that used to hang a
 * run, exhaust memory, or be read with another meaning ends with a ScenarioError naming it (or,
 * for overload while running, an OverloadError). Timeouts are generous guards, not speed tests.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/scenario/defaults.js';
import { OverloadError } from '../src/model/overload.js';
import { simulate } from '../src/run.js';
import { loadScenario, loadScenarioText, ScenarioError, type LoadOptions } from '../src/scenario/load.js';
import { cli } from './helpers/cli.js';

const P = 'traffic: [{ kind: poisson, rate: 1 }]\n';
const TAGS = '(tags change how a value is read; only the core tags !!str, !!int, !!float, !!bool, !!null, !!map, !!seq are accepted)';
const dir = mkdtempSync(path.join(tmpdir(), 'deploysim-safety-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function messages(text: string, opts: LoadOptions = {}): string[] | 'ok' {
  try {
    loadScenarioText(text, 'x.yaml', opts);
    return 'ok';
  } catch (e) {
    if (e instanceof ScenarioError) return e.messages;
    throw e;
  }
}

describe('YAML tags outside the core schema are refused at the tag', () => {
  it.each([
    ['assumptions: !!omap\n  - probe_period: 5s\n', `x.yaml:1:14 assumptions: found the YAML tag !!omap, allowed plain YAML ${TAGS}`],
    ['deployment: !!set\n  ? x\n', `x.yaml:1:13 deployment: found the YAML tag !!set, allowed plain YAML ${TAGS}`],
    ['name: !!binary aGVsbG8=\n', `x.yaml:1:7 name: found the YAML tag !!binary, allowed plain YAML ${TAGS}`],
    ['seed: !foo 3\n', `x.yaml:1:7 seed: found the YAML tag !foo, allowed plain YAML ${TAGS}`],
    ['description: !!timestamp 2001-12-14\n', `x.yaml:1:14 description: found the YAML tag !!timestamp, allowed plain YAML ${TAGS}`],
    ['faults: !!pairs\n  - kind: crash\n', `x.yaml:1:9 faults: found the YAML tag !!pairs, allowed plain YAML ${TAGS}`],
  ])('%j', (text, line) => expect(messages(text + P)).toEqual([line]));

  it('core tags read as the untagged value', () => {
    const r = loadScenarioText(`name: !!str x\nseed: !!int "4"\nduration: !!float 60\ndeployment: !!map { autoscaling: { max_replica: 2 } }\n${P}`, 'x.yaml');
    expect([r.config.name, r.config.seed, r.config.duration, r.config.deployment.autoscaling.max_replica]).toEqual(['x', 4, 60, 2]);
  });

  it('in a --set value too', () => {
    expect(messages(P, { overrides: ['name=!!binary aGVsbG8='] })).toEqual([`--set name=!!binary aGVsbG8=: found the YAML tag !!binary, allowed plain YAML ${TAGS}`]);
  });
});

describe('seeds are decimal integers', () => {
  it.each([
    ['0x10', 'x.yaml:1:7 seed: found 0x10, allowed an integer ≥ 0 written in decimal digits (0x10 reads as 16)'],
    ['1e3', 'x.yaml:1:7 seed: found 1e3, allowed an integer ≥ 0 written in decimal digits (1e3 reads as 1000)'],
    ['-1', 'x.yaml:1:7 seed: found -1, allowed an integer ≥ 0'],
    ['1.0', 'x.yaml:1:7 seed: found 1.0, allowed an integer ≥ 0 written in decimal digits (1.0 reads as 1)'],
  ])('seed: %s in the file', (seed, line) => expect(messages(`seed: ${seed}\n${P}`)).toEqual([line]));

  it('--set seed=0x10 like the file', () => {
    expect(messages(P, { overrides: ['seed=0x10'] })).toEqual(['--set seed=0x10: found 0x10, allowed an integer ≥ 0 written in decimal digits (0x10 reads as 16)']);
  });

  it.each(['', '0x10', '1e3', ' 5', '-1', '+5', '9007199254740992', 'abc'])('--seed %j: exit 2', async (seed) => {
    const r = await cli('run', 'scenarios/hang.yaml', '--seed', seed);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`--seed: found ${JSON.stringify(seed)}, allowed an integer 0–9007199254740991 written in decimal digits`);
  });
});

describe('durations and numbers in exponent notation; the duration has a real maximum', () => {
  it('1e3, 1e-3s, 2.5e2ms and 1e3 as a number', () => {
    expect(loadScenarioText(`duration: 1e3\n${P}`, 'x.yaml').config.duration).toBe(1000);
    expect(loadScenarioText(`duration: "1e3"\n${P}`, 'x.yaml').config.duration).toBe(1000);
    expect(loadScenarioText(`duration: 1e-3s\n${P}`, 'x.yaml').config.duration).toBe(0.001);
    expect(loadScenarioText(`request: { timeout: 2.5e2ms }\n${P}`, 'x.yaml').config.request.timeout).toBe(0.25);
    expect(loadScenarioText('traffic: [{ kind: poisson, rate: 1e-3 }]\n', 'x.yaml').config.traffic[0]).toMatchObject({ rate: 0.001 });
  });

  it('duration ≤ 366 d, said in the message', () => {
    expect(messages(`duration: 1e20\n${P}`)).toEqual(['x.yaml:1:11 duration: found 1e20, allowed a duration > 0 s and ≤ 366 d']);
    expect(messages(`duration: 367d\n${P}`)).toEqual(['x.yaml:1:11 duration: found "367d", allowed a duration > 0 s and ≤ 366 d']);
    expect(messages(P, { duration: '1e20' })).toEqual(['--duration 1e20: found "1e20", allowed a duration > 0 s and ≤ 366 d']);
    expect(messages(P, { overrides: ['duration=1e20'] })).toEqual(['--set duration=1e20: found 1e20, allowed a duration > 0 s and ≤ 366 d']);
    expect(loadScenarioText(`duration: 366d\ntraffic: [{ kind: poisson, rate: 0.001 }]\n`, 'x.yaml').config.duration).toBe(366 * 86400);
  });
});

describe('intervals have a lower bound a platform could have', () => {
  it.each([
    ['assumptions: { probe_period: 0.5 }', 'x.yaml:1:30 assumptions.probe_period: found 0.5, allowed a duration ≥ 1 s (the smallest probe period Kubernetes allows)'],
    ['assumptions: { probe_timeout: 0.0001 }', 'x.yaml:1:31 assumptions.probe_timeout: found 0.0001, allowed a duration ≥ 1 ms'],
    ['assumptions: { autoscaler_interval: 0.000001 }', 'x.yaml:1:37 assumptions.autoscaler_interval: found 0.000001, allowed a duration ≥ 1 s (an autoscaler decides at most once a second)'],
    ['output: { sample_interval: 5e-324 }', 'x.yaml:1:28 output.sample_interval: found 5e-324, allowed a duration ≥ 100 ms'],
    ['assumptions: { error_latency: 0.0001 }', 'x.yaml:1:31 assumptions.error_latency: found 0.0001, allowed 0 or a duration ≥ 1 ms'],
    ['request: { retry: { initial: 1e-9 } }', 'x.yaml:1:30 request.retry.initial: found 1e-9, allowed a duration ≥ 1 ms'],
  ])('%s', (line, message) => expect(messages(`${line}\n${P}`)).toEqual([message]));

  it('the bounds themselves are accepted', () => {
    const c = loadScenarioText(
      `assumptions: { probe_period: 1s, probe_timeout: 1ms, autoscaler_interval: 1s, error_latency: 0 }\noutput: { sample_interval: 100ms }\n${P}`,
      'x.yaml',
    ).config;
    expect([c.assumptions.probe_period, c.assumptions.probe_timeout, c.assumptions.autoscaler_interval, c.assumptions.error_latency, c.output.sample_interval]).toEqual([1, 0.001, 1, 0, 0.1]);
  });
});

describe('the work estimate refuses a run before it starts', () => {
  const ALLOWED = 'allowed at most assumptions.max_work 2,000,000,000 (a simulated day at 10,000 req/s is 864,000,000; shorten duration, lower the rate, or raise assumptions.max_work)';

  it('a day at 1e5 req/s is refused, at the rate', () => {
    expect(messages('duration: 1d\ntraffic: [{ kind: poisson, rate: 1e5 }]\n')).toEqual([
      `x.yaml:2:34 traffic.0.rate: found an estimated 8,640,025,920 events over 86,400 s (arrivals of traffic.0 8,640,000,000, timeline samples 8,640, probe ticks 8,640, autoscaler decisions 8,640), ${ALLOWED}`,
    ]);
  });

  it('a day at 10,000 req/s passes validation (estimate only: not run)', () => {
    expect(messages('duration: 1d\ntraffic: [{ kind: poisson, rate: 1e4 }]\n')).toBe('ok');
    expect(messages('duration: 1d\ntraffic: [{ kind: diurnal, mean: 1e4, amplitude: 1e4 }]\n')).toBe('ok');
  });

  it('assumptions.max_work raises the limit; --set names the override', () => {
    expect(messages('duration: 1d\nassumptions: { max_work: 1e10 }\ntraffic: [{ kind: poisson, rate: 1e5 }]\n')).toBe('ok');
    expect(messages(P, { overrides: ['traffic.0.rate=1e6'] })).toEqual([
      `--set traffic.0.rate=1e6: found an estimated 3,600,001,080 events over 3,600 s (arrivals of traffic.0 3,600,000,000, timeline samples 360, probe ticks 360, autoscaler decisions 360), ${ALLOWED}`,
    ]);
  });

  it('a diurnal mean of 1e8 req/s, a constant rate, a recurring fault', () => {
    expect(messages('traffic: [{ kind: diurnal, mean: 1e8, amplitude: 0 }]\n')).toEqual([
      `x.yaml:1:34 traffic.0.mean: found an estimated 360,000,001,080 events over 3,600 s (arrivals of traffic.0 360,000,000,000, timeline samples 360, probe ticks 360, autoscaler decisions 360), ${ALLOWED}`,
    ]);
    expect(messages('traffic: [{ kind: constant, rate: 1e300 }]\n')[0]).toMatch(/^x\.yaml:1:35 traffic\.0\.rate: found an estimated 3\.60e303 events/);
    expect(messages(`faults: [{ kind: crash, mtbf: 5e-324 }]\n${P}`)[0]).toMatch(/^x\.yaml:1:31 faults\.0\.mtbf: found an estimated more than 1\.8e308 events .*occurrences of faults\.0 more than 1\.8e308\)/);
  });

  it('a trace counts its rows in the window, over speedup', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => `${i}`).join('\n');
    writeFileSync(path.join(dir, 'many.csv'), `TIMESTAMP\n${rows}\n`);
    const yaml = path.join(dir, 'trace.yaml');
    // 1000 rows 1 s apart; at speedup 10 all fall in 100 s, at speedup 5 half do.
    writeFileSync(yaml, 'duration: 100s\nassumptions: { max_work: 1020 }\ntraffic: [{ kind: trace, file: many.csv, speedup: 10 }]\n');
    expect(() => loadScenario(yaml)).toThrow(/:3:\d+ traffic\.0\.file: found an estimated 1,030 events over 100 s \(arrivals of traffic\.0 1,000, /);
    writeFileSync(yaml, 'duration: 100s\nassumptions: { max_work: 520 }\ntraffic: [{ kind: trace, file: many.csv, speedup: 5 }]\n');
    expect(() => loadScenario(yaml)).toThrow(/found an estimated 530 events over 100 s \(arrivals of traffic\.0 500, /);
    writeFileSync(yaml, 'duration: 100s\nassumptions: { max_work: 530 }\ntraffic: [{ kind: trace, file: many.csv, speedup: 5 }]\n');
    expect(loadScenario(yaml).config.duration).toBe(100);
  });
});

describe('the in-flight cap stops a run that overloads', () => {
  it('a tiny cap in simulate(): OverloadError with a message to act on', () => {
    const c = defaultConfig();
    c.duration = 600;
    c.deployment.initial_state = 'warm';
    c.traffic = [{ kind: 'constant', rate: 10, start: 0, end: null }];
    c.assumptions.max_in_flight = 1000;
    let err: unknown;
    try {
      simulate(c);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OverloadError);
    expect((err as Error).message).toBe(
      'overloaded: 1,001 requests in flight at t = 1m 51s (arrivals outpace what max_replica 1 can serve); set request.max_queue to shed load, raise deployment.autoscaling.max_replica, or raise assumptions.max_in_flight',
    );
  });

  it('request.max_queue sheds the load instead', () => {
    const c = defaultConfig();
    c.duration = 600;
    c.deployment.initial_state = 'warm';
    c.traffic = [{ kind: 'constant', rate: 10, start: 0, end: null }];
    c.assumptions.max_in_flight = 1000;
    c.request.max_queue = 100;
    expect(simulate(c).requests.failed).toBeGreaterThan(0);
  });

  it('max_in_flight is read from the file', () => {
    expect(loadScenarioText(`assumptions: { max_in_flight: 5000 }\n${P}`, 'x.yaml').config.assumptions.max_in_flight).toBe(5000);
    expect(messages(`assumptions: { max_in_flight: 0 }\n${P}`)).toEqual(['x.yaml:1:31 assumptions.max_in_flight: found 0, allowed an integer ≥ 1']);
  });
});

describe('name: is a name, not a path', () => {
  const ALLOWED = 'allowed a name of 1–100 letters, digits, `-`, `_`, `.` (not `.` or `..`: a name, not a path)';
  it.each([
    ['..', 'found ".."'],
    ['.', 'found "."'],
    ['a/b', 'found "a/b"'],
    ['"../../etc"', 'found "../../etc"'],
    ['""', 'found ""'],
    ['a b', 'found "a b"'],
    ['x'.repeat(101), `found "${'x'.repeat(57)}…" (101 characters)`],
  ])('name: %s', (name, found) => expect(messages(`name: ${name}\n${P}`)).toEqual([`x.yaml:1:7 name: ${found}, ${ALLOWED}`]));

  it('accepted names', () => {
    expect(loadScenarioText(`name: my-run_2.v1\n${P}`, 'x.yaml').config.name).toBe('my-run_2.v1');
  });

  it('--set name=.. is refused like the file', () => {
    expect(messages(P, { overrides: ['name=..'] })).toEqual([`--set name=..: found "..", ${ALLOWED}`]);
  });
});

describe('--set with a mapping merges leaf by leaf; two --set for one key are refused', () => {
  const text = `deployment: { autoscaling: { min_replica: 1, max_replica: 2, scale_down_delay: 60 } }\n${P}`;

  it('the file keys a mapping does not name are kept', () => {
    const a = loadScenarioText(text, 'x.yaml', { overrides: ['deployment.autoscaling={max_replica: 4}'] }).config.deployment.autoscaling;
    expect([a.min_replica, a.max_replica, a.scale_down_delay]).toEqual([1, 4, 60]);
  });

  it('earlier --set values are kept, and nested mappings merge too', () => {
    const a = loadScenarioText(text, 'x.yaml', {
      overrides: ['deployment.autoscaling.min_replica=2', 'deployment={autoscaling: {max_replica: 5}, initial_state: warm}'],
    }).config.deployment;
    expect([a.autoscaling.min_replica, a.autoscaling.max_replica, a.autoscaling.scale_down_delay, a.initial_state]).toEqual([2, 5, 60, 'warm']);
  });

  it('a scalar or list in the file is replaced by a mapping', () => {
    const c = loadScenarioText(`deployment: { service_time: 2s }\n${P}`, 'x.yaml', { overrides: ['deployment.service_time={dist: exponential, mean: 1s}'] }).config;
    expect(c.deployment.service_time).toEqual({ dist: 'exponential', mean: 1 });
  });

  it('two --set for the same leaf, or one inside the other, exit 2 naming both', () => {
    expect(messages(text, { overrides: ['seed=1', 'seed=2'] })).toEqual(['--set seed=2: found a second value for seed (--set seed=1 sets seed), allowed one --set per key']);
    expect(messages(text, { overrides: ['deployment.autoscaling={max_replica: 3}', 'deployment.autoscaling.max_replica=4'] })).toEqual([
      '--set deployment.autoscaling.max_replica=4: found a second value for deployment.autoscaling.max_replica (--set deployment.autoscaling={max_replica: 3} sets deployment.autoscaling.max_replica), allowed one --set per key',
    ]);
    expect(messages(text, { overrides: ['traffic.0.rate=2', 'traffic=[{kind: poisson, rate: 3}]'] })).toEqual([
      '--set traffic=[{kind: poisson, rate: 3}]: found a second value for traffic (--set traffic.0.rate=2 sets traffic.0.rate), allowed one --set per key',
    ]);
  });

  it('through the CLI: exit 2, no output folder', async () => {
    const out = path.join(dir, 'never');
    const r = await cli('run', 'scenarios/hang.yaml', '--out', out, '--set', 'seed=1', '--set', 'seed=2');
    expect(r.code).toBe(2);
    expect(r.err).toBe('--set seed=2: found a second value for seed (--set seed=1 sets seed), allowed one --set per key');
  });
});

describe('the hang cases finish with a ScenarioError naming the problem', { timeout: 60_000 }, () => {
  it.each([
    ['assumptions: { autoscaler_interval: 0.000001 }\n' + P, /assumptions\.autoscaler_interval: found 0\.000001, allowed a duration ≥ 1 s/],
    ['output: { sample_interval: 5e-324 }\n' + P, /output\.sample_interval: found 5e-324, allowed a duration ≥ 100 ms/],
    ['traffic: [{ kind: diurnal, mean: 1e8, amplitude: 1e7 }]\n', /traffic\.0\.mean: found an estimated/],
    ['duration: 9007199254740993\n' + P, /duration: found 9007199254740993, allowed a duration > 0 s and ≤ 366 d/],
    [`platform: ${'a'.repeat(1_000_000)}\n${P}`, /platform: found "a{57}…" \(1,000,000 characters\), allowed one of baseten-2025, baseten-2026$/],
    [`deployment: { initial_state: ${'b'.repeat(1_000_000)} }\n${P}`, /found "b{57}…" \(1,000,000 characters\), allowed one of cold, warm$/],
    [`traffic: [{ kind: ${'c'.repeat(1_000_000)} }]\n`, /traffic\.0\.kind: found "c{57}…" \(1,000,000 characters\), allowed one of poisson/],
    [`${'k'.repeat(1000)}: 1\n${P}`, /YAML syntax error|found an unknown key/],
    [`deployment: { ${'k'.repeat(1000)}: 1 }\n${P}`, /^x\.yaml:1:15 deployment\.k{37}… \(1,000 characters\): found an unknown key, allowed environment, instance, truss_config, initial_state, initial_replicas, runtime, autoscaling, startup, service_time, is_healthy$/],
    [`a: ${'['.repeat(1000)}${']'.repeat(1000)}\n${P}`, /^x\.yaml:1:68 \(top level\): found YAML nested deeper than 64 levels, allowed at most 64 levels of mappings and lists$/],
    [`a: ${'['.repeat(2_000_000)}\n${P}`, /^x\.yaml:1:68 \(top level\): found YAML nested deeper than 64 levels/],
    [Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i)}k:`).join('\n') + '\n', /^x\.yaml:65:65 k\.k\.k\.k\.k\.k\.k\.k\.k\.k\.k\.k\.…: found YAML nested deeper than 64 levels/],
    [Array.from({ length: 1000 }, (_, i) => `${' '.repeat(2 * i)}- `).join('\n') + '1\n', /found YAML nested deeper than 64 levels/],
  ])('%#', (text, re) => {
    const r = messages(text);
    expect(r).not.toBe('ok');
    expect(r).toHaveLength(1);
    expect((r as string[])[0]).toMatch(re);
  });

  it('a scenario at /dev/zero, a FIFO, a folder', () => {
    const fifo = path.join(dir, 'fifo.yaml');
    execFileSync('mkfifo', [fifo]);
    const msg = (f: string) => {
      try {
        loadScenario(f);
        return 'ok';
      } catch (e) {
        return (e as ScenarioError).messages;
      }
    };
    expect(msg('/dev/zero')).toEqual(['/dev/zero: cannot read the scenario: a character device, allowed a regular file of at most 10 MB']);
    expect(msg(fifo)).toEqual([`${fifo}: cannot read the scenario: a FIFO (named pipe), allowed a regular file of at most 10 MB`]);
    mkdirSync(path.join(dir, 'folder.yaml'));
    expect(msg(path.join(dir, 'folder.yaml'))).toEqual([`${path.join(dir, 'folder.yaml')}: cannot read the scenario: a folder, not a file`]);
    const big = path.join(dir, 'big.yaml');
    writeFileSync(big, `${P}# ${'x'.repeat(11 * 1024 * 1024)}\n`);
    expect(msg(big)).toEqual([`${big}: cannot read the scenario: a file of 11 MB, allowed a regular file of at most 10 MB`]);
  });

  it('a trace at /dev/zero or a FIFO', () => {
    const fifo = path.join(dir, 'trace.fifo');
    execFileSync('mkfifo', [fifo]);
    expect(messages('traffic: [{ kind: trace, file: /dev/zero }]\n')).toEqual([
      `x.yaml:1:32 traffic.0.file: found "/dev/zero", allowed a CSV trace (TIMESTAMP,ContextTokens,GeneratedTokens), relative to the scenario's folder; cannot read /dev/zero: a character device, allowed a regular file of at most 500 MB`,
    ]);
    expect(messages(`traffic: [{ kind: trace, file: ${fifo} }]\n`)[0]).toMatch(/cannot read .*trace\.fifo: a FIFO \(named pipe\), allowed a regular file of at most 500 MB$/);
  });

  it('an alias bomb ("billion laughs")', () => {
    const bomb = ['a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]', ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(', ')}]`)].join('\n');
    expect(messages(`${bomb}\n${P}`)).toEqual(['x.yaml:1:1 (top level): found aliases that expand more than 100 times (an alias bomb), allowed at most 100']);
  });

  it('--duration 9007199254740993 is refused (range), not run for ever', async () => {
    expect(messages(P, { duration: '9007199254740993' })).toEqual(['--duration 9007199254740993: found "9007199254740993", allowed a duration > 0 s and ≤ 366 d']);
    const r = await cli('run', 'scenarios/hang.yaml', '--out', path.join(dir, 'never-2'), '--duration', '9007199254740993');
    expect(r.code).toBe(2);
    expect(r.err).toBe('--duration 9007199254740993: found "9007199254740993", allowed a duration > 0 s and ≤ 366 d');
  });
});
