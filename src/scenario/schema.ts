/**
 * The scenario schema. Built per file, because what is allowed depends on other keys: the
 * platform picks the health-check ranges, a development deployment refuses custom health checks
 * and more than one replica, and the `tokens` service time needs every traffic entry to be a
 * trace. Relations between keys of one mapping (min ≤ max, p99 > median, ...) are refinements
 * on that mapping, each placed at the key a user would change.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import {
  DEFAULT_MAX_IN_FLIGHT,
  DEFAULT_MAX_WORK,
  FAULT_KINDS,
  PLATFORM_LIMITS,
  type Dist,
  type Environment,
  type FaultTarget,
  type Platform,
  type Traffic,
} from '../model/config.js';
import {
  bool,
  duration,
  field,
  int,
  list,
  num,
  obj,
  oneOf,
  optionalDuration,
  refused,
  section,
  tagged,
  text,
  checkDuration,
  checkNumber,
  type Checked,
} from './fields.js';
import { DURATION_HINT, parseDuration } from './duration.js';
import { loadTraceCsv, TraceCsvError } from './trace-csv.js';
import { ACCELERATOR_PRICES, ACCELERATORS, instancePrice } from './accelerators.js';

/** z of 0.99 in a standard normal: p99 = median × exp(sigma × Z99). */
export const Z99 = 2.3263478740408408;

export const PLATFORMS = ['baseten-2025', 'baseten-2026'] as const satisfies readonly Platform[];
export const ENVIRONMENTS = ['production', 'development'] as const satisfies readonly Environment[];
export const DEV_HEALTH_CHECK_MESSAGE = 'Custom health checks are currently not supported in development deployments.';

/** What the schema depends on, read from the raw document before validation. */
export interface SchemaContext {
  file: string;
  /** null when the file's `platform:` is itself invalid: then the ranges of both platforms are accepted. */
  platform: Platform | null;
  environment: Environment | null;
  /** The first traffic entry that is not a trace (`tokens` needs none), or null when all are traces. */
  firstNonTrace: { index: number; kind: string } | null;
}

// --- distributions (SPEC §7) ---------------------------------------------------------------

function dists(tokensRefusal: string | null) {
  const lognormal = obj({
    dist: z.literal('lognormal'),
    median: duration({ gt: 0 }),
    p99: optionalDuration({ gt: 0 }),
    sigma: field<number | null>('a number > 0', (v) => (v === null ? { value: null } : checkNumber({ gt: 0 })(v)), null),
  }).superRefine((d, ctx) => {
    if (d.p99 === null && d.sigma === null) {
      ctx.addIssue({ code: 'custom', path: ['p99'], message: 'a duration > median, or `sigma:` instead' });
    } else if (d.p99 !== null && d.sigma !== null) {
      ctx.addIssue({ code: 'custom', path: ['sigma'], message: 'either p99 or sigma, not both' });
    } else if (d.p99 !== null && d.p99 <= d.median) {
      ctx.addIssue({ code: 'custom', path: ['p99'], message: `a duration > median (${d.median} s)` });
    }
  });
  const variants = {
    constant: obj({ dist: z.literal('constant'), value: duration({ min: 0 }) }),
    exponential: obj({ dist: z.literal('exponential'), mean: duration({ gt: 0 }) }),
    uniform: obj({ dist: z.literal('uniform'), min: duration({ min: 0 }), max: duration({ min: 0 }) }).superRefine((d, ctx) => {
      if (d.max < d.min) ctx.addIssue({ code: 'custom', path: ['max'], message: `a duration ≥ min (${d.min} s)` });
    }),
    lognormal,
    tokens: obj({
      dist: z.literal('tokens'),
      base: duration({ min: 0 }, 0),
      per_input_token: duration({ min: 0 }, 0),
      per_output_token: duration({ min: 0 }, 0),
    }),
  };
  const bare = (v: unknown): Checked<Dist> => {
    const r = checkDuration({ min: 0 })(v);
    if ('allowed' in r) {
      if (parseDuration(v) !== null) return { allowed: 'a duration ≥ 0 s' };
      const kinds = Object.keys(variants).filter((k) => k !== 'tokens' || !tokensRefusal);
      return { allowed: `a duration ≥ 0 s (a constant; ${DURATION_HINT}), or a mapping with \`dist:\` one of ${kinds.join(', ')}` };
    }
    return { value: { dist: 'constant', value: r.value } };
  };
  return tagged('dist', variants, {
    what: 'a duration (a constant) or a distribution',
    bare,
    refusedTags: tokensRefusal ? { tokens: tokensRefusal } : {},
  }).transform((d): Dist => {
    if (d.dist === 'lognormal' && 'p99' in d) {
      const sigma = d.sigma ?? Math.log(d.p99! / d.median) / Z99;
      return { dist: 'lognormal', median: d.median, sigma };
    }
    return d as Dist;
  });
}

function dist(dflt: Dist | null, tokensRefusal: string | null) {
  const schema = dists(tokensRefusal);
  if (dflt === null) return schema;
  return z.any().optional().transform((v, ctx): Dist => {
    if (v === undefined) return structuredClone(dflt);
    const r = schema.safeParse(v);
    if (r.success) return r.data;
    for (const issue of r.error.issues) ctx.addIssue(issue as never);
    return z.NEVER;
  });
}

const zero: Dist = { dist: 'constant', value: 0 };

// --- deployment -----------------------------------------------------------------------------

function healthChecks(ctx: SchemaContext) {
  const p = ctx.platform;
  const limits = p ? PLATFORM_LIMITS[p] : null;
  const note = p ? ` (${p})` : '';
  // baseten-2025's ranges are narrower than 2026's: its errors say where the value would be accepted.
  const wider = p === 'baseten-2025' ? PLATFORM_LIMITS['baseten-2026'] : null;
  const noteWith = (range: string) => (wider ? ` (baseten-2025; baseten-2026 accepts ${range}: set \`platform: baseten-2026\`)` : note);
  // With an invalid platform, accept what either platform would (the platform error is reported).
  const threshold = limits?.threshold ?? [10, 3000];
  const delay = limits?.delay ?? [0, 3000];
  const thresholdField = duration({ min: threshold[0], max: threshold[1], text: `${threshold[0]}–${threshold[1]}${wider ? noteWith(`${wider.threshold[0]}–${wider.threshold[1]}`) : note}` }, 1800);
  const startup =
    p === 'baseten-2025'
      ? refused('nothing under baseten-2025 (startup_threshold_seconds exists from baseten-2026: set `platform: baseten-2026`)')
      : duration({ min: 10, max: 3000, text: `10–3000${note}` }, p === 'baseten-2026' ? 1800 : null as never);
  return section({
    stop_traffic_threshold_seconds: thresholdField,
    restart_threshold_seconds: thresholdField,
    restart_check_delay_seconds: duration({ min: delay[0], max: delay[1], text: `${delay[0]}–${delay[1]}${wider ? noteWith(`${wider.delay[0]}–${wider.delay[1]}`) : note}` }, 0),
    startup_threshold_seconds: startup,
  }).superRefine((h, c) => {
    const max = limits?.delayPlusRestartMax ?? 3000;
    const sum = h.restart_check_delay_seconds + h.restart_threshold_seconds;
    if (sum > max) {
      c.addIssue({
        code: 'custom',
        path: ['restart_threshold_seconds'],
        params: { defaulted: h.restart_threshold_seconds },
        message: `restart_check_delay_seconds + restart_threshold_seconds ≤ ${max}${wider && sum <= wider.delayPlusRestartMax ? noteWith(`a sum up to ${wider.delayPlusRestartMax}`) : note}; here ${h.restart_check_delay_seconds} + ${h.restart_threshold_seconds} = ${sum}`,
      });
    }
  });
}

function autoscaling(ctx: SchemaContext) {
  const dev = ctx.environment === 'development';
  return section({
    min_replica: int({ min: 0 }, 0),
    max_replica: dev
      ? field('1', (v): Checked<number> => (v === 1 ? { value: 1 } : { allowed: '1 (development deployments run min 0 / max 1 replica)' }), 1)
      : int({ min: 1 }, 1),
    autoscaling_window: duration({ min: 10, max: 3600 }, 60),
    scale_down_delay: duration({ min: 0, max: 3600 }, 900),
    concurrency_target: int({ min: 1 }, 1),
    target_utilization_percentage: num({ min: 1, max: 100 }, 70),
    max_scale_down_rate: num({ min: 1, max: 50 }, 50),
    // The API's early-access field: accepted as returned; a value other than null is not simulated yet, and saying so beats ignoring it.
    target_in_flight_tokens: field<null>(
      'null (off)',
      (v): Checked<null> =>
        v === null ? { value: null } : { allowed: 'null (off): deploysim does not simulate token-based autoscaling yet; with a value the platform would scale on in-flight tokens, which this run could not show' },
      null,
    ),
  }).superRefine((a, c) => {
    if (a.max_replica < a.min_replica) {
      c.addIssue({ code: 'custom', path: ['max_replica'], message: `an integer ≥ min_replica (${a.min_replica})` });
    }
  }).transform(({ target_in_flight_tokens: _off, ...a }) => a);
}

/**
 * `type` is an accelerator (priced from the table, × `count` GPUs) or any instance name with a
 * `price_per_minute` for the whole instance. A type without a known price asks for the price.
 */
const instance = obj({
  type: field<string | null>(
    'an instance type',
    (v) => (typeof v === 'string' && v.trim() !== '' && v.length <= 100 ? { value: v } : { allowed: `an accelerator (${ACCELERATORS.join(', ')}) or an instance name` }),
    null,
  ),
  count: int({ min: 1 }, 1),
  price_per_minute: field<number | null>('a number ≥ 0', (v) => (v === null ? { value: null } : checkNumber({ min: 0 })(v)), null),
})
  .superRefine((i, c) => {
    if (i.price_per_minute !== null) return;
    if (i.type === null) {
      c.addIssue({ code: 'custom', path: ['type'], message: `one of ${Object.keys(ACCELERATOR_PRICES).join(', ')}, or price_per_minute: a number ≥ 0` });
      return;
    }
    const r = instancePrice({ type: i.type, count: i.count });
    if ('error' in r) c.addIssue({ code: 'custom', path: ['type'], message: r.error });
  })
  .transform((i) => {
    const r = i.price_per_minute !== null ? { price: i.price_per_minute } : instancePrice({ type: i.type!, count: i.count });
    return { type: i.type, count: i.count, price_per_minute: 'price' in r ? r.price : 0 };
  });

function isHealthy(ctx: SchemaContext) {
  if (ctx.environment === 'development') {
    return refused(`nothing in development deployments: "${DEV_HEALTH_CHECK_MESSAGE}"`);
  }
  const threshold = int({ min: 1 });
  return tagged(
    'rule',
    {
      error_count: obj({ rule: z.literal('error_count'), threshold }),
      error_window: obj({ rule: z.literal('error_window'), threshold, window: duration({ gt: 0 }) }),
      consecutive_errors: obj({ rule: z.literal('consecutive_errors'), threshold }),
      after_fault: obj({ rule: z.literal('after_fault'), fault: oneOf(FAULT_KINDS) }),
      latency: obj({
        rule: z.literal('latency'),
        quantile: num({ gt: 0, lt: 1 }),
        window: duration({ gt: 0 }),
        limit: duration({ gt: 0 }),
      }),
    },
    { what: 'a health rule' },
  )
    .nullable()
    .default(null);
}

function deployment(ctx: SchemaContext) {
  const tokensRefusal = ctx.firstNonTrace
    ? `tokens needs every traffic entry to be a trace; traffic.${ctx.firstNonTrace.index} is ${ctx.firstNonTrace.kind}`
    : null;
  return section({
    environment: oneOf(ENVIRONMENTS, 'production'),
    instance: instance.prefault({ type: 'H100', count: 1, price_per_minute: null }),
    truss_config: field<string | null>('a path to a truss config.yaml, relative to the scenario\'s folder', (v) => (typeof v === 'string' && v !== '' ? { value: v } : { allowed: 'a path to a truss config.yaml, relative to the scenario\'s folder' }), null),
    initial_state: oneOf(['cold', 'warm'] as const, 'cold'),
    initial_replicas: field<number | null>('an integer ≥ 0', (v) => (v === null ? { value: null } : checkNumber({ min: 0, int: true })(v)), null),
    runtime: section({
      predict_concurrency: int({ min: 1 }, 1),
      health_checks: healthChecks(ctx),
    }),
    autoscaling: autoscaling(ctx),
    startup: section({
      schedule: dist(zero, 'tokens is for service_time'),
      image_pull: dist(zero, 'tokens is for service_time'),
      load: dist(zero, 'tokens is for service_time'),
      load_failure_probability: num({ min: 0, max: 1 }, 0),
    }),
    service_time: dist({ dist: 'constant', value: 1 }, tokensRefusal),
    is_healthy: isHealthy(ctx),
  }).superRefine((d, c) => {
    const { min_replica: min, max_replica: max } = d.autoscaling;
    // With min > max the max_replica error says it all.
    if (d.initial_replicas !== null && min <= max && (d.initial_replicas < min || d.initial_replicas > max)) {
      c.addIssue({ code: 'custom', path: ['initial_replicas'], message: `an integer ${min}–${max} (min_replica–max_replica)` });
    }
  });
}

// --- traffic (SPEC §7) ----------------------------------------------------------------------

/**
 * Defaults where SPEC is silent: every process runs from `start` 0 to the end of the run; a
 * diurnal `period` is 1d and peaks at `peak_at` 0; a trace reads `time_column` TIMESTAMP at
 * `speedup` 1. Rates are ≥ 0 (a sweep may set one to 0) except `constant`, whose spacing is
 * 1/rate. Schedule steps must have strictly increasing `at` (two steps at one time is ambiguous).
 */
function traffic(ctx: SchemaContext) {
  const window = { start: duration({ min: 0 }, 0), end: optionalDuration({ min: 0 }) };
  const rate = num({ min: 0 });
  const baseDir = dirname(resolve(ctx.file));
  const trace = obj({
    kind: z.literal('trace'),
    ...window,
    file: field<string>('a path to a CSV trace, relative to the scenario\'s folder', (v) =>
      typeof v === 'string' && v !== '' ? { value: v } : { allowed: 'a path to a CSV trace, relative to the scenario\'s folder' },
    ),
    time_column: text('TIMESTAMP'),
    speedup: num({ gt: 0 }, 1),
  }).transform((t, c) => {
    const path = isAbsolute(t.file) ? t.file : resolve(baseDir, t.file);
    try {
      const loaded = loadTraceCsv(path, t.time_column);
      return { kind: 'trace' as const, start: t.start, end: t.end, file: t.file, speedup: t.speedup, rows: loaded.rows, hasTokens: loaded.hasTokens };
    } catch (e) {
      const why =
        e instanceof TraceCsvError
          ? `${path} ${e.message}`
          : (e as NodeJS.ErrnoException).code === 'ENOENT'
            ? `no such file: ${path}`
            : `cannot read ${path}: ${(e as Error).message}`;
      c.addIssue({ code: 'custom', path: ['file'], message: `a CSV trace (TIMESTAMP,ContextTokens,GeneratedTokens), relative to the scenario's folder; ${why}` });
      return z.NEVER;
    }
  });
  const entry = tagged(
    'kind',
    {
      poisson: obj({ kind: z.literal('poisson'), ...window, rate }),
      schedule: obj({
        kind: z.literal('schedule'),
        ...window,
        steps: list(obj({ at: duration({ min: 0 }), rate }), 'steps {at, rate}'),
      }).superRefine((s, c) => {
        if (s.steps.length === 0) c.addIssue({ code: 'custom', path: ['steps'], message: 'a non-empty list of steps {at, rate}' });
        for (let i = 1; i < s.steps.length; i++) {
          if (s.steps[i]!.at <= s.steps[i - 1]!.at) {
            c.addIssue({ code: 'custom', path: ['steps', i, 'at'], message: `a duration > the previous step's at (${s.steps[i - 1]!.at} s): steps sorted by at` });
          }
        }
      }),
      diurnal: obj({
        kind: z.literal('diurnal'),
        ...window,
        mean: num({ min: 0 }),
        amplitude: num({ min: 0 }),
        period: duration({ gt: 0 }, 86400),
        peak_at: duration({ min: 0 }, 0),
      }).superRefine((d, c) => {
        if (d.amplitude > d.mean) c.addIssue({ code: 'custom', path: ['amplitude'], message: `a number 0–${d.mean} (≤ mean, so the rate never goes negative)` });
      }),
      burst: obj({ kind: z.literal('burst'), ...window, at: duration({ min: 0 }), duration: duration({ gt: 0 }), rate }),
      constant: obj({ kind: z.literal('constant'), ...window, rate: num({ gt: 0 }) }),
      trace,
    },
    { what: 'a traffic process' },
  ).superRefine((t, c) => {
    if (t.end !== null && t.end <= t.start) c.addIssue({ code: 'custom', path: ['end'], message: `a duration > start (${t.start} s)` });
  });
  return list(entry, 'traffic processes').superRefine((l, c) => {
    if (l.length === 0) c.addIssue({ code: 'custom', message: `a non-empty list of traffic processes (kind: poisson, schedule, diurnal, burst, constant, trace)` });
  });
}

// --- faults (SPEC §7) -----------------------------------------------------------------------

const replicaTarget = field<FaultTarget>(
  'a replica index, random, all, or {fraction: 0–1}',
  (v): Checked<FaultTarget> => {
    const allowed = 'a replica index (an integer ≥ 0), random, all, or {fraction: 0–1}';
    if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? { value: { kind: 'index', index: v } } : { allowed };
    if (v === 'random' || v === 'all') return { value: { kind: v } };
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const keys = Object.keys(v);
      const f = (v as Record<string, unknown>).fraction;
      if (keys.length === 1 && typeof f === 'number' && f >= 0 && f <= 1) return { value: { kind: 'fraction', fraction: f } };
    }
    return { allowed };
  },
  { kind: 'all' },
);

/**
 * Defaults where SPEC is silent: `at` 0, `replica` all, single occurrence (`mtbf` none),
 * `duration` none (error_rate and slowdown last until the container restarts, crash_loop for
 * ever), slowdown `factor` 2. `probability` (error_rate) and `after` (crash_loop) are required:
 * there is no neutral guess. Keys that do not apply to a kind are unknown keys for it; in the
 * config they hold neutral values (probability 0, factor 1, after 0, duration null).
 */
function faults() {
  const common = { at: optionalDuration({ min: 0 }), mtbf: optionalDuration({ gt: 0 }), replica: replicaTarget };
  const lasting = { duration: optionalDuration({ gt: 0 }) };
  const entry = tagged(
    'kind',
    {
      cuda_error: obj({ kind: z.literal('cuda_error'), ...common }),
      error_rate: obj({ kind: z.literal('error_rate'), ...common, ...lasting, probability: num({ min: 0, max: 1 }) }),
      hang: obj({ kind: z.literal('hang'), ...common }),
      crash: obj({ kind: z.literal('crash'), ...common }),
      crash_loop: obj({ kind: z.literal('crash_loop'), ...common, ...lasting, after: duration({ gt: 0 }) }),
      slowdown: obj({ kind: z.literal('slowdown'), ...common, ...lasting, factor: num({ gt: 1 }, 2) }),
      preemption: obj({ kind: z.literal('preemption'), ...common }),
    },
    { what: 'a fault' },
  ).transform((f) => ({
    kind: f.kind,
    at: f.at,
    mtbf: f.mtbf,
    duration: 'duration' in f ? f.duration : null,
    probability: 'probability' in f ? f.probability : 0,
    factor: 'factor' in f ? f.factor : 1,
    after: 'after' in f ? f.after : 0,
    replica: f.replica,
  }));
  return list(entry, 'faults').prefault([]);
}

// --- the whole file -------------------------------------------------------------------------

/** One millisecond: the resolution of timers (probe timeouts, error latency, retry back-off). */
const MS = 0.001;

/**
 * The longest run: 366 days covers any capacity-planning horizon (a leap year), and at 3.2e7 s a
 * double still resolves 4 ns, far below the 1 ms timers. The work estimate bounds what a run does.
 */
export const MAX_DURATION = 366 * 86400;

/** `name:` names the run (and its output folder): a name, never a path. */
const NAME_ALLOWED = 'a name of 1–100 letters, digits, `-`, `_`, `.` (not `.` or `..`: a name, not a path)';
function isName(v: string): boolean {
  return /^[A-Za-z0-9._-]{1,100}$/.test(v) && v !== '.' && v !== '..';
}

export function scenarioSchema(ctx: SchemaContext, defaultName: string) {
  return obj({
    name: field<string>(NAME_ALLOWED, (v) => (typeof v === 'string' && isName(v) ? { value: v } : { allowed: NAME_ALLOWED }), defaultName),
    description: text(''),
    seed: int({ min: 0 }, 1),
    duration: duration({ gt: 0, max: MAX_DURATION, text: 'a duration > 0 s and ≤ 366 d' }, 3600),
    platform: oneOf(PLATFORMS, 'baseten-2026'),
    deployment: deployment(ctx),
    traffic: traffic(ctx),
    request: section({
      timeout: duration({ gt: 0 }, 600),
      retry: section({
        statuses: field<number[]>(
          'a list of HTTP statuses 400–599',
          (v) =>
            Array.isArray(v) && v.every((s) => Number.isInteger(s) && s >= 400 && s <= 599)
              ? { value: v as number[] }
              : { allowed: 'a list of HTTP statuses 400–599' },
          [502, 503, 504],
        ),
        // A back-off shorter than 1 ms retries in a tight loop (5e-324 s never advances the clock).
        initial: duration({ min: MS, text: 'a duration ≥ 1 ms' }, 0.5),
        multiplier: num({ min: 1 }, 1.5),
        max_interval: duration({ gt: 0 }, 60),
        max_total: duration({ min: 0 }, 900),
      }),
      max_queue: field<number | null>('an integer ≥ 0, or null (no limit)', (v) => (v === null ? { value: null } : checkNumber({ min: 0, int: true })(v)), null),
    }),
    faults: faults(),
    assumptions: section({
      // kubelet's smallest periodSeconds is 1 s; below it no platform probes.
      probe_period: duration({ min: 1, text: 'a duration ≥ 1 s (the smallest probe period Kubernetes allows)' }, 10),
      probe_timeout: duration({ min: MS, text: 'a duration ≥ 1 ms' }, 1),
      probe_phase: oneOf(['aligned', 'random'] as const, 'aligned'),
      // Knative's autoscaler ticks every 2 s; 1 s leaves room for a faster one.
      autoscaler_interval: duration({ min: 1, text: 'a duration ≥ 1 s (an autoscaler decides at most once a second)' }, 10),
      // Timers resolve to 1 ms: a shorter error is an instant one, written 0.
      error_latency: field<number>(
        `0 or a duration ≥ 1 ms (${DURATION_HINT})`,
        (v) => {
          const r = checkDuration({ min: 0 })(v);
          return 'value' in r && (r.value === 0 || r.value >= MS) ? r : { allowed: parseDuration(v) === null ? `0 or a duration ≥ 1 ms (${DURATION_HINT})` : '0 or a duration ≥ 1 ms' };
        },
        0.05,
      ),
      max_work: num({ min: 1 }, DEFAULT_MAX_WORK),
      max_in_flight: int({ min: 1 }, DEFAULT_MAX_IN_FLIGHT),
    }).superRefine((a, c) => {
      if (a.probe_timeout >= a.probe_period) {
        c.addIssue({ code: 'custom', path: ['probe_timeout'], message: `a duration ≥ 1 ms and < probe_period (${a.probe_period} s)` });
      }
    }),
    // Sampling finer than 100 ms gives rows no one reads; the work estimate counts them.
    output: section({ sample_interval: duration({ min: 0.1, text: 'a duration ≥ 100 ms' }, 10), requests: bool(false) }),
    explore: z.any().optional(),
    expect: z.any().optional(),
  });
}

export type ParsedScenario = z.output<ReturnType<typeof scenarioSchema>>;
export type ParsedTraffic = Traffic & { hasTokens?: boolean };
