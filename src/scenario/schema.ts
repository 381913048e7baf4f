/**
 * The scenario schema. Built per file, because what is allowed depends on other keys: the
 * platform picks the health-check ranges, a development deployment refuses custom health checks
 * and more than one replica, and the `tokens` service time needs every traffic entry to be a
 * trace. Relations between keys of one mapping (min ≤ max, p99 > median, ...) are refinements
 * on that mapping, each placed at the key a user would change.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_MAX_IN_FLIGHT, DEFAULT_MAX_WORK, DEFAULT_START_TIME, PLATFORM_LIMITS } from './limits.js';
import {
  FAULT_KINDS,
  type Dist,
  type Environment,
  type FaultTarget,
  type HealthRule,
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
  described,
  durationInput,
  type FieldMeta,
  checkNumber,
  type Checked,
} from './fields.js';
import { DURATION_HINT, parseDuration } from './duration.js';
import { loadTraceCsv, TraceCsvError } from './trace-csv.js';
import { autoscalerNames, DEFAULT_AUTOSCALER } from '../model/autoscaling/registry.js';
import { ACCELERATOR_PRICES, ACCELERATORS, instancePrice } from './accelerators.js';

/** z of 0.99 in a standard normal: p99 = median × exp(sigma × Z99). */
export const Z99 = 2.3263478740408408;

export const PLATFORMS = ['baseten-2025', 'baseten-2026'] as const satisfies readonly Platform[];
export const ENVIRONMENTS = ['production', 'development'] as const satisfies readonly Environment[];
/** Where a key comes from, for the reference (docs/scenario.md): the platform's documentation, or deploysim's own choice. */
export const SOURCES = {
  healthChecks: 'https://docs.baseten.co/development/model/health-checks',
  healthChecks2025: 'https://docs.baseten.co/development/model/custom-health-checks',
  autoscaling: 'https://docs.baseten.co/deploy/autoscaling',
  scaling: 'https://docs.baseten.co/deployment/manage/scaling',
  truss: 'truss config.yaml',
  kubernetes: 'Kubernetes (kubelet probe defaults)',
  deploysim: 'deploysim',
} as const;

/** Metadata for the reference and the JSON Schema; never read when validating. */
function doc<T extends z.ZodType>(schema: T, description: string, more: FieldMeta = {}): T {
  return described(schema, { description, source: SOURCES.deploysim, ...more });
}

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
    median: doc(duration({ gt: 0 }), 'The median (50th percentile).'),
    p99: doc(optionalDuration({ gt: 0 }), 'The 99th percentile, > median; or give `sigma` instead.'),
    sigma: doc(
      field<number | null>('a number > 0', (v) => (v === null ? { value: null } : checkNumber({ gt: 0 })(v)), null),
      'The standard deviation of the logarithm, instead of `p99` (p99 = median × exp(sigma × 2.326)).',
      { valueType: 'number or null', range: '> 0', input: { anyOf: [{ type: 'number', exclusiveMinimum: 0 }, { type: 'null' }] } },
    ),
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
    constant: obj({ dist: z.literal('constant'), value: doc(duration({ min: 0 }), 'Always this duration (the same as writing the bare duration).') }),
    exponential: obj({ dist: z.literal('exponential'), mean: doc(duration({ gt: 0 }), 'The mean.') }),
    uniform: obj({
      dist: z.literal('uniform'),
      min: doc(duration({ min: 0 }), 'The shortest duration.'),
      max: doc(duration({ min: 0 }), 'The longest duration, ≥ min.'),
    }).superRefine((d, ctx) => {
      if (d.max < d.min) ctx.addIssue({ code: 'custom', path: ['max'], message: `a duration ≥ min (${d.min} s)` });
    }),
    lognormal,
    tokens: obj({
      dist: z.literal('tokens'),
      base: doc(duration({ min: 0 }, 0), 'Fixed part of every request.'),
      per_input_token: doc(duration({ min: 0 }, 0), 'Added per prompt token (the trace\'s ContextTokens).'),
      per_output_token: doc(duration({ min: 0 }, 0), 'Added per generated token (the trace\'s GeneratedTokens).'),
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
    bareInput: durationInput({ min: 0 }),
    refusedTags: tokensRefusal ? { tokens: tokensRefusal } : {},
  }).meta({ docSection: 'distributions' }).transform((d): Dist => {
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
  const withDefault = z.any().optional().transform((v, ctx): Dist => {
    if (v === undefined) return structuredClone(dflt);
    const r = schema.safeParse(v);
    if (r.success) return r.data;
    for (const issue of r.error.issues) ctx.addIssue(issue as never);
    return z.NEVER;
  });
  return described(withDefault, {
    valueType: 'distribution',
    range: tokensRefusal ? `a duration ≥ 0 s, or a distribution other than tokens` : 'a duration ≥ 0 s, or a distribution',
    unit: 's',
    required: false,
    defaultValue: dflt.dist === 'constant' ? dflt.value : dflt,
    inputFrom: schema,
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
  const src = { source: p === 'baseten-2025' ? SOURCES.healthChecks2025 : SOURCES.healthChecks };
  // The reference prints a range without the error messages' platform note.
  const plain = (r: readonly [number, number]) => ({ range: `${r[0]}–${r[1]} s` });
  return section({
    stop_traffic_threshold_seconds: doc(
      thresholdField,
      'How long the readiness check must fail before traffic stops going to the replica (it is not restarted). Failures are counted at each probe tick: ⌈threshold / probe_period⌉ failed checks in a row.',
      { ...src, ...plain(threshold) },
    ),
    restart_threshold_seconds: doc(
      thresholdField,
      'How long the liveness check must fail before the container is restarted (load() runs again). Under baseten-2025, delay + restart threshold ≤ 1800 s; under baseten-2026, ≤ 3000 s.',
      { ...src, ...plain(threshold) },
    ),
    restart_check_delay_seconds: doc(
      duration({ min: delay[0], max: delay[1], text: `${delay[0]}–${delay[1]}${wider ? noteWith(`${wider.delay[0]}–${wider.delay[1]}`) : note}` }, 0),
      'How long after a container starts its checks begin. Under baseten-2025, checks fail while the model loads, so a slow load needs this delay; deprecated under baseten-2026 (a warning), where it still delays the first startup check.',
      { ...src, ...plain(delay) },
    ),
    startup_threshold_seconds: doc(
      startup,
      'baseten-2026: how long the startup probe waits for load() (and is_healthy) to succeed before the container is restarted; readiness and liveness checks begin only after it succeeds. Refused under baseten-2025 (null only).',
      { ...src, ...(p === 'baseten-2025' ? { range: 'null only (the key exists from baseten-2026)' } : plain([10, 3000])) },
    ),
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
  const src = { source: SOURCES.autoscaling };
  return section({
    min_replica: doc(int({ min: 0 }, 0), 'The fewest replicas; 0 lets the deployment scale to zero (the next request waits for a cold start).', { ...src, unit: 'replicas' }),
    max_replica: doc(
      dev
        ? field('1', (v): Checked<number> => (v === 1 ? { value: 1 } : { allowed: '1 (development deployments run min 0 / max 1 replica)' }), 1, {
            valueType: 'integer',
            range: '1 (development)',
            input: { const: 1 },
          })
        : int({ min: 1 }, 1),
      'The most replicas, ≥ min_replica. A development deployment runs at most 1.',
      { ...src, unit: 'replicas' },
    ),
    autoscaling_window: doc(duration({ min: 10, max: 3600 }, 60), 'The time over which in-flight requests are averaged for each decision.', src),
    scale_down_delay: doc(duration({ min: 0, max: 3600 }, 900), 'How long the load must stay low before replicas are removed.', src),
    concurrency_target: doc(int({ min: 1 }, 1), 'Requests in flight per replica the autoscaler aims for (with target_utilization_percentage).', { ...src, unit: 'requests' }),
    target_utilization_percentage: doc(num({ min: 1, max: 100 }, 70), 'Scale up when the average in flight per replica exceeds concurrency_target × this percentage: the headroom.', { ...src, unit: '%' }),
    max_scale_down_rate: doc(num({ min: 1, max: 50 }, 50), 'The largest share of replicas removed in one scale-down step.', { source: SOURCES.scaling, unit: '%' }),
    policy: doc(
      oneOf(autoscalerNames() as [string, ...string[]], DEFAULT_AUTOSCALER),
      'Which autoscaling policy decides: `baseten` (the platform\'s, the only one for now; others can sit beside it).',
      { source: SOURCES.deploysim },
    ),
    // The API's early-access token-based scaling (SPEC §13).
    target_in_flight_tokens: doc(
      field<number | null>(
        'an integer ≥ 1, or null (off)',
        (v): Checked<number | null> => (v === null ? { value: null } : checkNumber({ min: 1, int: true })(v)),
        null,
        { valueType: 'integer or null', range: '≥ 1, or null (off)', input: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] } },
      ),
      'Early access: scale on in-flight tokens instead of requests: desired = ceil(time-weighted in-flight tokens (context + generated) / (this × utilization)). Routing is unchanged. Needs token columns in every traffic entry; null = off.',
      { ...src, unit: 'tokens' },
    ),
  }).superRefine((a, c) => {
    if (a.max_replica < a.min_replica) {
      c.addIssue({ code: 'custom', path: ['max_replica'], message: `an integer ≥ min_replica (${a.min_replica})` });
    }
  })
    // The default policy and tokens off are left out of the config, so it reads as before they existed.
    .transform(({ target_in_flight_tokens: tokens, policy, ...a }) => ({
      ...a,
      ...(tokens === null ? {} : { target_in_flight_tokens: tokens }),
      ...(policy === DEFAULT_AUTOSCALER ? {} : { policy }),
    }))
    .meta({
      description:
        'The autoscaler. Also accepts the platform API\'s `autoscaling_settings` object as returned: bare or wrapped in `{autoscaling_settings: ...}`, with null for the platform default; inside the wrapper a field deploysim does not model is a warning.',
      source: SOURCES.autoscaling,
      apiSettings: true,
    });
}

/**
 * `type` is an accelerator (priced from the table, × `count` GPUs) or any instance name with a
 * `price_per_minute` for the whole instance. A type without a known price asks for the price.
 */
const instance = obj({
  type: doc(
    field<string | null>(
      'an instance type',
      (v) => (typeof v === 'string' && v.trim() !== '' && v.length <= 100 ? { value: v } : { allowed: `an accelerator (${ACCELERATORS.join(', ')}) or an instance name` }),
      null,
      { valueType: 'string', range: `an accelerator (${ACCELERATORS.join(', ')}) or any instance name with price_per_minute`, input: { type: 'string', minLength: 1, maxLength: 100 } },
    ),
    'The accelerator each replica runs on, priced from deploysim\'s table, or any instance name with `price_per_minute`. With `truss_config`, read from `resources.accelerator` (`H100:2`: type H100, count 2).',
    { defaultValue: 'H100', source: SOURCES.truss },
  ),
  count: doc(int({ min: 1 }, 1), 'GPUs per replica; the price is the accelerator\'s × count.', { source: SOURCES.truss, unit: 'GPUs' }),
  price_per_minute: doc(
    field<number | null>('a number ≥ 0', (v) => (v === null ? { value: null } : checkNumber({ min: 0 })(v)), null, {
      valueType: 'number or null',
      range: '≥ 0',
      input: { anyOf: [{ type: 'number', minimum: 0 }, { type: 'null' }] },
    }),
    'The price of one replica (the whole instance) per minute; null = from the price table (type × count).',
    { unit: '$/min' },
  ),
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
  const threshold = doc(int({ min: 1 }), 'Unhealthy from this many errors on.', { unit: 'errors' });
  // In a chain (SPEC §12): `own` counts only the 500s the chainlet raised, not those its dependencies propagated.
  const errors = doc(oneOf(['all', 'own'] as const, 'all'), 'Which 500s count: all that predict() returned, or only the chainlet\'s own (not those propagated from a dependency).', {
    source: SOURCES.deploysim,
  });
  return tagged(
    'rule',
    {
      error_count: obj({ rule: z.literal('error_count'), threshold, errors }),
      error_window: obj({ rule: z.literal('error_window'), threshold, errors, window: doc(duration({ gt: 0 }), 'Only 5xx responses of the last `window` count.') }),
      consecutive_errors: obj({ rule: z.literal('consecutive_errors'), threshold, errors }),
      after_fault: obj({ rule: z.literal('after_fault'), fault: doc(oneOf(FAULT_KINDS), 'Unhealthy once the container has suffered this fault (sticky until it restarts).') }),
      latency: obj({
        rule: z.literal('latency'),
        quantile: doc(num({ gt: 0, lt: 1 }), 'Which latency quantile of the window is compared with `limit` (0.99 = p99).'),
        window: doc(duration({ gt: 0 }), 'The responses of the last `window` count.'),
        limit: doc(duration({ gt: 0 }), 'Unhealthy when the quantile exceeds this.'),
      }),
    },
    { what: 'a health rule' },
  )
    .transform((r) => ('errors' in r && r.errors === 'all' ? (({ errors: _all, ...rest }) => rest)(r) : r) as HealthRule)
    .nullable()
    .default(null);
}

/** The keys of `deployment:` (also every chainlet's, SPEC §12). */
export function deploymentSchema(ctx: SchemaContext) {
  return deployment(ctx);
}

function deployment(ctx: SchemaContext) {
  const tokensRefusal = ctx.firstNonTrace
    ? `tokens needs every traffic entry to be a trace; traffic.${ctx.firstNonTrace.index} is ${ctx.firstNonTrace.kind}`
    : null;
  return section({
    environment: doc(
      oneOf(ENVIRONMENTS, 'production'),
      'A development deployment runs min 0 / max 1 replica and refuses custom health checks (`is_healthy`).',
      { source: SOURCES.healthChecks2025 },
    ),
    instance: doc(instance.prefault({ type: 'H100', count: 1, price_per_minute: null }), 'The instance each replica runs on, and its price.'),
    truss_config: doc(
      field<string | null>(
        'a path to a truss config.yaml, relative to the scenario\'s folder',
        (v) => (typeof v === 'string' && v !== '' ? { value: v } : { allowed: 'a path to a truss config.yaml, relative to the scenario\'s folder' }),
        null,
        { valueType: 'path', range: '', input: { type: 'string', minLength: 1 } },
      ),
      'Your truss config.yaml (relative to the scenario\'s folder): its health checks, predict_concurrency, resources.accelerator and model_name are read; a key written in the scenario wins, leaf by leaf.',
    ),
    initial_state: doc(oneOf(['cold', 'warm'] as const, 'cold'), 'cold: the initial replicas start by scheduling, pulling and loading; warm: they are routable at t = 0.'),
    initial_replicas: doc(
      field<number | null>('an integer ≥ 0', (v) => (v === null ? { value: null } : checkNumber({ min: 0, int: true })(v)), null, {
        valueType: 'integer or null',
        range: 'min_replica–max_replica',
        input: { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'null' }] },
      }),
      'Replicas at t = 0; null = max(1, min_replica).',
      { unit: 'replicas' },
    ),
    runtime: section({
      predict_concurrency: doc(int({ min: 1 }, 1), 'Requests one replica serves at once; more wait inside it for a slot.', { source: SOURCES.truss, unit: 'requests' }),
      health_checks: doc(healthChecks(ctx), 'The platform\'s health-check thresholds (truss `runtime.health_checks`). Probes tick every assumptions.probe_period.', {
        source: ctx.platform === 'baseten-2025' ? SOURCES.healthChecks2025 : SOURCES.healthChecks,
      }),
    }),
    autoscaling: autoscaling(ctx),
    startup: section({
      schedule: doc(dist(zero, 'tokens is for service_time'), 'Time to schedule a new replica on a node (not billed).'),
      image_pull: doc(dist(zero, 'tokens is for service_time'), 'Time to pull the image (not billed).'),
      load: doc(dist(zero, 'tokens is for service_time'), 'Time load() takes (billed); runs again after every restart.'),
      load_failure_probability: doc(num({ min: 0, max: 1 }, 0), 'Probability that a load fails (the container restarts, with CrashLoopBackOff).'),
    }),
    service_time: doc(
      dist({ dist: 'constant', value: 1 }, tokensRefusal),
      'Time predict() takes per request, drawn at arrival and kept across retries. `dist: tokens` needs every traffic entry to be a trace.',
    ),
    is_healthy: doc(
      isHealthy(ctx),
      'What a custom is_healthy() reports, from what the container saw; null = healthy while it responds. Refused in development deployments.',
      { defaultValue: null },
    ),
  }).superRefine((d, c) => {
    const { min_replica: min, max_replica: max } = d.autoscaling;
    // With min > max the max_replica error says it all.
    if (d.initial_replicas !== null && min <= max && (d.initial_replicas < min || d.initial_replicas > max)) {
      c.addIssue({ code: 'custom', path: ['initial_replicas'], message: `an integer ${min}–${max} (min_replica–max_replica)` });
    }
  });
}

// --- the start instant (SPEC §13) ------------------------------------------------------------

/** `YYYY-MM-DDThh:mm[:ss[.fff]]` and its zone, `Z` or ±hh:mm (no local times: the logs are in UTC). */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-](\d{2}):(\d{2}))$/;
const INSTANT_TEXT = 'an ISO 8601 date-time with its zone, such as 2026-01-01T00:00:00Z';

/** A date-time that exists: the pattern, and a day within its month (Date.parse would roll Feb 30 over). */
function checkInstant(v: unknown): Checked<string> {
  const m = typeof v === 'string' ? INSTANT.exec(v) : null;
  if (!m) return { allowed: INSTANT_TEXT };
  const [y, mo, d, h, mi, sec, oh, om] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x))) as number[];
  const days = new Date(0);
  days.setUTCFullYear(y!, mo!, 0); // day 0 of the next month: the last day of this one
  const ok = mo! >= 1 && mo! <= 12 && d! >= 1 && d! <= days.getUTCDate() && h! <= 23 && mi! <= 59 && sec! <= 59 && oh! <= 23 && om! <= 59;
  return ok ? { value: v as string } : { allowed: INSTANT_TEXT };
}

// --- traffic (SPEC §7) ----------------------------------------------------------------------

/**
 * Defaults where SPEC is silent: every process runs from `start` 0 to the end of the run; a
 * diurnal `period` is 1d and peaks at `peak_at` 0; a trace reads `time_column` TIMESTAMP at
 * `speedup` 1. Rates are ≥ 0 (a sweep may set one to 0) except `constant`, whose spacing is
 * 1/rate. Schedule steps must have strictly increasing `at` (two steps at one time is ambiguous).
 */
function traffic(ctx: SchemaContext) {
  const window = {
    start: doc(duration({ min: 0 }, 0), 'When the process starts, from the start of the run.'),
    end: doc(optionalDuration({ min: 0 }), 'When it stops (> start); null = at the end of the run.'),
  };
  const rate = doc(num({ min: 0 }), 'Mean arrivals per second.', { unit: 'requests/s' });
  const baseDir = dirname(resolve(ctx.file));
  const trace = obj({
    kind: z.literal('trace'),
    ...window,
    file: doc(
      field<string>(
        'a path to a CSV trace, relative to the scenario\'s folder',
        (v) => (typeof v === 'string' && v !== '' ? { value: v } : { allowed: 'a path to a CSV trace, relative to the scenario\'s folder' }),
        undefined,
        { valueType: 'path', range: '', input: { type: 'string', minLength: 1 } },
      ),
      'A CSV trace (TIMESTAMP,ContextTokens,GeneratedTokens, as the Azure LLM inference traces), relative to the scenario\'s folder: one arrival per row.',
    ),
    time_column: doc(text('TIMESTAMP'), 'The column holding each arrival\'s time.'),
    speedup: doc(num({ gt: 0 }, 1), 'Replay this many times faster (2 = half the gaps).'),
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
  const entryTagged = tagged(
    'kind',
    {
      poisson: obj({ kind: z.literal('poisson'), ...window, rate }),
      schedule: obj({
        kind: z.literal('schedule'),
        ...window,
        steps: doc(
          list(obj({ at: doc(duration({ min: 0 }), 'When this rate begins.'), rate }), 'steps {at, rate}'),
          'Piecewise-constant Poisson rate: a non-empty list of {at, rate}, sorted by at; the rate before the first step is 0.',
          { valueType: 'list of {at, rate}' },
        ),
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
        mean: doc(num({ min: 0 }), 'Mean arrivals per second over a period.', { unit: 'requests/s' }),
        amplitude: doc(num({ min: 0 }), 'Half the swing: the rate goes from mean − amplitude to mean + amplitude (≤ mean).', { unit: 'requests/s' }),
        period: doc(duration({ gt: 0 }, 86400), 'Length of one cycle (a sinusoid).'),
        peak_at: doc(duration({ min: 0 }, 0), 'When in the cycle the rate peaks.'),
      }).superRefine((d, c) => {
        if (d.amplitude > d.mean) c.addIssue({ code: 'custom', path: ['amplitude'], message: `a number 0–${d.mean} (≤ mean, so the rate never goes negative)` });
      }),
      burst: obj({
        kind: z.literal('burst'),
        ...window,
        at: doc(duration({ min: 0 }), 'When the burst begins.'),
        duration: doc(duration({ gt: 0 }), 'How long it lasts.'),
        rate,
      }),
      constant: obj({ kind: z.literal('constant'), ...window, rate: doc(num({ gt: 0 }), 'Arrivals per second, evenly spaced (1/rate apart).', { unit: 'requests/s' }) }),
      trace,
    },
    { what: 'a traffic process' },
  );
  // A refinement is a new schema: the tagged union's metadata is carried over for the reference.
  const entry = described(
    entryTagged.superRefine((t, c) => {
      if (t.end !== null && t.end <= t.start) c.addIssue({ code: 'custom', path: ['end'], message: `a duration > start (${t.start} s)` });
    }),
    { ...(entryTagged.meta() as FieldMeta), docSection: 'traffic' },
  );
  return list(entry, 'traffic processes')
    .superRefine((l, c) => {
      if (l.length === 0) c.addIssue({ code: 'custom', message: `a non-empty list of traffic processes (kind: poisson, schedule, diurnal, burst, constant, trace)` });
    })
    .meta({ minItems: 1 });
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
  {
    valueType: 'index, random, all, or {fraction}',
    range: 'an integer ≥ 0, random, all, or {fraction: 0–1}',
    defaultValue: 'all',
    input: {
      anyOf: [
        { type: 'integer', minimum: 0 },
        { enum: ['random', 'all'] },
        { type: 'object', properties: { fraction: { type: 'number', minimum: 0, maximum: 1 } }, required: ['fraction'], additionalProperties: false },
      ],
    },
  },
);

/**
 * Defaults where SPEC is silent: `at` 0, `replica` all, single occurrence (`mtbf` none),
 * `duration` none (error_rate and slowdown last until the container restarts, crash_loop for
 * ever), slowdown `factor` 2. `probability` (error_rate) and `after` (crash_loop) are required:
 * there is no neutral guess. Keys that do not apply to a kind are unknown keys for it; in the
 * config they hold neutral values (probability 0, factor 1, after 0, duration null).
 */
function faults() {
  const common = {
    at: doc(optionalDuration({ min: 0 }), 'When the fault strikes (the first time, with mtbf). Not written: at 0 for a single fault; for a recurring one, at an exponential draw (it does not fire at t = 0).'),
    mtbf: doc(optionalDuration({ gt: 0 }), 'Mean time between failures: the fault recurs after exponential gaps of this mean; null = once.'),
    chainlet: doc(
      field<string | null>('a chainlet name', (v) => (typeof v === 'string' && v !== '' ? { value: v } : { allowed: 'a chainlet name' }), null, {
        valueType: 'name',
        range: '',
        input: { type: 'string', minLength: 1 },
      }),
      'In a chain: the chainlet whose replicas the fault targets (required there).',
      { source: SOURCES.deploysim },
    ),
    replica: doc(
      replicaTarget,
      'Which replica: an index (in creation order), random (one, drawn at each occurrence), all, or {fraction: f} (that share of the replicas).',
    ),
  };
  const lasting = { duration: doc(optionalDuration({ gt: 0 }), 'How long each occurrence lasts; null = until the container restarts (crash_loop: for ever).') };
  const entry = tagged(
    'kind',
    {
      cuda_error: obj({ kind: z.literal('cuda_error'), ...common }),
      error_rate: obj({ kind: z.literal('error_rate'), ...common, ...lasting, probability: doc(num({ min: 0, max: 1 }), 'Probability that a request the container starts fails with 500.') }),
      hang: obj({ kind: z.literal('hang'), ...common }),
      crash: obj({ kind: z.literal('crash'), ...common }),
      crash_loop: obj({ kind: z.literal('crash_loop'), ...common, ...lasting, after: doc(duration({ gt: 0 }), 'Each container started while the fault is in force crashes this long after it starts.') }),
      slowdown: obj({ kind: z.literal('slowdown'), ...common, ...lasting, factor: doc(num({ gt: 1 }, 2), 'Service time multiplier for requests that start during it.') }),
      preemption: obj({ kind: z.literal('preemption'), ...common }),
    },
    { what: 'a fault' },
  ).meta({ docSection: 'faults' }).transform((f) => ({
    kind: f.kind,
    at: f.at,
    mtbf: f.mtbf,
    duration: 'duration' in f ? f.duration : null,
    probability: 'probability' in f ? f.probability : 0,
    factor: 'factor' in f ? f.factor : 1,
    after: 'after' in f ? f.after : 0,
    replica: f.replica,
    ...(f.chainlet !== null ? { chainlet: f.chainlet } : {}),
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
    name: doc(
      field<string>(NAME_ALLOWED, (v) => (typeof v === 'string' && isName(v) ? { value: v } : { allowed: NAME_ALLOWED }), defaultName, {
        valueType: 'name',
        range: '1–100 letters, digits, `-`, `_`, `.`',
        input: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,100}$', not: { enum: ['.', '..'] } },
      }),
      'Names the run and its output folder (reports/<name>/). Default: the truss file\'s model_name, else the file name without .yaml.',
      { defaultValue: '(file name)' },
    ),
    description: doc(text(''), 'One line saying what the scenario shows; printed in the report.'),
    seed: doc(int({ min: 0 }, 1), 'Seeds every random stream: the same file and seed give the same run. Written in decimal digits.'),
    duration: doc(duration({ gt: 0, max: MAX_DURATION, text: 'a duration > 0 s and ≤ 366 d' }, 3600), 'Simulated time of the run.', { range: '> 0 s and ≤ 366 d' }),
    platform: doc(
      oneOf(PLATFORMS, 'baseten-2026'),
      'The platform profile: baseten-2026 (health checks as documented today, with the startup probe) or baseten-2025 (the earlier health-check page: narrower ranges, checks fail while loading).',
      { source: SOURCES.healthChecks },
    ),
    deployment: doc(deployment(ctx), 'The deployment: instance, runtime, autoscaling, startup and service times.'),
    traffic: doc(traffic(ctx), 'The arrival processes, a non-empty list; their arrivals add up.', { valueType: 'list of traffic processes', docSection: 'traffic' }),
    request: section({
      timeout: doc(duration({ gt: 0 }, 600), 'Per attempt, from when it enters the router queue: still queued → 500 (not retried); dispatched and not finished → 504 (retried).'),
      retry: section({
        statuses: doc(
          field<number[]>(
            'a list of HTTP statuses 400–599',
            (v) =>
              Array.isArray(v) && v.every((s) => Number.isInteger(s) && s >= 400 && s <= 599)
                ? { value: v as number[] }
                : { allowed: 'a list of HTTP statuses 400–599' },
            [502, 503, 504],
            { valueType: 'list of integers', range: 'each 400–599', input: { type: 'array', items: { type: 'integer', minimum: 400, maximum: 599 } } },
          ),
          'Responses the router retries.',
        ),
        // A back-off shorter than 1 ms retries in a tight loop (5e-324 s never advances the clock).
        initial: doc(duration({ min: MS, text: 'a duration ≥ 1 ms' }, 0.5), 'The first back-off before a retry.', { range: '≥ 1 ms' }),
        multiplier: doc(num({ min: 1 }, 1.5), 'Each back-off is the previous × this.'),
        max_interval: doc(duration({ gt: 0 }, 60), 'The longest back-off.'),
        max_total: doc(duration({ min: 0 }, 900), 'No retry starts later than this after the first arrival.'),
      }),
      max_queue: doc(
        field<number | null>('an integer ≥ 0, or null (no limit)', (v) => (v === null ? { value: null } : checkNumber({ min: 0, int: true })(v)), null, {
          valueType: 'integer or null',
          range: '≥ 0, or null (no limit)',
          input: { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'null' }] },
        }),
        'Longest router queue: an arrival that would have to wait beyond it is shed with 429.',
        { unit: 'requests' },
      ),
    }),
    faults: doc(faults(), 'Faults injected into replicas; see the fault semantics below.', { valueType: 'list of faults', docSection: 'faults', defaultValue: [] }),
    assumptions: section({
      // kubelet's smallest periodSeconds is 1 s; below it no platform probes.
      probe_period: doc(duration({ min: 1, text: 'a duration ≥ 1 s (the smallest probe period Kubernetes allows)' }, 10), 'Time between health checks (the platform runs them every 10 s).', {
        source: SOURCES.healthChecks,
        range: '≥ 1 s',
      }),
      probe_timeout: doc(duration({ min: MS, text: 'a duration ≥ 1 ms' }, 1), 'A check not answered within this fails (a hung process); < probe_period.', { source: SOURCES.kubernetes, range: '≥ 1 ms and < probe_period' }),
      probe_phase: doc(oneOf(['aligned', 'random'] as const, 'aligned'), 'aligned: every container\'s checks tick at multiples of probe_period; random: each container gets its own offset.'),
      // Knative's autoscaler ticks every 2 s; 1 s leaves room for a faster one.
      autoscaler_interval: doc(duration({ min: 1, text: 'a duration ≥ 1 s (an autoscaler decides at most once a second)' }, 10), 'Time between autoscaler decisions.', { range: '≥ 1 s' }),
      // Timers resolve to 1 ms: a shorter error is an instant one, written 0.
      error_latency: doc(
        field<number>(
          `0 or a duration ≥ 1 ms (${DURATION_HINT})`,
          (v) => {
            const r = checkDuration({ min: 0 })(v);
            return 'value' in r && (r.value === 0 || r.value >= MS) ? r : { allowed: parseDuration(v) === null ? `0 or a duration ≥ 1 ms (${DURATION_HINT})` : '0 or a duration ≥ 1 ms' };
          },
          0.05,
          { valueType: 'duration', unit: 's', range: '0, or ≥ 1 ms', input: durationInput({ min: 0 }) },
        ),
        'How long a failing request (cuda_error, error_rate) takes to answer 500.',
      ),
      max_work: doc(num({ min: 1 }, DEFAULT_MAX_WORK), 'Refuse, before running, a scenario whose estimated events (arrivals, samples, probe ticks, decisions, faults) exceed this.', { unit: 'events' }),
      max_in_flight: doc(int({ min: 1 }, DEFAULT_MAX_IN_FLIGHT), 'Stop the run (overload) when more requests than this are in flight at once.', { unit: 'requests' }),
      start_time: doc(
        field<string>(INSTANT_TEXT, checkInstant, DEFAULT_START_TIME, { valueType: 'date-time', range: 'ISO 8601, with Z or ±hh:mm', input: { type: 'string', pattern: INSTANT.source } }),
        'The wall-clock time of t = 0: logs.txt stamps its lines from it (in UTC). Changes nothing else.',
      ),
    }).superRefine((a, c) => {
      if (a.probe_timeout >= a.probe_period) {
        c.addIssue({ code: 'custom', path: ['probe_timeout'], message: `a duration ≥ 1 ms and < probe_period (${a.probe_period} s)` });
      }
    }),
    // Sampling finer than 100 ms gives rows no one reads; the work estimate counts them.
    output: section({
      sample_interval: doc(duration({ min: 0.1, text: 'a duration ≥ 100 ms' }, 10), 'Time between rows of timeline.csv.', { range: '≥ 100 ms' }),
      requests: doc(bool(false), 'Also write requests.csv, one row per request.'),
    }),
    chain: doc(
      z.any().optional().meta({ valueType: 'mapping', range: '', input: { type: 'object', required: ['entrypoint', 'chainlets'], properties: { entrypoint: { type: 'string' }, chainlets: { type: 'object', additionalProperties: { type: 'object' } } } } }),
      'A Chain of chainlets instead of `deployment:`: `entrypoint` (where traffic enters) and `chainlets` (each takes every key of `deployment:`, plus `steps` and `depends`). See "Chains" below.',
      { source: SOURCES.deploysim },
    ),
    explore: doc(z.any().optional(), 'For `deploysim check`: key paths → ranges or choices to explore (docs/check.md). Ignored by run.', {
      valueType: 'mapping',
      required: false,
      input: { type: 'object' },
    }),
    expect: doc(z.any().optional(), 'For `deploysim check`: assertions on the run\'s summary (docs/check.md). Ignored by run.', {
      valueType: 'list of strings',
      required: false,
      input: { type: 'array', items: { type: 'string' } },
    }),
  });
}

export type ParsedScenario = z.output<ReturnType<typeof scenarioSchema>>;
export type ParsedTraffic = Traffic & { hasTokens?: boolean };
