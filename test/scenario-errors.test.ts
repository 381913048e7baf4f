import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, loadScenarioText, ScenarioError, type LoadOptions } from '../src/scenario/load.js';

/**
 * Every broken scenario in test/fixtures/bad (and bad --set values on a valid one), with the exact
 * lines a user sees: `file:line:col key.path: found X, allowed Y`, all problems at once.
 */
interface Row {
  name: string;
  file: string;
  overrides?: string[];
  lines: string[];
}

const rows: Row[] = [
  {
    name: "a diurnal amplitude above its mean",
    file: 'test/fixtures/bad/amplitude.yaml',
    lines: [
      `test/fixtures/bad/amplitude.yaml:3:42 traffic.0.amplitude: found 3, allowed a number 0–2 (≤ mean, so the rate never goes negative)`,
    ],
  },
  {
    name: "strings that are not durations, and durations out of range",
    file: 'test/fixtures/bad/bad-duration.yaml',
    lines: [
      `test/fixtures/bad/bad-duration.yaml:2:11 duration: found "2 hours", allowed a duration > 0 s and ≤ 366 d (seconds, or a number with a unit: 500ms, 90s, 15m, 2h, 1d)`,
      `test/fixtures/bad/bad-duration.yaml:5:23 deployment.autoscaling.scale_down_delay: found "5x", allowed a duration 0–3600 s (seconds, or a number with a unit: 500ms, 90s, 15m, 2h, 1d)`,
      `test/fixtures/bad/bad-duration.yaml:6:25 deployment.autoscaling.autoscaling_window: found "2h", allowed a duration 10–3600 s`,
      `test/fixtures/bad/bad-duration.yaml:8:11 deployment.startup.load: found "-5s", allowed a duration ≥ 0 s`,
      `test/fixtures/bad/bad-duration.yaml:10:38 traffic.0.start: found "soon", allowed a duration ≥ 0 s (seconds, or a number with a unit: 500ms, 90s, 15m, 2h, 1d)`,
    ],
  },
  {
    name: "after_fault names an unknown fault kind",
    file: 'test/fixtures/bad/bad-health-rule.yaml',
    lines: [
      `test/fixtures/bad/bad-health-rule.yaml:3:43 deployment.is_healthy.fault: found "cuda_eror", allowed one of cuda_error, error_rate, hang, crash, crash_loop, slowdown, preemption (did you mean \`cuda_error\`?)`,
    ],
  },
  {
    name: "a latency rule with a quantile outside (0, 1) and missing keys",
    file: 'test/fixtures/bad/bad-latency-rule.yaml',
    lines: [
      `test/fixtures/bad/bad-latency-rule.yaml:4:5 deployment.is_healthy.window: found nothing (the key is required), allowed a duration > 0 s (seconds, or a number with a unit: 500ms, 90s, 15m, 2h, 1d)`,
      `test/fixtures/bad/bad-latency-rule.yaml:4:5 deployment.is_healthy.limit: found nothing (the key is required), allowed a duration > 0 s (seconds, or a number with a unit: 500ms, 90s, 15m, 2h, 1d)`,
      `test/fixtures/bad/bad-latency-rule.yaml:5:15 deployment.is_healthy.quantile: found 99, allowed a number > 0 and < 1`,
    ],
  },
  {
    name: "values of the wrong type: each names the key, the value and what is allowed",
    file: 'test/fixtures/bad/bad-type.yaml',
    lines: [
      `test/fixtures/bad/bad-type.yaml:2:7 seed: found "lucky", allowed an integer ≥ 0`,
      `test/fixtures/bad/bad-type.yaml:5:18 deployment.autoscaling.max_replica: found "many", allowed an integer ≥ 1`,
      `test/fixtures/bad/bad-type.yaml:6:18 deployment.initial_state: found "hot", allowed one of cold, warm`,
      `test/fixtures/bad/bad-type.yaml:9:28 traffic.0.rate: found "fast", allowed a number ≥ 0`,
      `test/fixtures/bad/bad-type.yaml:10:21 output.requests: found "yes please", allowed true or false`,
    ],
  },
  {
    name: "binary junk",
    file: 'test/fixtures/bad/binary.yaml',
    lines: [
      `test/fixtures/bad/binary.yaml:1:1 (top level): found binary data (not UTF-8 text), allowed a YAML text file`,
    ],
  },
  {
    name: "a file with only comments",
    file: 'test/fixtures/bad/comments-only.yaml',
    lines: [
      `test/fixtures/bad/comments-only.yaml:1:1 (top level): found no content (only comments), allowed a mapping with the keys name, description, seed, duration, platform, deployment, traffic, request, faults, assumptions, output, chain, explore, expect (traffic is required)`,
    ],
  },
  {
    name: "delay + restart threshold over the platform limit, placed at the threshold, naming both",
    file: 'test/fixtures/bad/delay-plus-threshold.yaml',
    lines: [
      `test/fixtures/bad/delay-plus-threshold.yaml:6:34 deployment.runtime.health_checks.restart_threshold_seconds: found 1500, allowed restart_check_delay_seconds + restart_threshold_seconds ≤ 1800 (baseten-2025; baseten-2026 accepts a sum up to 3000: set \`platform: baseten-2026\`); here 600 + 1500 = 2100`,
    ],
  },
  {
    name: "a custom health check in a development deployment, with the platform's message",
    file: 'test/fixtures/bad/dev-is-healthy.yaml',
    lines: [
      `test/fixtures/bad/dev-is-healthy.yaml:4:15 deployment.is_healthy: found { rule: error_count, threshold: 5 }, allowed nothing in development deployments: "Custom health checks are currently not supported in development deployments."`,
    ],
  },
  {
    name: "max_replica 2 in a development deployment",
    file: 'test/fixtures/bad/dev-max-replica.yaml',
    lines: [
      `test/fixtures/bad/dev-max-replica.yaml:4:47 deployment.autoscaling.max_replica: found 2, allowed 1 (development deployments run min 0 / max 1 replica)`,
    ],
  },
  {
    name: "a key given twice is a YAML error",
    file: 'test/fixtures/bad/duplicate-key.yaml',
    lines: [
      `test/fixtures/bad/duplicate-key.yaml:3:1 YAML syntax error: Map keys must be unique`,
    ],
  },
  {
    name: "an empty file",
    file: 'test/fixtures/bad/empty.yaml',
    lines: [
      `test/fixtures/bad/empty.yaml:1:1 (top level): found an empty file, allowed a mapping with the keys name, description, seed, duration, platform, deployment, traffic, request, faults, assumptions, output, chain, explore, expect (traffic is required)`,
    ],
  },
  {
    name: "malformed YAML gives the parser's message with its line:col",
    file: 'test/fixtures/bad/malformed.yaml',
    lines: [
      `test/fixtures/bad/malformed.yaml:4:1 YAML syntax error: Flow map in block collection must be sufficiently indented and end with a }`,
    ],
  },
  {
    name: "min_replica above max_replica (initial_replicas not re-checked against an empty range)",
    file: 'test/fixtures/bad/min-gt-max.yaml',
    lines: [
      `test/fixtures/bad/min-gt-max.yaml:6:18 deployment.autoscaling.max_replica: found 2, allowed an integer ≥ min_replica (3)`,
    ],
  },
  {
    name: "a missing trace file, at the file: value, naming the resolved path",
    file: 'test/fixtures/bad/missing-trace.yaml',
    lines: [
      `test/fixtures/bad/missing-trace.yaml:4:11 traffic.0.file: found "traces/does-not-exist.csv", allowed a CSV trace (TIMESTAMP,ContextTokens,GeneratedTokens), relative to the scenario's folder; no such file: ${resolve('test/fixtures/bad/traces/does-not-exist.csv')}`,
    ],
  },
  {
    name: "a missing required key is placed at the parent mapping",
    file: 'test/fixtures/bad/missing-traffic.yaml',
    lines: [
      `test/fixtures/bad/missing-traffic.yaml:2:1 traffic: found nothing (the key is required), allowed a list of traffic processes`,
    ],
  },
  {
    name: "a file that is a list, not a mapping",
    file: 'test/fixtures/bad/not-mapping.yaml',
    lines: [
      `test/fixtures/bad/not-mapping.yaml:1:1 (top level): found [ { kind: poisson, rate: 1 } ], allowed a mapping with the keys name, description, seed, duration, platform, deployment, traffic, request, faults, assumptions, output, chain, explore, expect`,
    ],
  },
  {
    name: "a restart threshold below the baseten-2025 range",
    file: 'test/fixtures/bad/range-2025.yaml',
    lines: [
      `test/fixtures/bad/range-2025.yaml:7:34 deployment.runtime.health_checks.restart_threshold_seconds: found 20, allowed 30–1800 (baseten-2025; baseten-2026 accepts 10–3000: set \`platform: baseten-2026\`)`,
    ],
  },
  {
    name: "thresholds outside the baseten-2026 ranges, written with units",
    file: 'test/fixtures/bad/range-2026.yaml',
    lines: [
      `test/fixtures/bad/range-2026.yaml:6:39 deployment.runtime.health_checks.stop_traffic_threshold_seconds: found "5s", allowed 10–3000 (baseten-2026)`,
      `test/fixtures/bad/range-2026.yaml:7:34 deployment.runtime.health_checks.restart_threshold_seconds: found "51m", allowed 10–3000 (baseten-2026)`,
      `test/fixtures/bad/range-2026.yaml:8:34 deployment.runtime.health_checks.startup_threshold_seconds: found "2h", allowed 10–3000 (baseten-2026)`,
    ],
  },
  {
    name: "several problems in one file, all reported together in file order",
    file: 'test/fixtures/bad/several.yaml',
    lines: [
      `test/fixtures/bad/several.yaml:3:7 seed: found -3, allowed an integer ≥ 0`,
      `test/fixtures/bad/several.yaml:4:11 platform: found "baseten-2027", allowed one of baseten-2025, baseten-2026 (did you mean \`baseten-2025\`?)`,
      `test/fixtures/bad/several.yaml:6:21 deployment.instance.type: found "H1000", allowed a priced type (T4, L4, A10G, A100, H100, H100MIG, H200, B200, CPU), or deployment.instance.price_per_minute beside it (the whole instance's price per minute; "H1000" is not in deploysim's price table)`,
      `test/fixtures/bad/several.yaml:7:18 deployment.autoscaling.max_replicas: found an unknown key, allowed min_replica, max_replica, autoscaling_window, scale_down_delay, concurrency_target, target_utilization_percentage, max_scale_down_rate, policy, target_in_flight_tokens (did you mean \`max_replica\`?)`,
      `test/fixtures/bad/several.yaml:7:66 deployment.autoscaling.target_utilization_percentage: found 120, allowed a number 1–100`,
      `test/fixtures/bad/several.yaml:8:53 deployment.service_time.p99: found "1s", allowed a duration > median (2 s)`,
      `test/fixtures/bad/several.yaml:10:13 traffic.0.kind: found "poison", allowed one of poisson, schedule, diurnal, burst, constant, trace (did you mean \`poisson\`?)`,
      `test/fixtures/bad/several.yaml:11:59 traffic.1.steps.1.at: found "10m", allowed a duration > the previous step's at (1800 s): steps sorted by at`,
      `test/fixtures/bad/several.yaml:12:49 traffic.2.end: found "5m", allowed a duration > start (600 s)`,
      `test/fixtures/bad/several.yaml:14:5 faults.0.probability: found nothing (the key is required), allowed a number 0–1`,
      `test/fixtures/bad/several.yaml:15:5 faults.1.after: found nothing (the key is required), allowed a duration > 0 s (seconds, or a number with a unit: 500ms, 90s, 15m, 2h, 1d)`,
      `test/fixtures/bad/several.yaml:16:31 faults.2.factor: found 0.5, allowed a number > 1`,
      `test/fixtures/bad/several.yaml:16:45 faults.2.replica: found { fraction: 1.5 }, allowed a replica index (an integer ≥ 0), random, all, or {fraction: 0–1}`,
      `test/fixtures/bad/several.yaml:17:49 assumptions.probe_timeout: found "2s", allowed a duration ≥ 1 ms and < probe_period (1 s)`,
    ],
  },
  {
    name: "startup_threshold_seconds under baseten-2025",
    file: 'test/fixtures/bad/startup-2025.yaml',
    lines: [
      `test/fixtures/bad/startup-2025.yaml:5:34 deployment.runtime.health_checks.startup_threshold_seconds: found 600, allowed nothing under baseten-2025 (startup_threshold_seconds exists from baseten-2026: set \`platform: baseten-2026\`)`,
    ],
  },
  {
    name: "a tokens service time without trace traffic",
    file: 'test/fixtures/bad/tokens-without-trace.yaml',
    lines: [
      `test/fixtures/bad/tokens-without-trace.yaml:3:25 deployment.service_time.dist: found "tokens", allowed one of constant, exponential, uniform, lognormal (tokens needs every traffic entry to be a trace; traffic.0 is poisson)`,
    ],
  },
  {
    name: "unknown keys list the allowed ones and suggest the closest",
    file: 'test/fixtures/bad/unknown-key.yaml',
    lines: [
      `test/fixtures/bad/unknown-key.yaml:5:5 deployment.autoscaling.scale_down_dela: found an unknown key, allowed min_replica, max_replica, autoscaling_window, scale_down_delay, concurrency_target, target_utilization_percentage, max_scale_down_rate, policy, target_in_flight_tokens (did you mean \`scale_down_delay\`?)`,
      `test/fixtures/bad/unknown-key.yaml:7:5 deployment.runtime.healthchecks: found an unknown key, allowed predict_concurrency, health_checks (did you mean \`health_checks\`?)`,
      `test/fixtures/bad/unknown-key.yaml:9:31 traffic.0.rat: found an unknown key, allowed kind, start, end, rate (did you mean \`rate\`?)`,
      `test/fixtures/bad/unknown-key.yaml:11:29 faults.0.replicas: found an unknown key, allowed kind, at, mtbf, chainlet, replica (did you mean \`replica\`?)`,
    ],
  },
  {
    name: "a trace whose rows go back in time names the CSV line",
    file: 'test/fixtures/bad/unsorted-trace.yaml',
    lines: [
      `test/fixtures/bad/unsorted-trace.yaml:3:26 traffic.0.file: found "../traces/unsorted.csv", allowed a CSV trace (TIMESTAMP,ContextTokens,GeneratedTokens), relative to the scenario's folder; ${resolve('test/fixtures/traces/unsorted.csv')} line 4: 2023-11-16 18:15:49.0000000 is earlier than the row before it (rows must be sorted by time)`,
    ],
  },
  {
    name: "--set a value out of range",
    file: 'test/fixtures/traces/scenario.yaml',
    overrides: ["deployment.autoscaling.max_replica=0"],
    lines: [
      `--set deployment.autoscaling.max_replica=0: found 0, allowed an integer ≥ 1`,
    ],
  },
  {
    name: "--set a value of the wrong type inside a list item",
    file: 'test/fixtures/traces/scenario.yaml',
    overrides: ["traffic.0.speedup=fast"],
    lines: [
      `--set traffic.0.speedup=fast: found "fast", allowed a number > 0`,
    ],
  },
  {
    name: "--set a list index that does not exist",
    file: 'test/fixtures/traces/scenario.yaml',
    overrides: ["traffic.3.rate=1"],
    lines: [
      `--set traffic.3.rate=1: found no item \`3\` in \`traffic\`, allowed an index 0–0 (the list has 1 item)`,
    ],
  },
  {
    name: "--set an unknown key suggests the closest",
    file: 'test/fixtures/traces/scenario.yaml',
    overrides: ["deployment.autoscaling.max_replicas=4"],
    lines: [
      `--set deployment.autoscaling.max_replicas=4: found an unknown key, allowed min_replica, max_replica, autoscaling_window, scale_down_delay, concurrency_target, target_utilization_percentage, max_scale_down_rate, policy, target_in_flight_tokens (did you mean \`max_replica\`?)`,
    ],
  },
  {
    name: "--set a negative duration",
    file: 'test/fixtures/traces/scenario.yaml',
    overrides: ["faults.0.at=-1m"],
    lines: [
      `--set faults.0.at=-1m: found "-1m", allowed a duration ≥ 0 s`,
    ],
  },
  {
    name: "--set a threshold below the platform range",
    file: 'test/fixtures/traces/scenario.yaml',
    overrides: ["deployment.runtime.health_checks.restart_threshold_seconds=20s"],
    lines: [
      `--set deployment.runtime.health_checks.restart_threshold_seconds=20s: found "20s", allowed 30–1800 (baseten-2025; baseten-2026 accepts 10–3000: set \`platform: baseten-2026\`)`,
    ],
  },
  {
    // A mapping merges into the file's leaf by leaf, so the file's max_replica 3 stays (and is refused).
    name: "--set a flow mapping: merged into the file's, problems inside it name their key path",
    file: 'test/fixtures/traces/scenario.yaml',
    overrides: ["deployment={environment: development, max_replica: 2}"],
    lines: [
      `test/fixtures/traces/scenario.yaml:6:47 deployment.autoscaling.max_replica: found 3, allowed 1 (development deployments run min 0 / max 1 replica)`,
      `--set deployment={environment: development, max_replica: 2} deployment.max_replica: found an unknown key, allowed environment, instance, truss_config, initial_state, initial_replicas, runtime, autoscaling, startup, service_time, is_healthy (\`max_replica\` belongs in \`deployment.autoscaling\`)`,
    ],
  },
  {
    name: "--set a path through a scalar",
    file: 'test/fixtures/traces/scenario.yaml',
    overrides: ["name.first=x"],
    lines: [
      `--set name.first=x: found a value that is not a mapping or list at \`name\`, allowed a path into mappings and lists`,
    ],
  },
  {
    name: "--set a malformed YAML value",
    file: 'test/fixtures/traces/scenario.yaml',
    overrides: ["seed=[1"],
    lines: [
      `--set seed=[1: found a malformed value "[1" (Flow sequence must end with a ]), allowed a YAML scalar or flow collection`,
    ],
  },
  {
    name: "--set without a key path",
    file: 'test/fixtures/traces/scenario.yaml',
    overrides: ["=3"],
    lines: [
      `--set =3: found no key path before \`=\`, allowed key.path=value (e.g. deployment.autoscaling.max_replica=4)`,
    ],
  },
  {
    name: "--set a key path without =value",
    file: 'test/fixtures/traces/scenario.yaml',
    overrides: ["deployment.runtime.health_checks.restart_threshold_seconds"],
    lines: [
      `--set deployment.runtime.health_checks.restart_threshold_seconds: found no "=value", allowed key.path=value`,
    ],
  },
  {
    name: "--set two overrides that conflict: reported at the one holding the bad value",
    file: 'test/fixtures/traces/scenario.yaml',
    overrides: ["deployment.autoscaling.min_replica=2", "deployment.autoscaling.max_replica=1"],
    lines: [
      `--set deployment.autoscaling.max_replica=1: found 1, allowed an integer ≥ min_replica (2)`,
    ],
  },
];

function messagesOf(load: () => unknown): string[] {
  try {
    load();
  } catch (e) {
    if (e instanceof ScenarioError) return e.messages;
    throw e;
  }
  throw new Error('expected a ScenarioError, but the scenario loaded');
}

describe('loadScenario(file) reports every problem as file:line:col key.path: found X, allowed Y', () => {
  for (const row of rows) {
    it(row.name, () => {
      const opts: LoadOptions = row.overrides ? { overrides: row.overrides } : {};
      expect(messagesOf(() => loadScenario(row.file, opts))).toEqual(row.lines);
    });
  }
});

describe('ScenarioError', () => {
  it('every fixture in test/fixtures/bad has a row above', async () => {
    const { readdirSync } = await import('node:fs');
    const covered = new Set(rows.map((r) => r.file));
    const missing = readdirSync('test/fixtures/bad').filter((f) => !covered.has(`test/fixtures/bad/${f}`));
    expect(missing).toEqual([]);
  });

  it('message is the lines joined, one problem per line', () => {
    try {
      loadScenario('test/fixtures/bad/several.yaml');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(Error);
      const err = e as ScenarioError;
      expect(err.messages.length).toBe(14);
      expect(err.message).toBe(err.messages.join('\n'));
    }
  });

  it('a scenario file that does not exist', () => {
    expect(messagesOf(() => loadScenario('test/fixtures/bad/no-such-file.yaml'))).toEqual([
      'test/fixtures/bad/no-such-file.yaml: cannot read the scenario: no such file',
    ]);
  });

  it('text with a NUL byte is binary, with the position of the byte', () => {
    expect(messagesOf(() => loadScenarioText('name: x\nseed: \u0000\u0001', 'x.yaml'))).toEqual([
      'x.yaml:2:7 (top level): found binary data (a NUL byte), allowed a YAML text file',
    ]);
  });

  it('--seed and --duration are validated like the keys they replace', () => {
    const text = 'traffic: [{ kind: poisson, rate: 1 }]\n';
    expect(messagesOf(() => loadScenarioText(text, 'x.yaml', { seed: 1.5, duration: '2 hours' }))).toEqual([
      '--seed 1.5: found 1.5, allowed an integer ≥ 0',
      '--duration 2 hours: found "2 hours", allowed a duration > 0 s and ≤ 366 d (seconds, or a number with a unit: 500ms, 90s, 15m, 2h, 1d)',
    ]);
  });

  it('a delay alone goes over the limit with the default restart threshold: the message says it is the default', () => {
    const text = 'deployment: { runtime: { health_checks: { restart_check_delay_seconds: 90s } } }\ntraffic: [{ kind: poisson, rate: 1 }]\nplatform: baseten-2025\n';
    expect(messagesOf(() => loadScenarioText(text, 'x.yaml'))).toEqual([
      'x.yaml:1:41 deployment.runtime.health_checks.restart_threshold_seconds: found nothing (the default 1800), allowed restart_check_delay_seconds + restart_threshold_seconds ≤ 1800 (baseten-2025; baseten-2026 accepts a sum up to 3000: set `platform: baseten-2026`); here 90 + 1800 = 1890',
    ]);
  });

  it('a key put in the wrong mapping says where it belongs', () => {
    const text = 'deployment: { max_replica: 3, probe_period: 5s }\ntraffic: [{ kind: poisson, rate: 1 }]\n';
    const allowed = 'environment, instance, truss_config, initial_state, initial_replicas, runtime, autoscaling, startup, service_time, is_healthy';
    expect(messagesOf(() => loadScenarioText(text, 'x.yaml'))).toEqual([
      `x.yaml:1:15 deployment.max_replica: found an unknown key, allowed ${allowed} (\`max_replica\` belongs in \`deployment.autoscaling\`)`,
      `x.yaml:1:31 deployment.probe_period: found an unknown key, allowed ${allowed} (\`probe_period\` belongs in \`assumptions\`)`,
    ]);
  });

  it('an integer beyond 2^53 is refused rather than rounded to another seed', () => {
    const text = 'seed: 9007199254740993\ntraffic: [{ kind: poisson, rate: 1 }]\n';
    expect(messagesOf(() => loadScenarioText(text, 'x.yaml'))).toEqual([
      'x.yaml:1:7 seed: found 9007199254740993, allowed an integer ≥ 0 and ≤ 9007199254740991 (2^53 − 1)',
    ]);
  });

  it('file problems come first in file order, then --set problems in the order given', () => {
    const text = 'seed: x\ntraffic: [{ kind: poisson, rate: -1 }]\n';
    expect(messagesOf(() => loadScenarioText(text, 'x.yaml', { overrides: ['duration=0', 'platform=baseten-2024'] }))).toEqual([
      'x.yaml:1:7 seed: found "x", allowed an integer ≥ 0',
      'x.yaml:2:34 traffic.0.rate: found -1, allowed a number ≥ 0',
      '--set duration=0: found 0, allowed a duration > 0 s and ≤ 366 d',
      '--set platform=baseten-2024: found "baseten-2024", allowed one of baseten-2025, baseten-2026 (did you mean `baseten-2025`?)',
    ]);
  });
});
