/**
 * `deploysim init --from config.yaml`: a starting scenario from a real truss config, valid as
 * written and runnable; never overwrites; bad input is exit 2 with nothing written.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { loadScenario } from '../src/scenario/load.js';
import { cli } from './helpers/cli.js';

const FIXTURES = resolve('test/fixtures/truss');
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'deploysim-init-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('init --from a real truss config', () => {
  test.each([
    // fixture, what it exercises, the instance it gives
    ['gemma3-12b-novision', 'health checks', 'H100', 1],
    ['llama3-70b-instruct', 'H100:2', 'H100', 2],
    ['bert-getting-started', 'CPU only', 'CPU', 1],
  ] as const)('%s (%s): written, valid as written, and runs', async (fixture, _what, type, count) => {
    const out = join(dir, `${fixture}.yaml`);
    const r = await cli('init', '--from', join(FIXTURES, fixture, 'config.yaml'), '--out', out);
    expect(r.err).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`wrote ${out}`);
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/^ {2}truss_config: ".*config\.yaml"$/m);
    for (const key of ['traffic:', 'startup:', 'schedule:', 'image_pull:', 'load:', 'service_time:']) {
      const line = text.split('\n').find((l) => l.trimStart().startsWith(key))!;
      expect(line, key).toContain('# GUESS: replace with your own measurement');
    }
    const loaded = loadScenario(out);
    expect(loaded.config.platform).toBe('baseten-2026');
    expect(loaded.config.deployment.instance.type).toBe(type);
    expect(loaded.config.deployment.instance.count).toBe(count);
    expect(loaded.provenance['deployment.instance.type']!.from).toBe('truss');
    if (fixture === 'gemma3-12b-novision') expect(loaded.config.deployment.runtime.health_checks.stop_traffic_threshold_seconds).toBe(120);

    const run = await cli('run', out, '--duration', '10m', '--out', join(dir, 'report'));
    expect(run.err).not.toMatch(/^error/im);
    expect(run.code).toBe(0);
    expect(existsSync(join(dir, 'report', 'summary.json'))).toBe(true);
  });

  test('the guessed traffic fits the deployment: no overload warning on a fresh scenario', async () => {
    // Platform defaults: max_replica 1 × concurrency_target 1 at the guessed service time's mean,
    // lognormal(median 1 s, p99 5 s): sigma = ln 5 / 2.3263 = 0.6918, mean = e^(sigma²/2) = 1.270 s,
    // so at most 0.787 req/s; half of it, to one significant digit, is 0.3 req/s.
    const out = join(dir, 'deepseek.yaml');
    const r = await cli('init', '--from', join(FIXTURES, 'deepseek-v32-vllm', 'config.yaml'), '--out', out);
    expect(r.code).toBe(0);
    expect(r.err).not.toMatch(/overloaded/);
    expect(readFileSync(out, 'utf8')).toMatch(/^ {2}- \{ kind: poisson, rate: 0\.3 \} +# GUESS/m);
    // With room for it (max_replica 10), the placeholder stays 1 req/s.
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ min_replica: 0, max_replica: 10 }));
    const roomy = join(dir, 'roomy.yaml');
    const r2 = await cli('init', '--from', join(FIXTURES, 'deepseek-v32-vllm', 'config.yaml'), '--autoscaling', join(dir, 'settings.json'), '--out', roomy);
    expect(r2.code).toBe(0);
    expect(r2.err).not.toMatch(/overloaded/);
    expect(readFileSync(roomy, 'utf8')).toMatch(/rate: 1 \}/);
  });

  test('a commented fault to exercise the health checks; uncommented, it is valid and aimed at replica 0', async () => {
    const out = join(dir, 'gemma.yaml');
    expect((await cli('init', '--from', join(FIXTURES, 'gemma3-12b-novision', 'config.yaml'), '--out', out)).code).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(loadScenario(out).config.faults).toEqual([]);
    const on = text.replace(/^# faults:$/m, 'faults:').replace(/^# {3}- \{ kind: cuda_error/m, '  - { kind: cuda_error');
    writeFileSync(out, on);
    const faults = loadScenario(out).config.faults;
    expect(faults).toHaveLength(1);
    expect(faults[0]).toMatchObject({ kind: 'cuda_error', at: 1200, replica: { kind: 'index', index: 0 } });
  });

  test('the truss_config path is relative to the scenario\'s folder', async () => {
    const out = join(dir, 'a', 'b.yaml');
    mkdirSync(join(dir, 'a'));
    const r = await cli('init', '--from', join(FIXTURES, 'gemma3-12b-novision', 'config.yaml'), '--out', out);
    expect(r.code).toBe(0);
    const rel = /truss_config: "(.*)"/.exec(readFileSync(out, 'utf8'))![1]!;
    expect(rel.startsWith('/')).toBe(false);
    expect(resolve(join(dir, 'a'), rel)).toBe(join(FIXTURES, 'gemma3-12b-novision', 'config.yaml'));
  });

  test('default output: <model_name>.yaml in the current folder', async () => {
    const here = process.cwd();
    process.chdir(dir);
    try {
      const r = await cli('init', '--from', join(FIXTURES, 'llama3-70b-instruct', 'config.yaml'));
      expect(r.code).toBe(0);
      // model_name "Llama 3 70B Instruct": each character a name does not allow becomes `-`.
      expect(existsSync(join(dir, 'Llama-3-70B-Instruct.yaml'))).toBe(true);
      expect(loadScenario(join(dir, 'Llama-3-70B-Instruct.yaml')).config.name).toBe('Llama-3-70B-Instruct');
    } finally {
      process.chdir(here);
    }
  });

  test('--autoscaling: the API object (wrapped, with nulls) becomes deployment.autoscaling', async () => {
    const settings = join(dir, 'settings.json');
    writeFileSync(
      settings,
      JSON.stringify({ autoscaling_settings: { min_replica: 1, max_replica: 5, autoscaling_window: 120, scale_down_delay: null, concurrency_target: 4, target_utilization_percentage: null, target_in_flight_tokens: null } }),
    );
    const out = join(dir, 'auto.yaml');
    const r = await cli('init', '--from', join(FIXTURES, 'llama3-70b-instruct', 'config.yaml'), '--autoscaling', settings, '--out', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const a = loadScenario(out).config.deployment.autoscaling;
    expect(a).toMatchObject({ min_replica: 1, max_replica: 5, autoscaling_window: 120, scale_down_delay: 900, concurrency_target: 4, target_utilization_percentage: 70 });
  });
});

describe('init refuses', () => {
  test('to overwrite an existing file: exit 2, naming it, the file untouched', async () => {
    const out = join(dir, 'mine.yaml');
    writeFileSync(out, 'my own notes\n');
    const r = await cli('init', '--from', join(FIXTURES, 'bert-getting-started', 'config.yaml'), '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${out}: already exists`);
    expect(readFileSync(out, 'utf8')).toBe('my own notes\n');
  });

  test('a bad truss file: exit 2 at its line:col, nothing written', async () => {
    const truss = join(dir, 'config.yaml');
    writeFileSync(truss, 'model_name: x\nresources:\n  accelerator: 42\n');
    const out = join(dir, 'x.yaml');
    const r = await cli('init', '--from', truss, '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`^${truss.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:16 resources\\.accelerator: found 42`, 'm'));
    expect(existsSync(out)).toBe(false);
  });

  test.each([
    ['not JSON', '{"min_replica": 1,', /settings\.json: found text that is not JSON/],
    ['not an object', '[1, 2]', /settings\.json: found a list, allowed the platform API's autoscaling_settings object/],
    ['a value out of range', '{"min_replica": 3, "max_replica": 2}', /not written: the scenario would not be valid:\n.*deployment\.autoscaling\.max_replica: found 2, allowed an integer ≥ min_replica \(3\)/],
    ['a typo in the bare object', '{"min_replicas": 1}', /deployment\.autoscaling\.min_replicas/],
  ])('a bad --autoscaling file (%s): exit 2, nothing written', async (_what, json, message) => {
    const settings = join(dir, 'settings.json');
    writeFileSync(settings, json);
    const out = join(dir, 'x.yaml');
    const r = await cli('init', '--from', join(FIXTURES, 'bert-getting-started', 'config.yaml'), '--autoscaling', settings, '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  test('--out in a folder that does not exist: exit 2, naming the folder', async () => {
    const out = join(dir, 'sub', 'my.yaml');
    const r = await cli('init', '--from', join(FIXTURES, 'bert-getting-started', 'config.yaml'), '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`cannot write ${out}: the folder ${join(dir, 'sub')} does not exist`);
    expect(existsSync(join(dir, 'sub'))).toBe(false);
  });

  test('--out under a file: exit 2, saying it is not a folder', async () => {
    writeFileSync(join(dir, 'sub'), 'a file\n');
    const out = join(dir, 'sub', 'my.yaml');
    const r = await cli('init', '--from', join(FIXTURES, 'bert-getting-started', 'config.yaml'), '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`cannot write ${out}: ${join(dir, 'sub')} is a file, not a folder`);
  });

  test('a missing --autoscaling file: exit 2', async () => {
    const r = await cli('init', '--from', join(FIXTURES, 'bert-getting-started', 'config.yaml'), '--autoscaling', join(dir, 'nope.json'), '--out', join(dir, 'x.yaml'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('nope.json: cannot read the autoscaling settings');
  });
});
