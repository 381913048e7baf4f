import { describe, expect, it } from 'vitest';
import { type Config } from '../src/model/config.js';
import { defaultConfig } from '../src/scenario/defaults.js';
import { parseDuration } from '../src/scenario/duration.js';
import { loadScenario, loadScenarioText } from '../src/scenario/load.js';
import { Z99 } from '../src/scenario/schema.js';
import { parseTraceCsv } from '../src/scenario/trace-csv.js';

const POISSON = 'traffic: [{ kind: poisson, rate: 1 }]\n';

/** The config a minimal scenario named `minimal` produces: defaults plus its one traffic entry. */
function minimal(): Config {
  const c = defaultConfig();
  c.name = 'minimal';
  c.traffic = [{ kind: 'poisson', rate: 1, start: 0, end: null }];
  // A scenario's platform defaults to the platform as documented today (SPEC §3).
  c.platform = 'baseten-2026';
  c.deployment.runtime.health_checks.startup_threshold_seconds = 1800;
  return c;
}

function load(text: string, opts = {}) {
  return loadScenarioText(text, 'scenarios/minimal.yaml', opts);
}

describe('parseDuration(v) reads seconds or a number with a unit', () => {
  const valid: [unknown, number][] = [
    [90, 90],
    [0.25, 0.25],
    ['90', 90],
    ['500ms', 0.5],
    ['90s', 90],
    ['15m', 900],
    ['2h', 7200],
    ['1d', 86400],
    ['1.5h', 5400],
    ['.5s', 0.5],
    [' 15 m ', 900],
    ['-5s', -5],
    ['1e3', 1000],
    ['1e-3s', 0.001],
    ['2.5e2ms', 0.25],
    ['1E2 m', 6000],
  ];
  for (const [v, s] of valid) it(`${JSON.stringify(v)} → ${s}`, () => expect(parseDuration(v)).toBe(s));
  const invalid: unknown[] = ['abc', '5x', '', '1h30m', '2 hours', 'e3', '1e', '1e999',  'm', null, undefined, true, NaN, Infinity, [1], { s: 1 }];
  for (const v of invalid) it(`${String(JSON.stringify(v))} → null`, () => expect(parseDuration(v)).toBeNull());
});

describe('loadScenarioText(text) applies the defaults of SPEC', () => {
  it('a scenario with only traffic is defaultConfig() plus its traffic, named after the file', () => {
    const r = load(POISSON);
    expect(r.config).toEqual(minimal());
    // Defaults it leans on are named (issue 13): a cold start with no startup times, a guessed service time.
    expect(r.warnings.map((w) => w.replace(/:.*?: /, ': '))).toEqual([
      expect.stringContaining('deployment.startup is not set'),
      expect.stringContaining('deployment.service_time is not set'),
    ]);
    expect(r.explore).toBeNull();
    expect(r.expect).toBeNull();
    expect(r.file).toBe('scenarios/minimal.yaml');
  });

  it('baseten-2026 is the default platform, and defaults startup_threshold_seconds to 1800', () => {
    const c = minimal();
    expect(c.platform).toBe('baseten-2026');
    expect(c.deployment.runtime.health_checks.startup_threshold_seconds).toBe(1800);
    expect(load(`platform: baseten-2026\n${POISSON}`).config).toEqual(c);
    const old = minimal();
    old.platform = 'baseten-2025';
    old.deployment.runtime.health_checks.startup_threshold_seconds = null;
    expect(load(`platform: baseten-2025\n${POISSON}`).config).toEqual(old);
  });

  it('baseten-2026 accepts thresholds down to 10 s and warns that the delay is deprecated', () => {
    const r = load(
      `platform: baseten-2026\ndeployment:\n  runtime:\n    health_checks: { restart_threshold_seconds: 10s, restart_check_delay_seconds: 2m }\n${POISSON}`,
    );
    expect(r.config.deployment.runtime.health_checks).toEqual({
      stop_traffic_threshold_seconds: 1800,
      restart_threshold_seconds: 10,
      restart_check_delay_seconds: 120,
      startup_threshold_seconds: 1800,
    });
    expect(r.warnings[0]).toBe(
      'scenarios/minimal.yaml:4:83 deployment.runtime.health_checks.restart_check_delay_seconds: found "2m", deprecated under baseten-2026 (startup_threshold_seconds now protects a slow load); it still delays every container\'s first check, so a replica takes traffic no sooner than 2m after it starts',
    );
  });

  it('durations take units everywhere', () => {
    const r = load(
      [
        'duration: 1.5h',
        'deployment:',
        '  autoscaling: { autoscaling_window: 2m, scale_down_delay: 15m }',
        '  runtime: { health_checks: { stop_traffic_threshold_seconds: 1m, restart_threshold_seconds: 25m, restart_check_delay_seconds: 90s } }',
        'request: { timeout: 10m, retry: { initial: 250ms, max_total: 1h } }',
        'assumptions: { probe_period: 5s, probe_timeout: 500ms, error_latency: 20ms, autoscaler_interval: 15s }',
        'output: { sample_interval: 1m }',
        'traffic: [{ kind: burst, at: 30m, duration: 5m, rate: 10, start: 10s, end: 1h }]',
      ].join('\n'),
    );
    const c = minimal();
    c.duration = 5400;
    c.deployment.autoscaling.autoscaling_window = 120;
    c.deployment.autoscaling.scale_down_delay = 900;
    c.deployment.runtime.health_checks.stop_traffic_threshold_seconds = 60;
    c.deployment.runtime.health_checks.restart_threshold_seconds = 1500;
    c.deployment.runtime.health_checks.restart_check_delay_seconds = 90;
    c.request.timeout = 600;
    c.request.retry.initial = 0.25;
    c.request.retry.max_total = 3600;
    c.assumptions = { ...c.assumptions, probe_period: 5, probe_timeout: 0.5, probe_phase: 'aligned', autoscaler_interval: 15, error_latency: 0.02 };
    c.output.sample_interval = 60;
    c.traffic = [{ kind: 'burst', at: 1800, duration: 300, rate: 10, start: 10, end: 3600 }];
    expect(r.config).toEqual(c);
  });

  it('name, description, seed and the raw explore/expect blocks', () => {
    const r = load(`name: n\ndescription: d\nseed: 42\nexplore: { runs: 3, vary: [a, b] }\nexpect: [{ availability: '>= 0.99' }]\n${POISSON}`);
    expect([r.config.name, r.config.description, r.config.seed]).toEqual(['n', 'd', 42]);
    expect(r.explore).toEqual({ runs: 3, vary: ['a', 'b'] });
    expect(r.expect).toEqual([{ availability: '>= 0.99' }]);
  });
});

describe('distributions', () => {
  const serviceTime = (yaml: string) => load(`deployment: { service_time: ${yaml} }\n${POISSON}`).config.deployment.service_time;

  it('a bare duration is a constant', () => expect(serviceTime('800ms')).toEqual({ dist: 'constant', value: 0.8 }));
  it('constant, exponential and uniform take durations', () => {
    expect(serviceTime('{ dist: constant, value: 2s }')).toEqual({ dist: 'constant', value: 2 });
    expect(serviceTime('{ dist: exponential, mean: 1m }')).toEqual({ dist: 'exponential', mean: 60 });
    expect(serviceTime('{ dist: uniform, min: 1s, max: 1500ms }')).toEqual({ dist: 'uniform', min: 1, max: 1.5 });
  });
  it('lognormal with p99: sigma = ln(p99 / median) / z(0.99)', () => {
    expect(Z99).toBe(2.3263478740408408);
    const d = serviceTime('{ dist: lognormal, median: 800ms, p99: 4s }');
    expect(d).toEqual({ dist: 'lognormal', median: 0.8, sigma: Math.log(5) / Z99 });
    // p99 = median × e^(z) ⇒ sigma 1.
    const one = serviceTime(`{ dist: lognormal, median: 1, p99: ${Math.exp(Z99)} }`);
    expect(one.dist === 'lognormal' && one.sigma).toBeCloseTo(1, 12);
  });
  it('lognormal with sigma directly', () => {
    expect(serviceTime('{ dist: lognormal, median: 2s, sigma: 0.5 }')).toEqual({ dist: 'lognormal', median: 2, sigma: 0.5 });
  });
  it('startup distributions default to 0 and take the same forms', () => {
    const s = load(`deployment: { startup: { schedule: 10s, image_pull: { dist: exponential, mean: 40s }, load_failure_probability: 0.1 } }\n${POISSON}`)
      .config.deployment.startup;
    expect(s).toEqual({
      schedule: { dist: 'constant', value: 10 },
      image_pull: { dist: 'exponential', mean: 40 },
      load: { dist: 'constant', value: 0 },
      load_failure_probability: 0.1,
    });
  });
});

describe('deployment', () => {
  const deployment = (yaml: string) => load(`deployment: ${yaml}\n${POISSON}`).config.deployment;

  it('instance: a known type takes its price; a price alone has no type; both: the price wins', () => {
    expect(deployment('{ instance: { type: A10G } }').instance).toEqual({ type: 'A10G', count: 1, price_per_minute: 0.02012 });
    expect(deployment('{ instance: { price_per_minute: 0.5 } }').instance).toEqual({ type: null, count: 1, price_per_minute: 0.5 });
    expect(deployment('{ instance: { type: H100, price_per_minute: 0.09 } }').instance).toEqual({ type: 'H100', count: 1, price_per_minute: 0.09 });
  });

  it('autoscaling and initial replicas within [min, max]', () => {
    const d = deployment('{ initial_replicas: 2, initial_state: warm, autoscaling: { min_replica: 1, max_replica: 4, concurrency_target: 8, target_utilization_percentage: 80, max_scale_down_rate: 25 } }');
    expect(d.initial_replicas).toBe(2);
    expect(d.initial_state).toBe('warm');
    expect(d.autoscaling).toEqual({ ...defaultConfig().deployment.autoscaling, min_replica: 1, max_replica: 4, concurrency_target: 8, target_utilization_percentage: 80, max_scale_down_rate: 25 });
  });

  it('every is_healthy rule', () => {
    expect(deployment('{ is_healthy: { rule: error_count, threshold: 5 } }').is_healthy).toEqual({ rule: 'error_count', threshold: 5 });
    expect(deployment('{ is_healthy: { rule: error_window, threshold: 3, window: 1m } }').is_healthy).toEqual({ rule: 'error_window', threshold: 3, window: 60 });
    expect(deployment('{ is_healthy: { rule: consecutive_errors, threshold: 2 } }').is_healthy).toEqual({ rule: 'consecutive_errors', threshold: 2 });
    expect(deployment('{ is_healthy: { rule: after_fault, fault: cuda_error } }').is_healthy).toEqual({ rule: 'after_fault', fault: 'cuda_error' });
    expect(deployment('{ is_healthy: { rule: latency, quantile: 0.99, window: 5m, limit: 2s } }').is_healthy).toEqual({ rule: 'latency', quantile: 0.99, window: 300, limit: 2 });
  });

  it('a development deployment with max 1 replica and no custom check is fine', () => {
    expect(deployment('{ environment: development, autoscaling: { max_replica: 1 } }').environment).toBe('development');
  });
});

describe('traffic and faults', () => {
  it('every traffic kind, with start and end', () => {
    const r = load(
      [
        'traffic:',
        '  - { kind: poisson, rate: 2 }',
        '  - { kind: schedule, steps: [{ at: 0, rate: 1 }, { at: 30m, rate: 5 }] }',
        '  - { kind: diurnal, mean: 3, amplitude: 2, period: 1d, peak_at: 14h }',
        '  - { kind: burst, at: 1h, duration: 5m, rate: 20 }',
        '  - { kind: constant, rate: 2, start: 0, end: 10m }',
      ].join('\n'),
    );
    expect(r.config.traffic).toEqual([
      { kind: 'poisson', rate: 2, start: 0, end: null },
      { kind: 'schedule', steps: [{ at: 0, rate: 1 }, { at: 1800, rate: 5 }], start: 0, end: null },
      { kind: 'diurnal', mean: 3, amplitude: 2, period: 86400, peak_at: 50400, start: 0, end: null },
      { kind: 'burst', at: 3600, duration: 300, rate: 20, start: 0, end: null },
      { kind: 'constant', rate: 2, start: 0, end: 600 },
    ]);
  });

  it('faults: defaults (at not written: null, meaning 0 for a single fault; replica all, slowdown factor 2) and every replica form', () => {
    const r = load(
      [
        'faults:',
        '  - { kind: cuda_error }',
        '  - { kind: slowdown, at: 1m, duration: 10m, replica: 1 }',
        '  - { kind: error_rate, probability: 0.3, mtbf: 6h, replica: random }',
        '  - { kind: crash_loop, after: 30s, replica: { fraction: 0.5 } }',
        POISSON,
      ].join('\n'),
    );
    const base = { at: null, mtbf: null, duration: null, probability: 0, factor: 1, after: 0, replica: { kind: 'all' } };
    expect(r.config.faults).toEqual([
      { ...base, kind: 'cuda_error' },
      { ...base, kind: 'slowdown', at: 60, duration: 600, factor: 2, replica: { kind: 'index', index: 1 } },
      { ...base, kind: 'error_rate', probability: 0.3, mtbf: 21600, replica: { kind: 'random' } },
      { ...base, kind: 'crash_loop', after: 30, replica: { kind: 'fraction', fraction: 0.5 } },
    ]);
  });
});

describe('traces', () => {
  it('loads the CSV relative to the scenario folder: offsets from the first row, sub-millisecond, tokens', () => {
    const r = loadScenario('test/fixtures/traces/scenario.yaml');
    const t = r.config.traffic[0]!;
    expect(t.kind).toBe('trace');
    if (t.kind !== 'trace') return;
    expect(t.file).toBe('small.csv');
    expect(t.speedup).toBe(2);
    // 18:15:46.6805900 → 18:16:46.6805901 is 60 s and 100 ns.
    expect(Array.from(t.rows.offsets)).toEqual([0, 4.314579, 4.541877, 60.0000001]);
    expect(Array.from(t.rows.input_tokens)).toEqual([374, 396, 879, 91]);
    expect(Array.from(t.rows.output_tokens)).toEqual([44, 109, 55, 16]);
    expect(r.config.deployment.service_time).toEqual({ dist: 'tokens', base: 0.2, per_input_token: 0.0001, per_output_token: 0.02 });
  });

  it('is parsed once per process: a second load shares the rows', () => {
    const a = loadScenario('test/fixtures/traces/scenario.yaml').config.traffic[0]!;
    const b = loadScenario('test/fixtures/traces/scenario.yaml', { overrides: ['traffic.0.speedup=4'] }).config.traffic[0]!;
    expect(a.kind === 'trace' && b.kind === 'trace' && a.rows === b.rows).toBe(true);
    expect(b.kind === 'trace' && b.speedup).toBe(4);
  });

  it('parseTraceCsv accepts numeric timestamps, another time column, and no token columns', () => {
    const t = parseTraceCsv('t,x\n10.5,a\n11,b\n\n12.25,c\n', 't');
    expect(Array.from(t.rows.offsets)).toEqual([0, 0.5, 1.75]);
    expect(t.hasTokens).toBe(false);
    expect(Array.from(t.rows.input_tokens)).toEqual([0, 0, 0]);
  });

  it('the Azure LLM inference traces in scenarios/traces load whole and sorted', () => {
    for (const [name, rows] of [['conv', 19366], ['code', 8819]] as const) {
      const r = loadScenarioText(`traffic: [{ kind: trace, file: traces/azure-llm-inference-2023-${name}.csv }]\n`, 'scenarios/x.yaml');
      const t = r.config.traffic[0]!;
      if (t.kind !== 'trace') throw new Error('not a trace');
      expect(t.rows.offsets.length).toBe(rows);
      expect(t.rows.offsets[0]).toBe(0);
      expect(t.rows.offsets.every((v, i, a) => i === 0 || v >= a[i - 1]!)).toBe(true);
      expect(t.rows.offsets[rows - 1]).toBeGreaterThan(3000);
      expect(t.rows.offsets[rows - 1]).toBeLessThan(3700);
    }
  });
});

describe('overrides (--set, --seed, --duration) edit the document before validation', () => {
  const text = `seed: 7\ndeployment: { autoscaling: { max_replica: 2 } }\ntraffic: [{ kind: poisson, rate: 1 }]\nfaults: [{ kind: crash, at: 1m }]\n`;

  it('scalars, durations and list indices', () => {
    const r = load(text, { overrides: ['deployment.autoscaling.max_replica=4', 'traffic.0.rate=5', 'faults.0.at=10m'] });
    expect(r.config.deployment.autoscaling.max_replica).toBe(4);
    expect(r.config.traffic[0]).toEqual({ kind: 'poisson', rate: 5, start: 0, end: null });
    expect(r.config.faults[0]!.at).toBe(600);
  });

  it('creates missing mappings, appends to a list at its length, takes flow values', () => {
    const r = load(text, {
      overrides: ['assumptions.probe_phase=random', 'traffic.1={kind: constant, rate: 2}', 'request.retry.statuses=[503]', 'request.max_queue=null'],
    });
    expect(r.config.assumptions.probe_phase).toBe('random');
    expect(r.config.traffic[1]).toEqual({ kind: 'constant', rate: 2, start: 0, end: null });
    expect(r.config.request.retry.statuses).toEqual([503]);
    expect(r.config.request.max_queue).toBeNull();
  });

  it('--seed and --duration replace the file values (and a --set of the same key)', () => {
    const r = load(text, { overrides: ['seed=3'], duration: '2h' });
    expect(r.config.seed).toBe(3);
    expect(r.config.duration).toBe(7200);
    expect(load(text, { overrides: ['seed=3'], seed: 9 }).config.seed).toBe(9);
  });

  it('a --set platform switches the health-check ranges', () => {
    const yaml = `deployment: { runtime: { health_checks: { restart_threshold_seconds: 20 } } }\n${POISSON}`;
    expect(load(yaml, { overrides: ['platform=baseten-2026'] }).config.deployment.runtime.health_checks.restart_threshold_seconds).toBe(20);
  });
});

describe('scenarios/*.yaml', () => {
  it('every scenario in the repository validates without warnings', async () => {
    const { readdirSync } = await import('node:fs');
    const files = readdirSync('scenarios').filter((f) => f.endsWith('.yaml'));
    for (const f of files) expect(loadScenario(`scenarios/${f}`).warnings, f).toEqual([]);
  });
});

describe('the example of SPEC §7', () => {
  it('validates and converts', () => {
    const yaml = `
name: cuda-error-custom-health
seed: 42
duration: 2h
platform: baseten-2025
deployment:
  environment: production
  instance: { type: H100 }
  initial_state: cold
  runtime:
    predict_concurrency: 1
    health_checks: { stop_traffic_threshold_seconds: 30, restart_threshold_seconds: 60 }
  autoscaling: { min_replica: 1, max_replica: 4, concurrency_target: 1 }
  startup:
    schedule: 10s
    image_pull: { dist: lognormal, median: 40s, p99: 2m }
    load: { dist: uniform, min: 60s, max: 90s }
  service_time: { dist: lognormal, median: 800ms, p99: 4s }
  is_healthy: { rule: after_fault, fault: cuda_error }
traffic:
  - { kind: poisson, rate: 2 }
  - { kind: schedule, steps: [{ at: 0, rate: 1 }, { at: 30m, rate: 5 }] }
  - { kind: diurnal, mean: 3, amplitude: 2, period: 1d, peak_at: 14h }
  - { kind: burst, at: 1h, duration: 5m, rate: 20 }
  - { kind: constant, rate: 2, start: 0, end: 10m }
  - { kind: trace, file: traces/azure-llm-inference-2023-conv.csv, time_column: TIMESTAMP, speedup: 1 }
request:
  timeout: 600s
  retry: { statuses: [502, 503, 504], initial: 500ms, multiplier: 1.5, max_interval: 60s, max_total: 15m }
  max_queue: null
faults:
  - { kind: cuda_error, at: 20m, replica: 0 }
  - { kind: error_rate, at: 40m, duration: 10m, probability: 0.3, replica: all }
  - { kind: hang, at: 1h, replica: random }
  - { kind: crash, at: 70m, replica: 1 }
  - { kind: slowdown, at: 80m, duration: 10m, factor: 3, replica: all }
  - { kind: preemption, at: 90m, replica: 0 }
  - { kind: crash_loop, at: 0, after: 30s }
  - { kind: cuda_error, mtbf: 6h, replica: random }
assumptions: { probe_period: 10s, probe_timeout: 1s, probe_phase: aligned, autoscaler_interval: 10s }
output: { sample_interval: 10s, requests: false }
`;
    const r = loadScenarioText(yaml, 'scenarios/example.yaml');
    // Under baseten-2025 with no delay, the 60–90 s load outlasts the restart check at 50 s: the example crash-loops;
    // and its traffic (up to 2 + 1…5 + 5 + 20 + 2 req/s of 0.8–4 s requests) overloads 4 replicas at the burst.
    expect(r.warnings).toEqual([expect.stringMatching(/^scenarios\/example\.yaml:17:11 deployment\.startup\.load: under baseten-2025 checks fail while load\(\) runs, .* at 50 s after it starts .*a certain crash loop/), expect.stringMatching(/deployment\.autoscaling\.max_replica: overloaded/)]);
    expect(r.config.duration).toBe(7200);
    expect(r.config.traffic).toHaveLength(6);
    expect(r.config.faults).toHaveLength(8);
    expect(r.config.deployment.startup.image_pull).toEqual({ dist: 'lognormal', median: 40, sigma: Math.log(3) / Z99 });
  });
});

describe('YAML conveniences', () => {
  it('anchors, aliases and << merge keys', () => {
    const r = load(
      [
        'deployment:',
        '  startup:',
        '    image_pull: &slow { dist: uniform, min: 30s, max: 1m }',
        '    load: *slow',
        'traffic:',
        '  - &base { kind: poisson, rate: 1, end: 10m }',
        '  - { <<: *base, start: 10m, end: null, rate: 3 }',
      ].join('\n'),
    );
    expect(r.config.deployment.startup.load).toEqual({ dist: 'uniform', min: 30, max: 60 });
    expect(r.config.traffic).toEqual([
      { kind: 'poisson', rate: 1, start: 0, end: 600 },
      { kind: 'poisson', rate: 3, start: 600, end: null },
    ]);
  });

  it('null means "not set" for the optional blocks that may be null', () => {
    const r = load(`deployment: { is_healthy: null, environment: development }\nrequest: { max_queue: null }\n${POISSON}`);
    expect(r.config.deployment.is_healthy).toBeNull();
    expect(r.config.request.max_queue).toBeNull();
  });
});
