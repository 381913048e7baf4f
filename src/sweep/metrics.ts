/**
 * The per-run numbers a sweep keeps from a Summary (SPEC §9). One run = one record of these;
 * everything downstream (CSV, statistics, chart) reads only this, never the Summary.
 */
import type { ChainSummary, Summary } from '../model/summary.js';

export const METRICS = [
  'arrived',
  'failed_requests',
  'availability',
  'latency_p50_s',
  'latency_p99_s',
  'queue_wait_mean_s',
  'restarts',
  'traffic_stops',
  'fault_to_stop_s',
  'cold_starts',
  'billed_minutes',
  'cost',
  'minutes_not_serving',
  'latency_all_p99_s',
  'mid_load_kills',
  'restart_streak_max',
  'faults_missed',
] as const;

export type MetricName = (typeof METRICS)[number];

/** The metrics folded from the event and request streams (src/sweep/health.ts). */
export const HEALTH_METRICS = ['latency_all_p99_s', 'mid_load_kills', 'restart_streak_max', 'faults_missed'] as const;
export type HealthMetricName = (typeof HEALTH_METRICS)[number];

/**
 * One run's numbers. The health metrics are optional: an executor that does not fold the streams
 * (a test fake) leaves them out, and they read as not measured (never as 0).
 */
export type Metrics = Record<Exclude<MetricName, HealthMetricName>, number | null> &
  Partial<Record<HealthMetricName, number | null>> & {
    /** A chain's run (SPEC §12): `chain.<metric>` and `<chainlet>.<metric>` too (see chainMetricsOf). */
    [key: string]: number | null | undefined;
  };

/**
 * A metric of a sweep, by name: one of METRICS (the top-level summary: a chain's entrypoint view
 * with the whole chain's billing), `chain.<one of CHAIN_METRICS>`, or `<chainlet>.<one of METRICS>`.
 */
export type MetricKey = string;

/**
 * The chain's own metrics (`chain.cost`, ...): the entrypoint's requests and latencies (what a
 * client of the chain sees) and the billing summed over every chainlet, as summary.json's `chain`
 * holds them; then the replica and health counts summed over the chainlets (restart_streak_max:
 * the longest over them).
 */
export const CHAIN_METRICS = [
  'arrived',
  'failed_requests',
  'availability',
  'latency_p50_s',
  'latency_p99_s',
  'billed_minutes',
  'cost',
  'minutes_not_serving',
  'restarts',
  'traffic_stops',
  'cold_starts',
  'mid_load_kills',
  'restart_streak_max',
  'faults_missed',
] as const satisfies readonly MetricName[];

/** The prefix of the chain's own metrics; a chainlet with that name has no metrics of its own in a sweep. */
export const CHAIN_PREFIX = 'chain';

/** Which way is better, for --require hints and the chart's captions. */
export const LOWER_IS_BETTER: Readonly<Record<MetricName, boolean | null>> = {
  arrived: null,
  failed_requests: true,
  availability: false,
  latency_p50_s: true,
  latency_p99_s: true,
  queue_wait_mean_s: true,
  restarts: true,
  traffic_stops: null,
  fault_to_stop_s: true,
  cold_starts: true,
  billed_minutes: true,
  cost: true,
  minutes_not_serving: true,
  latency_all_p99_s: true,
  mid_load_kills: true,
  restart_streak_max: true,
  faults_missed: true,
};

/**
 * What each metric means, in one line (the page's captions and the docs). The last four are
 * folded from the run's event and request streams in src/sweep/health.ts.
 */
export const METRIC_NOTES: Readonly<Record<MetricName, string>> = {
  arrived: 'requests that arrived',
  failed_requests: 'requests that failed',
  availability: 'succeeded / finished',
  latency_p50_s: 'median latency of succeeded requests (s)',
  latency_p99_s: 'p99 latency of succeeded requests (s)',
  queue_wait_mean_s: 'mean queue wait (s)',
  restarts: 'container restarts',
  traffic_stops: 'traffic stops',
  fault_to_stop_s: 'fault to traffic stop (s)',
  cold_starts: 'cold starts',
  billed_minutes: 'billed minutes',
  cost: 'cost ($)',
  minutes_not_serving: 'billed minutes not serving',
  latency_all_p99_s: 'p99 latency of every finished request, failed included (s)',
  mid_load_kills: 'liveness or startup restarts of a container still loading',
  restart_streak_max: 'longest run of restarts of one replica without it becoming routable',
  faults_missed: 'fault occurrences that hit nothing (their replica was gone or had no container)',
};

export function isMetric(name: string): name is MetricName {
  return (METRICS as readonly string[]).includes(name);
}

/** `LLM.cost` → { scope: 'LLM', base: 'cost' }; `cost` → { scope: null, base: 'cost' }. */
export function splitMetric(key: MetricKey): { scope: string | null; base: string } {
  const dot = key.lastIndexOf('.');
  return dot < 0 ? { scope: null, base: key } : { scope: key.slice(0, dot), base: key.slice(dot + 1) };
}

/** The metric a key measures, for directions and notes (`LLM.cost` → `cost`); null for an unknown one. */
export function baseMetric(key: MetricKey): MetricName | null {
  const { scope, base } = splitMetric(key);
  if (!isMetric(base)) return null;
  if (scope === CHAIN_PREFIX && !(CHAIN_METRICS as readonly string[]).includes(base)) return null;
  return base;
}

export function lowerIsBetter(key: MetricKey): boolean | null {
  const b = baseMetric(key);
  return b === null ? null : LOWER_IS_BETTER[b];
}

export function metricNote(key: MetricKey): string {
  const { scope } = splitMetric(key);
  const b = baseMetric(key);
  if (b === null) return '';
  if (scope === null) return METRIC_NOTES[b];
  if (scope === CHAIN_PREFIX) return `the chain: ${CHAIN_NOTES[b] ?? METRIC_NOTES[b]}`;
  return `chainlet ${scope}: ${METRIC_NOTES[b]}`;
}

const CHAIN_NOTES: Partial<Record<MetricName, string>> = {
  arrived: "requests that arrived at the entrypoint",
  failed_requests: "entrypoint requests that failed",
  availability: 'entrypoint requests: succeeded / finished',
  billed_minutes: 'billed minutes of every chainlet',
  cost: 'cost of every chainlet ($)',
  minutes_not_serving: 'billed minutes not serving, every chainlet',
  restarts: 'container restarts, every chainlet',
  traffic_stops: 'traffic stops, every chainlet',
  cold_starts: 'cold starts, every chainlet',
  mid_load_kills: 'restarts of a container still loading, every chainlet',
  restart_streak_max: 'longest restart streak of one replica of any chainlet',
  faults_missed: 'fault occurrences that hit nothing, every chainlet',
};

/**
 * The metrics a sweep of these configs measures: METRICS, then for a chain `chain.*` and each
 * chainlet's `NAME.*` in the file's order (a chainlet named `chain` is left out: its names would be
 * the chain's). `chainlets` are the chainlet names of every chain config given, in first-seen order.
 */
export function metricKeysFor(chainlets: readonly string[]): MetricKey[] {
  if (chainlets.length === 0) return [...METRICS];
  const own = chainlets.filter((n) => n !== CHAIN_PREFIX);
  return [...METRICS, ...CHAIN_METRICS.map((m) => `${CHAIN_PREFIX}.${m}`), ...own.flatMap((n) => METRICS.map((m) => `${n}.${m}`))];
}

/**
 * The metric keys of a sweep's records, in a fixed order: METRICS, then the other keys in the
 * order the records (sorted by variant and seed) first show them. A single-deployment sweep has
 * METRICS only.
 */
export function metricKeysOf(records: readonly { variant: number; seed: number; metrics: Metrics }[]): MetricKey[] {
  const keys = new Set<string>(METRICS);
  const sorted = [...records].sort((a, b) => a.variant - b.variant || a.seed - b.seed);
  for (const r of sorted) for (const k of Object.keys(r.metrics)) keys.add(k);
  return [...keys];
}

/**
 * Why a metric name is not one a sweep of these configs has, or null when it is. `chainlets`: the
 * chainlet names of the sweep's chain configs (empty: no chain), or null when not known yet (only the
 * shape is checked: a base metric, `chain.<chain metric>`, or `NAME.<metric>`).
 */
export function metricProblem(key: string, chainlets: readonly string[] | null): string | null {
  const { scope, base } = splitMetric(key);
  const allowed = (): string => {
    const top = METRICS.join(', ');
    if (chainlets === null) return `${top}; in a chain also chain.<${CHAIN_METRICS.join('|')}> and <chainlet>.<any of the first>`;
    if (chainlets.length === 0) return `${top} (chain.<metric> and <chainlet>.<metric> only in a chain scenario)`;
    const own = chainlets.filter((n) => n !== CHAIN_PREFIX);
    return `${top}; chain.${CHAIN_METRICS.join(', chain.')}; and NAME.<any of the first> for NAME one of ${own.join(', ')} (e.g. ${own[own.length - 1]}.availability)`;
  };
  if (scope === null) return isMetric(base) ? null : allowed();
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(scope)) return allowed();
  if (scope === CHAIN_PREFIX) {
    if (chainlets !== null && chainlets.length === 0) return allowed();
    return (CHAIN_METRICS as readonly string[]).includes(base) ? null : allowed();
  }
  if (!isMetric(base)) return allowed();
  if (chainlets === null) return null;
  if (!chainlets.includes(scope) || scope === CHAIN_PREFIX) return allowed();
  return null;
}

/**
 * Mean of (traffic_stopped_at − at) over the faults whose replica had its traffic stopped;
 * null when no fault led to a stop (a fault that never stopped traffic has no such time).
 */
export function faultToStop(summary: Summary): number | null {
  let sum = 0;
  let n = 0;
  for (const f of summary.health.faults) {
    if (f.traffic_stopped_at === null) continue;
    sum += f.traffic_stopped_at - f.at;
    n++;
  }
  return n === 0 ? null : sum / n;
}

/**
 * 10 significant digits: drops float noise from sums taken in different orders inside a run
 * (6.499800000000001 vs 6.4998), which would otherwise show as a 1e-16-wide interval.
 */
function tidy(x: number | null): number | null {
  return x === null || !Number.isFinite(x) || x === 0 ? x : Number(x.toPrecision(10));
}

export type HealthMetrics = Record<HealthMetricName, number | null>;

/**
 * The metrics of a run. For a chain (a ChainSummary), `health` is the entrypoint's (the top-level
 * metrics are the entrypoint's view, but for the billing: the whole chain's) and `chainletHealth`
 * has each chainlet's; the result then holds `chain.*` and `NAME.*` too.
 */
export function metricsOf(summary: Summary, health: HealthMetrics, chainletHealth?: ReadonlyMap<string, HealthMetrics>): Metrics {
  const m = topMetrics(summary, health);
  const chain = (summary as Partial<ChainSummary>).chain;
  const chainlets = (summary as Partial<ChainSummary>).chainlets;
  if (!chain || !chainlets) return m;
  const per = new Map<string, Metrics>();
  for (const [name, s] of Object.entries(chainlets)) per.set(name, topMetrics(s, chainletHealth?.get(name) ?? NOT_FOLDED));
  const sum = (k: MetricName): number | null => {
    let t = 0;
    for (const x of per.values()) {
      const v = x[k];
      if (v === null || v === undefined) return null;
      t += v;
    }
    return t;
  };
  const max = (k: MetricName): number | null => {
    let t: number | null = null;
    for (const x of per.values()) {
      const v = x[k];
      if (v === null || v === undefined) return null;
      t = t === null ? v : Math.max(t, v);
    }
    return t;
  };
  const c: Record<(typeof CHAIN_METRICS)[number], number | null> = {
    arrived: chain.requests.arrived,
    failed_requests: chain.requests.failed,
    availability: chain.availability,
    latency_p50_s: chain.latency_s.p50,
    latency_p99_s: chain.latency_s.p99,
    billed_minutes: chain.billing.billed_minutes,
    cost: chain.billing.cost,
    minutes_not_serving: chain.billing.minutes_not_serving,
    restarts: sum('restarts'),
    traffic_stops: sum('traffic_stops'),
    cold_starts: sum('cold_starts'),
    mid_load_kills: chainletHealth ? sum('mid_load_kills') : null,
    restart_streak_max: chainletHealth ? max('restart_streak_max') : null,
    faults_missed: chainletHealth ? sum('faults_missed') : null,
  };
  for (const k of CHAIN_METRICS) m[`${CHAIN_PREFIX}.${k}`] = tidy(c[k]);
  for (const [name, x] of per) {
    if (name === CHAIN_PREFIX) continue;
    for (const k of METRICS) m[`${name}.${k}`] = x[k] ?? null;
  }
  return m;
}

const NOT_FOLDED: HealthMetrics = { latency_all_p99_s: null, mid_load_kills: null, restart_streak_max: null, faults_missed: null };

function topMetrics(summary: Summary, health: HealthMetrics): Metrics {
  const m: Metrics = {
    ...health,
    arrived: summary.requests.arrived,
    failed_requests: summary.requests.failed,
    availability: summary.availability,
    latency_p50_s: summary.latency_s.p50,
    latency_p99_s: summary.latency_s.p99,
    queue_wait_mean_s: summary.queue_wait_s.mean,
    restarts: summary.replicas.restarts,
    traffic_stops: summary.replicas.traffic_stops,
    fault_to_stop_s: faultToStop(summary),
    cold_starts: summary.replicas.cold_starts,
    billed_minutes: summary.billing.billed_minutes,
    cost: summary.billing.cost,
    minutes_not_serving: summary.billing.minutes_not_serving,
  };
  for (const k of METRICS) m[k] = tidy(m[k] ?? null);
  return m;
}
