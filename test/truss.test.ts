import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/scenario/defaults.js';
import {
  ACCELERATOR_PRICES,
  ACCELERATORS,
  instancePrice,
  parseAccelerator,
  TRUSS_ACCELERATORS,
} from '../src/scenario/accelerators.js';
import { nameFromModelName, readTrussConfig, readTrussConfigText, TrussError, type TrussConfigRead } from '../src/scenario/truss.js';

const FIXTURES = 'test/fixtures/truss';

type HC = { delay?: number; restart?: number; stop?: number; startup?: number };
interface Expected {
  type: string;
  count: number;
  pc: number | undefined;
  hc: HC;
  name: string | undefined;
  /** Substrings of expected warnings (none when empty). */
  warns?: string[];
}

/**
 * Written by hand from each file (the lines are quoted in the comments), not from the reader's
 * output. pc undefined = the file does not set predict_concurrency (truss default 1).
 */
const TABLE: Record<string, Expected> = {
  // resources: accelerator: B200:4 / predict_concurrency: 32 / delay 1800, restart 30, stop 120 / model_name: Qwen3-235B-A22B FP4 B200
  'qwen3-235b-b200-fp4': { type: 'B200', count: 4, pc: 32, hc: { delay: 1800, restart: 30, stop: 120 }, name: 'Qwen3-235B-A22B-FP4-B200' },
  // accelerator: B200:8 / 64 / 1800, 1200, 120 / model_name: Qwen/Qwen3.5-397B-A17B
  'qwen35-397b-text2text': { type: 'B200', count: 8, pc: 64, hc: { delay: 1800, restart: 1200, stop: 120 }, name: 'Qwen-Qwen3.5-397B-A17B' },
  // accelerator: H100 / `predict_concurrency : 8` / 300, 300, 120 (commented) / model_name: Gemma 27B Instruct
  'gemma3-27b-it': { type: 'H100', count: 1, pc: 8, hc: { delay: 300, restart: 300, stop: 120 }, name: 'Gemma-27B-Instruct' },
  // accelerator: H100:1 / 64 / 1800, 1200, 120 / gemma-3-12b-novision
  'gemma3-12b-novision': { type: 'H100', count: 1, pc: 64, hc: { delay: 1800, restart: 1200, stop: 120 }, name: 'gemma-3-12b-novision' },
  // instance_type: "H100", no accelerator / 32 / restart 600, stop 240 (no delay) / nemotron-parse-v1-2-vllm
  'nemotron-parse-vllm': { type: 'H100', count: 1, pc: 32, hc: { restart: 600, stop: 240 }, name: 'nemotron-parse-v1-2-vllm' },
  // accelerator: H100:1 / `predict_concurrency : 8` / 300, 300, 120 / Mistral Small 3.1
  'mistral-small-31': { type: 'H100', count: 1, pc: 8, hc: { delay: 300, restart: 300, stop: 120 }, name: 'Mistral-Small-3.1' },
  // accelerator: H100:8 / 32 / 1200, 600, 1800 / top-level model_name: minimax (model_metadata has another)
  'minimax-m2-1': { type: 'H100', count: 8, pc: 32, hc: { delay: 1200, restart: 600, stop: 1800 }, name: 'minimax' },
  // accelerator: B200:8 / 64 / 1800, 30, 120 / DeepSeek V3.2 vLLM
  'deepseek-v32-vllm': { type: 'B200', count: 8, pc: 64, hc: { delay: 1800, restart: 30, stop: 120 }, name: 'DeepSeek-V3.2-vLLM' },
  // accelerator: null, use_gpu: false / no runtime / bert
  'bert-getting-started': { type: 'CPU', count: 1, pc: undefined, hc: {}, name: 'bert' },
  // cpu '3', memory 8Gi, use_gpu: true, no accelerator → CPU in truss / GFP-GAN
  'gfp-gan': { type: 'CPU', count: 1, pc: undefined, hc: {}, name: 'GFP-GAN', warns: ['use_gpu: true without an accelerator'] },
  // no resources, no runtime / python-code-executor
  'python-sandbox': { type: 'CPU', count: 1, pc: undefined, hc: {}, name: 'python-code-executor' },
  // accelerator: A100 / 256 / no model_name
  'template-trt-llm': { type: 'A100', count: 1, pc: 256, hc: {}, name: undefined },
  // accelerator: H100_40GB / 128 / "Llama 3.1 8B Instruct VLLM"
  'llama31-8b-vllm': { type: 'H100_40GB', count: 1, pc: 128, hc: {}, name: 'Llama-3.1-8B-Instruct-VLLM' },
  // accelerator: H100:2 / no runtime / Llama 3 70B Instruct
  'llama3-70b-instruct': { type: 'H100', count: 2, pc: undefined, hc: {}, name: 'Llama-3-70B-Instruct' },
  // accelerator: H100_40GB:1 / runtime has only transport keys / Voxtral-Mini-4B-Realtime-2602
  'voxtral-streaming': { type: 'H100_40GB', count: 1, pc: undefined, hc: {}, name: 'Voxtral-Mini-4B-Realtime-2602' },
  // accelerator: T4 / SDXL Turbo
  'sdxl-turbo': { type: 'T4', count: 1, pc: undefined, hc: {}, name: 'SDXL-Turbo' },
  // accelerator: "A10G" / MetaVoice 1B
  'metavoice-1b': { type: 'A10G', count: 1, pc: undefined, hc: {}, name: 'MetaVoice-1B' },
  // accelerator: A100:2 / num_workers: 1, predict_concurrency: 256 / Mixtral 8x7B Instruct TRT-LLM
  'mixtral-8x7b-trt': { type: 'A100', count: 2, pc: 256, hc: {}, name: 'Mixtral-8x7B-Instruct-TRT-LLM', warns: ['runtime.num_workers: found an unknown key'] },
  // accelerator: L4:2 / only trt_llm has a nested runtime: / Briton-microsoft-phi-4-fp8-truss-example
  'briton-phi4': { type: 'L4', count: 2, pc: undefined, hc: {}, name: 'Briton-microsoft-phi-4-fp8-truss-example' },
};

function hcOf(r: TrussConfigRead): HC {
  const h = r.values.runtime.health_checks;
  const out: HC = {};
  if (h.restart_check_delay_seconds !== undefined) out.delay = h.restart_check_delay_seconds;
  if (h.restart_threshold_seconds !== undefined) out.restart = h.restart_threshold_seconds;
  if (h.stop_traffic_threshold_seconds !== undefined) out.stop = h.stop_traffic_threshold_seconds;
  if (h.startup_threshold_seconds !== undefined) out.startup = h.startup_threshold_seconds;
  return out;
}

const tmp = mkdtempSync(join(tmpdir(), 'deploysim-truss-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const p = join(tmp, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  return p;
}

function errorsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof TrussError) return e.messages;
    throw e;
  }
  throw new Error('expected a TrussError');
}

describe('truss-examples fixtures', () => {
  it('has at least 15 fixtures, all in the table', async () => {
    const { readdirSync } = await import('node:fs');
    const dirs = readdirSync(FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    expect(dirs.length).toBeGreaterThanOrEqual(15);
    expect(dirs).toEqual(Object.keys(TABLE).sort());
  });

  for (const [fixture, exp] of Object.entries(TABLE)) {
    it(`${fixture}: what the platform would take`, () => {
      const file = `${FIXTURES}/${fixture}/config.yaml`;
      const r = readTrussConfig(file);
      expect(r.values.instance.type).toBe(exp.type);
      expect(r.values.instance.count).toBe(exp.count);
      expect(r.values.runtime.predict_concurrency).toBe(exp.pc);
      expect(hcOf(r)).toEqual(exp.hc);
      expect(r.values.name).toBe(exp.name);
      // No fixture sets both instance_type and accelerator: no price from the file.
      expect(r.values.instance.price_per_minute).toBeUndefined();
      const warns = exp.warns ?? [];
      expect(r.warnings.length).toBe(warns.length);
      warns.forEach((w, i) => expect(r.warnings[i]).toContain(w));
      for (const w of r.warnings) expect(w.startsWith(`${file}:`)).toBe(true);
    });
  }

  it('points at where each value is written (deepseek-v32-vllm, counted by hand)', () => {
    const r = readTrussConfig(`${FIXTURES}/deepseek-v32-vllm/config.yaml`);
    // line 43 "  accelerator: B200:8": value at col 16
    expect(r.positions('instance.type')).toEqual({ line: 43, col: 16, key: 'resources.accelerator', defaulted: false });
    expect(r.positions(['instance', 'count'])).toEqual({ line: 43, col: 16, key: 'resources.accelerator', defaulted: false });
    // line 51 "    restart_threshold_seconds: 30": col 4 + 25 + 2 + 1 = 32
    expect(r.positions('runtime.health_checks.restart_threshold_seconds')).toMatchObject({ line: 51, col: 32 });
    // line 48 "  predict_concurrency: 64": col 2 + 19 + 2 + 1 = 24
    expect(r.positions('runtime.predict_concurrency')).toMatchObject({ line: 48, col: 24 });
    // line 1 "model_name: DeepSeek V3.2 vLLM"
    expect(r.positions('name')).toEqual({ line: 1, col: 13, key: 'model_name', defaulted: false });
    expect(r.positions('runtime.health_checks.startup_threshold_seconds')).toBeNull();
  });

  it('marks CPU as truss default when there is no accelerator', () => {
    const r = readTrussConfig(`${FIXTURES}/python-sandbox/config.yaml`);
    expect(r.positions('instance.type')).toMatchObject({ key: 'resources.accelerator', defaulted: true });
    const bert = readTrussConfig(`${FIXTURES}/bert-getting-started/config.yaml`);
    expect(bert.positions('instance.type')).toMatchObject({ defaulted: true });
  });

  it('nemotron: instance_type names the instance, priced from the table (H100 × 1)', () => {
    const r = readTrussConfig(`${FIXTURES}/nemotron-parse-vllm/config.yaml`);
    expect(r.positions('instance.type')).toMatchObject({ line: 57, col: 18, key: 'resources.instance_type' });
    expect(instancePrice(r.values.instance)).toEqual({ price: 0.10833 });
  });
});

describe('prices', () => {
  it('H100:2 is 2 × 0.10833 = 0.21666 per minute', () => {
    const r = readTrussConfig(`${FIXTURES}/llama3-70b-instruct/config.yaml`);
    const p = instancePrice(r.values.instance);
    expect('price' in p && p.price).toBeCloseTo(0.21666, 12);
  });

  it('B200:8 is 8 × 0.16633 = 1.33064 per minute', () => {
    const r = readTrussConfig(`${FIXTURES}/deepseek-v32-vllm/config.yaml`);
    const p = instancePrice(r.values.instance);
    expect('price' in p && p.price).toBeCloseTo(1.33064, 12);
  });

  it('an accelerator without a price needs price_per_minute, and says so', () => {
    const r = readTrussConfig(`${FIXTURES}/llama31-8b-vllm/config.yaml`);
    const p = instancePrice(r.values.instance);
    expect(p).toHaveProperty('error');
    expect((p as { error: string }).error).toBe("a priced type (T4, L4, A10G, A100, H100, H100MIG, H200, B200, CPU), or deployment.instance.price_per_minute beside it (the whole instance's price per minute; deploysim has no price for H100_40GB)");
    expect(instancePrice({ ...r.values.instance, price_per_minute: 0.09 })).toEqual({ price: 0.09 });
  });

  it('instance_type with accelerator: named by instance_type, priced from accelerator, with a warning', () => {
    const f = write('both/config.yaml', 'resources:\n  instance_type: "H100:2x26x234"\n  accelerator: H100:2\n');
    const r = readTrussConfig(f);
    expect(r.values.instance.type).toBe('H100:2x26x234');
    expect(r.values.instance.count).toBe(2);
    expect(r.values.instance.price_per_minute).toBeCloseTo(0.21666, 12);
    expect(r.positions('instance.price_per_minute')).toMatchObject({ line: 3, col: 16, key: 'resources.accelerator' });
    expect(r.warnings.join('\n')).toMatch(/truss push ignores accelerator/);
    // an instance_type not in the table, without accelerator: the price must come from the scenario
    const g = readTrussConfig(write('sku/config.yaml', 'resources:\n  instance_type: L4:4x16\n'));
    expect(g.values.instance).toEqual({ type: 'L4:4x16', count: 1 });
    expect(instancePrice(g.values.instance)).toHaveProperty('error');
  });

  it('the defaults are the schema\'s: an H100 at the price table\'s price; baseten-2026 adds its 1800 s startup threshold (SPEC §3)', () => {
    expect(defaultConfig().deployment.instance).toEqual({ type: 'H100', count: 1, price_per_minute: ACCELERATOR_PRICES.H100 });
    expect(defaultConfig().deployment.runtime.health_checks.startup_threshold_seconds).toBe(null);
    expect(defaultConfig('baseten-2026').deployment.runtime.health_checks.startup_threshold_seconds).toBe(1800);
    expect(defaultConfig('baseten-2026').platform).toBe('baseten-2026');
  });
});

describe('parseAccelerator follows truss AcceleratorSpec._from_string_spec', () => {
  it('reads type and count', () => {
    expect(parseAccelerator('H100')).toEqual({ type: 'H100', count: 1 });
    expect(parseAccelerator('H100:2')).toEqual({ type: 'H100', count: 2 });
    expect(parseAccelerator('B200:8')).toEqual({ type: 'B200', count: 8 });
    expect(parseAccelerator('H100_40GB')).toEqual({ type: 'H100_40GB', count: 1 });
    expect(parseAccelerator('  A10G:02 ')).toEqual({ type: 'A10G', count: 2 }); // strip(); "02".isdigit()
    expect(parseAccelerator('B10')).toEqual({ type: 'B10', count: 1 }); // truss's `_B10` member
  });

  it('refuses what truss refuses', () => {
    for (const bad of ['h100', 'H100 :2', 'H100:0', 'H100:', 'H100:-1', 'H100:x', 'H100:1.5', '', ':2', 'A800', 'H100MIG', 'CPU']) {
      expect(parseAccelerator(bad), bad).toHaveProperty('error');
    }
    expect((parseAccelerator('h100') as { error: string }).error).toMatch(/case-sensitive.*did you mean H100\?/);
    expect((parseAccelerator('CPU') as { error: string }).error).toMatch(/accelerator: null/);
    expect((parseAccelerator('H100MIG') as { error: string }).error).toMatch(/deployment\.instance\.type: H100MIG/);
  });

  it('H100:2:4 is 1 GPU in truss: the same here, with a warning', () => {
    const r = parseAccelerator('H100:2:4');
    expect(r).toMatchObject({ type: 'H100', count: 1 });
    expect((r as { warning: string }).warning).toMatch(/uses 1 GPU/);
  });

  it('every truss accelerator is a deploysim instance type', () => {
    for (const a of TRUSS_ACCELERATORS) expect(ACCELERATORS).toContain(a);
    expect(ACCELERATORS).toContain('H100MIG');
    expect(ACCELERATORS).toContain('CPU');
  });
});

describe('errors point at the truss file', () => {
  it('an unknown accelerator', () => {
    const f = write('bad-acc/config.yaml', 'model_name: x\nresources:\n  accelerator: "H100:x"\n  use_gpu: true\n');
    const errs = errorsOf(() => readTrussConfig(f));
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatch(new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:16 resources\\.accelerator: found "H100:x", allowed `));
    const g = write('bad-acc2/config.yaml', 'resources:\n  accelerator: A800:4\n');
    expect(errorsOf(() => readTrussConfig(g))[0]).toMatch(/:2:16 resources\.accelerator: found "A800:4", allowed one of B10, T4, /);
  });

  it('a malformed file: YAML syntax error at its own line:col', () => {
    const text = 'model_name: ok\nruntime:\n  predict_concurrency: 4\n  health_checks:\n    restart_threshold_seconds: 30: 60\n';
    const errs = errorsOf(() => readTrussConfigText(text, 'models/m/config.yaml'));
    // line 5 "    restart_threshold_seconds: 30: 60": the value `30: 60` starts at col 4 + 25 + 2 + 1 = 32
    expect(errs).toEqual(['models/m/config.yaml:5:32 YAML syntax error: Nested mappings are not allowed in compact mappings']);
    expect(errorsOf(() => readTrussConfigText('a: 1\n---\nb: 2\n', 'c.yaml'))[0]).toMatch(/^c\.yaml:2:1 YAML syntax error: found more than one YAML document/);
    const f = write('badindent/config.yaml', 'resources:\n  accelerator: T4\n bad: 1\n');
    expect(errorsOf(() => readTrussConfig(f))[0]).toMatch(/config\.yaml:3:\d+ YAML syntax error/);
  });

  it('wrong types, each at its value', () => {
    const text = [
      'model_name: 42',
      'runtime:',
      '  predict_concurrency: eight',
      '  num_workers: 2',
      '  health_checks:',
      '    stop_traffic_threshold_seconds: 30.5',
      '    restart_threshold_seconds: [1]',
      '',
    ].join('\n');
    const errs = errorsOf(() => readTrussConfigText(text, 'c.yaml'));
    expect(errs).toEqual([
      'c.yaml:1:13 model_name: found 42, allowed a string (truss does not turn other values into a name: quote it)',
      "c.yaml:3:24 runtime.predict_concurrency: found \"eight\", allowed an integer (truss's default is 1)",
      'c.yaml:4:16 runtime.num_workers: found 2, allowed 1 (truss: "After truss 0.9.49 only 1 worker per server is allowed"; use predict_concurrency)',
      'c.yaml:6:37 runtime.health_checks.stop_traffic_threshold_seconds: found 30.5, allowed an integer number of seconds, or null for the platform default',
      'c.yaml:7:32 runtime.health_checks.restart_threshold_seconds: found a list, allowed an integer number of seconds, or null for the platform default',
    ]);
  });

  it('sections that are not mappings, and a top level that is not one', () => {
    expect(errorsOf(() => readTrussConfigText('resources:\nruntime: 3\n', 'c.yaml'))).toEqual([
      expect.stringMatching(/^c\.yaml:1:\d+ resources: found nothing \(null\), allowed a mapping/),
      expect.stringMatching(/^c\.yaml:2:10 runtime: found 3, allowed a mapping/),
    ]);
    expect(errorsOf(() => readTrussConfigText('- a\n- b\n', 'c.yaml'))[0]).toMatch(/^c\.yaml:1:1 \(top level\): found a list, allowed a mapping/);
  });

  it('file problems: missing, a folder, too large, binary', () => {
    expect(errorsOf(() => readTrussConfig(join(tmp, 'nope/config.yaml'), 'nope/config.yaml'))).toEqual([
      'nope/config.yaml: cannot read the truss config: no such file',
    ]);
    write('yml/config.yml', 'model_name: x\n');
    expect(errorsOf(() => readTrussConfig(join(tmp, 'yml/config.yaml')))[0]).toMatch(/found config\.yml next to it/);
    expect(errorsOf(() => readTrussConfig(tmp))[0]).toMatch(/a folder, not a file/);
    const big = write('big/config.yaml', `model_name: x\n# ${'a'.repeat(1024 * 1024)}\n`);
    expect(errorsOf(() => readTrussConfig(big))[0]).toMatch(/allowed at most 1048576 bytes/);
    const bin = join(tmp, 'bin.yaml');
    writeFileSync(bin, Buffer.from([0x6d, 0x3a, 0x20, 0xff, 0xfe, 0x0a]));
    expect(errorsOf(() => readTrussConfig(bin))[0]).toMatch(/not UTF-8/);
  });
});

describe('what truss accepts', () => {
  it('extra keys are accepted and ignored (with a warning, since truss push refuses them)', () => {
    const text = [
      'model_name: extra',
      'my_team_notes: hello',
      'resources:',
      '  accelerator: L4',
      '  gpu_memory: 24Gi',
      'runtime:',
      '  predict_concurrency: 3',
      '  health_checks:',
      '    restart_threshold_second: 60',
      '    stop_traffic_threshold_seconds: 60',
      '',
    ].join('\n');
    const r = readTrussConfigText(text, 'c.yaml');
    expect(r.values).toEqual({
      name: 'extra',
      instance: { type: 'L4', count: 1 },
      runtime: { predict_concurrency: 3, health_checks: { stop_traffic_threshold_seconds: 60 } },
    });
    expect(r.warnings).toHaveLength(3);
    expect(r.warnings[0]).toMatch(/^c\.yaml:2:1 my_team_notes: found an unknown key in the top level/);
    expect(r.warnings[1]).toMatch(/^c\.yaml:5:3 resources\.gpu_memory: found an unknown key/);
    expect(r.warnings[2]).toMatch(/^c\.yaml:9:5 runtime\.health_checks\.restart_threshold_second: .*did you mean restart_threshold_seconds\?/);
  });

  it('model_name with spaces and other characters becomes a name with -', () => {
    expect(readTrussConfig(`${FIXTURES}/sdxl-turbo/config.yaml`).values.name).toBe('SDXL-Turbo');
    expect(nameFromModelName('Qwen/Qwen3.5 397B (fp8) ✓')).toBe('Qwen-Qwen3.5-397B--fp8---');
    expect(nameFromModelName('a_b-c.d')).toBe('a_b-c.d');
    expect(nameFromModelName('日本')).toBe('--');
  });

  it('an empty file is all defaults: CPU, nothing else', () => {
    for (const text of ['', '# only a comment\n']) {
      const r = readTrussConfigText(text, 'c.yaml');
      expect(r.values).toEqual({ instance: { type: 'CPU', count: 1 }, runtime: { health_checks: {} } });
    }
  });

  it('YAML 1.1 like PyYAML: 1_800, 5:00 (sexagesimal), quoted digits; null health checks are platform defaults', () => {
    const text = [
      'runtime:',
      '  predict_concurrency: "16"',
      '  health_checks:',
      '    restart_threshold_seconds: 1_800',
      '    stop_traffic_threshold_seconds: 5:00',
      '    restart_check_delay_seconds: null',
      '    startup_threshold_seconds: 600.0',
      '',
    ].join('\n');
    const r = readTrussConfigText(text, 'c.yaml');
    expect(r.values.runtime).toEqual({
      predict_concurrency: 16,
      health_checks: { restart_threshold_seconds: 1800, stop_traffic_threshold_seconds: 300, startup_threshold_seconds: 600 },
    });
    // `model_name: yes` is a boolean in YAML 1.1, so truss refuses it as a name.
    expect(errorsOf(() => readTrussConfigText('model_name: yes\n', 'c.yaml'))[0]).toMatch(/found true, allowed a string/);
  });

  it('a duplicate key: truss warns and takes the last', () => {
    const r = readTrussConfigText('resources:\n  accelerator: T4\n  accelerator: A100:4\n', 'c.yaml');
    expect(r.values.instance).toEqual({ type: 'A100', count: 4 });
    expect(r.positions('instance.type')).toMatchObject({ line: 3, col: 16 });
    expect(r.warnings).toEqual(['c.yaml:3:3 accelerator: found a duplicate key: truss warns and uses the last entry (this one)']);
  });

  it('the mapping form of accelerator, and count 0 = no accelerator', () => {
    expect(readTrussConfigText('resources:\n  accelerator: {accelerator: H200, count: 4}\n', 'c.yaml').values.instance).toEqual({ type: 'H200', count: 4 });
    const zero = readTrussConfigText('resources:\n  accelerator: {accelerator: H200, count: 0}\n', 'c.yaml');
    expect(zero.values.instance).toEqual({ type: 'CPU', count: 1 });
    expect(zero.warnings[0]).toMatch(/count: 0/);
    expect(errorsOf(() => readTrussConfigText('resources:\n  accelerator: {accelerator: h200}\n', 'c.yaml'))[0]).toMatch(
      /^c\.yaml:2:30 resources\.accelerator\.accelerator: found "h200"/,
    );
  });

  it('use_gpu is ignored: true without accelerator is CPU; instance_type "" is unset', () => {
    const r = readTrussConfigText('resources:\n  use_gpu: true\n  instance_type: ""\n', 'c.yaml');
    expect(r.values.instance).toEqual({ type: 'CPU', count: 1 });
    expect(r.warnings[0]).toMatch(/^c\.yaml:2:12 resources\.use_gpu: .*CPU instance/);
  });

  it('anchors and merge keys resolve as in PyYAML', () => {
    const text = 'hc: &hc\n  restart_threshold_seconds: 90\nruntime:\n  health_checks:\n    <<: *hc\n    stop_traffic_threshold_seconds: 45\n';
    const r = readTrussConfigText(text, 'c.yaml');
    expect(r.values.runtime.health_checks).toEqual({ restart_threshold_seconds: 90, stop_traffic_threshold_seconds: 45 });
  });
});
