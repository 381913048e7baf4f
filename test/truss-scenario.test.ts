/**
 * A scenario that points at a real truss config.yaml (SPEC §13): the file's settings under the
 * deployment, the scenario's own keys winning, errors at the truss file's own line, and
 * config.json saying where each value came from. The fixtures are real files from
 * basetenlabs/truss-examples (test/fixtures/truss/README.md); expected values are read off them by hand.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario, ScenarioError } from '../src/scenario/load.js';
import { cli } from './helpers/cli.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'deploysim-truss-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const fixture = (name: string) => path.resolve('test/fixtures/truss', name, 'config.yaml');

/** A scenario beside a copy of the fixture, as a user would lay it out. */
function scenario(fixtureName: string, body: string, truss?: string): string {
  const dir = fs.mkdtempSync(path.join(root, `${fixtureName}-`));
  fs.writeFileSync(path.join(dir, 'config.yaml'), truss ?? fs.readFileSync(fixture(fixtureName)));
  fs.writeFileSync(path.join(dir, 'scenario.yaml'), `${body}\ntraffic: [{ kind: poisson, rate: 1 }]\n`);
  return path.join(dir, 'scenario.yaml');
}

const messages = (f: () => unknown): string[] => {
  try {
    f();
  } catch (e) {
    if (e instanceof ScenarioError) return e.messages;
    throw e;
  }
  throw new Error('expected a ScenarioError');
};

describe('deployment.truss_config', () => {
  it('DeepSeek V3.2 (B200:8, predict_concurrency 64, delay 1800 + restart 30, stop 120): every value as the file says', () => {
    const file = scenario('deepseek-v32-vllm', 'deployment:\n  truss_config: config.yaml\n  instance: { price_per_minute: 1.5 }');
    const { config, provenance } = loadScenario(file);
    expect(config.name).toBe('DeepSeek-V3.2-vLLM'); // spaces are not allowed in a name: each becomes '-'
    expect(config.platform).toBe('baseten-2026');
    expect(config.deployment.instance).toEqual({ type: 'B200', count: 8, price_per_minute: 1.5 });
    expect(config.deployment.runtime).toEqual({
      predict_concurrency: 64,
      health_checks: { restart_check_delay_seconds: 1800, restart_threshold_seconds: 30, stop_traffic_threshold_seconds: 120, startup_threshold_seconds: 1800 },
    });
    const at = (line: number, col: number) => `${path.join(path.dirname(file), 'config.yaml')}:${line}:${col}`;
    expect(provenance['deployment.instance.count']).toEqual({ from: 'truss', at: at(43, 16), key: 'resources.accelerator' });
    expect(provenance['deployment.runtime.predict_concurrency']).toEqual({ from: 'truss', at: at(48, 24), key: 'runtime.predict_concurrency' });
    expect(provenance['deployment.runtime.health_checks.restart_check_delay_seconds']).toEqual({ from: 'truss', at: at(50, 34), key: 'runtime.health_checks.restart_check_delay_seconds' });
    expect(provenance['deployment.instance.price_per_minute']).toMatchObject({ from: 'scenario' });
    expect(provenance['deployment.runtime.health_checks.startup_threshold_seconds']).toEqual({ from: 'default' });
  });

  it('a warning about a value the truss file gives is placed at the truss file\'s line, not at truss_config:', () => {
    const file = scenario('deepseek-v32-vllm', 'deployment:\n  truss_config: config.yaml\n  instance: { price_per_minute: 1.5 }');
    const delay = loadScenario(file).warnings.filter((w) => w.includes('restart_check_delay_seconds: found 1800, deprecated'));
    // config.yaml line 50 col 34 holds `restart_check_delay_seconds: 1800` (read off the fixture).
    expect(delay).toEqual([expect.stringMatching(new RegExp(`^${path.join(path.dirname(file), 'config.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:50:34 `))]);
  });

  it('the same file under baseten-2025: the 1800 + 30 delay is refused at the truss file\'s line, naming the profile that accepts it', () => {
    const file = scenario('deepseek-v32-vllm', 'platform: baseten-2025\ndeployment:\n  truss_config: config.yaml\n  instance: { price_per_minute: 1.5 }');
    expect(messages(() => loadScenario(file))).toEqual([
      `${path.join(path.dirname(file), 'config.yaml')}:51:32 deployment.runtime.health_checks.restart_threshold_seconds: found 30, ` +
        'allowed restart_check_delay_seconds + restart_threshold_seconds ≤ 1800 (baseten-2025; baseten-2026 accepts a sum up to 3000: set `platform: baseten-2026`); here 1800 + 30 = 1830',
    ]);
  });

  it('a key written in the scenario wins over the file\'s, leaf by leaf; the others stay the file\'s', () => {
    const file = scenario('qwen3-235b-b200-fp4', 'name: qwen\ndeployment:\n  truss_config: config.yaml\n  runtime: { health_checks: { restart_threshold_seconds: 120 } }');
    const { config, provenance } = loadScenario(file);
    expect(config.name).toBe('qwen');
    expect(config.deployment.runtime.health_checks.restart_threshold_seconds).toBe(120);
    expect(config.deployment.runtime.health_checks.stop_traffic_threshold_seconds).toBe(120); // the file's
    expect(config.deployment.runtime.predict_concurrency).toBe(32);
    expect(config.deployment.instance).toEqual({ type: 'B200', count: 4, price_per_minute: 4 * 0.16633 });
    expect(provenance['deployment.runtime.health_checks.restart_threshold_seconds']).toEqual({ from: 'scenario', at: `${file}:4:58` }); // the value 120, after "  runtime: { health_checks: { restart_threshold_seconds: "
    expect(provenance.name).toEqual({ from: 'scenario', at: `${file}:1:7` });
  });

  it('--set wins over both; a scenario that names another type does not inherit the file\'s GPU count', () => {
    const file = scenario('qwen3-235b-b200-fp4', 'deployment:\n  truss_config: config.yaml\n  instance: { type: H100 }');
    const { config, provenance } = loadScenario(file, { overrides: ['deployment.runtime.predict_concurrency=8'] });
    expect(config.deployment.instance).toEqual({ type: 'H100', count: 1, price_per_minute: 0.10833 });
    expect(config.deployment.runtime.predict_concurrency).toBe(8);
    expect(provenance['deployment.runtime.predict_concurrency']).toEqual({ from: 'override', label: '--set deployment.runtime.predict_concurrency=8' });
  });

  it('H100:2 bills twice the H100 price: 2 warm replicas × 30 min × 2 × $0.10833 = $12.9996', async () => {
    const file = scenario('llama3-70b-instruct', 'duration: 30m\ndeployment:\n  truss_config: config.yaml\n  initial_state: warm\n  autoscaling: { min_replica: 2, max_replica: 2 }');
    const out = path.join(path.dirname(file), 'run');
    const r = await cli('run', file, '--out', out);
    expect(r.code, r.err).toBe(0);
    const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
    expect(summary.billing.billed_minutes).toBe(60);
    expect(summary.billing.cost).toBeCloseTo(12.9996, 6);
    const config = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
    expect(config.provenance['deployment.instance.price_per_minute']).toEqual({ from: 'price table', of: 'H100 × 2' });
    expect(config.provenance.name).toMatchObject({ from: 'truss', key: 'model_name' });
  });

  it('an error inside the truss file points at the truss file\'s own line and column', () => {
    const text = fs.readFileSync(fixture('llama3-70b-instruct'), 'utf8').replace('accelerator: H100:2', 'accelerator: H100:x');
    const file = scenario('llama3-70b-instruct', 'deployment:\n  truss_config: config.yaml', text);
    expect(messages(() => loadScenario(file))).toEqual([
      `${path.join(path.dirname(file), 'config.yaml')}:17:16 resources.accelerator: found "H100:x", allowed a count that is an integer ≥ 1 after the colon ("H100:2"); truss refuses "x"`,
    ]);
  });

  it('a type without a known price asks for price_per_minute (H100_40GB); a missing truss file is named', () => {
    const file = scenario('llama3-70b-instruct', 'deployment:\n  truss_config: config.yaml', 'model_name: m\nresources:\n  accelerator: H100_40GB\n');
    expect(messages(() => loadScenario(file))).toEqual([
      `${path.join(path.dirname(file), 'config.yaml')}:3:16 deployment.instance.type: found "H100_40GB", allowed a priced type (T4, L4, A10G, A100, H100, H100MIG, H200, B200, CPU), or deployment.instance.price_per_minute beside it (the whole instance's price per minute; deploysim has no price for H100_40GB)`,
    ]);
    const missing = scenario('llama3-70b-instruct', 'deployment:\n  truss_config: nowhere/config.yaml');
    expect(messages(() => loadScenario(missing))).toEqual([`${path.join(path.dirname(missing), 'nowhere/config.yaml')}: cannot read the truss config: no such file`]);
  });

  it('the truss file is one of the files the scenario reads (a sweep hashes it)', () => {
    const file = scenario('gfp-gan', 'deployment:\n  truss_config: config.yaml');
    expect(loadScenario(file).reads).toEqual([path.join(path.dirname(file), 'config.yaml')]);
  });

  it('a chainlet takes truss_config too: its file under that chainlet only; an error there at the truss file\'s line', () => {
    const body = 'chain:\n  entrypoint: RAG\n  chainlets:\n    RAG: { steps: [{ call: LLM }] }\n    LLM:\n      truss_config: config.yaml\n      service_time: 2s';
    const file = scenario('qwen3-235b-b200-fp4', body);
    const { config } = loadScenario(file);
    const [rag, llm] = config.chain!.chainlets;
    expect(llm!.deployment.instance).toEqual({ type: 'B200', count: 4, price_per_minute: 4 * 0.16633 });
    expect(llm!.deployment.runtime.predict_concurrency).toBe(32);
    expect(rag!.deployment.instance.type).toBe('H100'); // the default: the file is the LLM's
    expect(config.name).not.toBe('Qwen3-235B-A22B-FP4-B200'); // a chainlet's model_name does not name the run
    const bad = scenario('qwen3-235b-b200-fp4', body.replace('service_time: 2s', 'service_time: 2s\n      runtime: { health_checks: { restart_threshold_seconds: 5 } }').replace('truss_config: config.yaml', 'truss_config: config.yaml'), 'resources:\n  accelerator: H100\nruntime:\n  health_checks:\n    stop_traffic_threshold_seconds: 5\n');
    // The truss file's problem first (it is read first), then the scenario's, each at its own file's line.
    expect(messages(() => loadScenario(bad))).toEqual([
      `${path.join(path.dirname(bad), 'config.yaml')}:5:37 chain.chainlets.LLM.runtime.health_checks.stop_traffic_threshold_seconds: found 5, allowed 10–3000 (baseten-2026)`,
      `${bad}:8:62 chain.chainlets.LLM.runtime.health_checks.restart_threshold_seconds: found 5, allowed 10–3000 (baseten-2026)`,
    ]);
  });
});
