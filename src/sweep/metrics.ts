/**
 * The per-run numbers a sweep keeps from a Summary (SPEC §9). One run = one record of these;
 * everything downstream (CSV, statistics, chart) reads only this, never the Summary.
 */
import type { Summary } from '../model/summary.js';

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
export type Metrics = Record<Exclude<MetricName, HealthMetricName>, number | null> & Partial<Record<HealthMetricName, number | null>>;

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

export function metricsOf(summary: Summary, health: HealthMetrics): Metrics {
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
