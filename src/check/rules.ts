/**
 * The checker's own copies of the platform's rules (SPEC §2–§9, §11), written again here on
 * purpose: nothing in src/check imports a rule from src/model, so a wrong number in the model is
 * not repeated here and cancelled out. When the SPEC changes a rule, change it in both places.
 */

/** Slack on time comparisons for rows kept in memory (s); rows read back from CSV use CSV_TOLERANCE_S. */
export const DEFAULT_TOLERANCE_S = 1e-6;
/** CSV files round times to 3 decimals: the slack for rows read back from a run folder (s). */
export const CSV_TOLERANCE_S = 1e-3;
/** A broken run can break an invariant thousands of times: report at most this many. */
export const DEFAULT_MAX_VIOLATIONS = 200;
/** Checks that fire once per request or sample report at most this many of one kind. */
export const REPORTS_PER_CHECK = 5;
/** requests rows whose latency column disagrees with finished − arrival: at most this many reported. */
export const LATENCY_ROW_REPORTS = 3;

/** Float noise when dividing seconds (60 / 10 must give 6 checks, not 7). */
export const EPS = 1e-9;

/** ceil(threshold / period) without float noise (60 / 10 must be 6, not 7). */
export function checkCount(thresholdSeconds: number, period: number): number {
  return Math.max(1, Math.ceil(thresholdSeconds / period - EPS));
}

/** A replica in these states is leaving: billing stops, the autoscaler no longer counts it (SPEC §6, §8). */
export const GONE_STATES: ReadonlySet<string> = new Set(['terminating', 'terminated']);
/** The timeline's `starting` gauge counts replicas in these states. */
export const STARTING_STATES: ReadonlySet<string> = new Set(['scheduling', 'pulling', 'loading']);
/** Removal order (SPEC §6, Kubernetes ReplicaSet): replicas in these states are "not yet ready" and go first. */
export const NOT_READY_STATES: ReadonlySet<string> = new Set(['scheduling', 'pulling', 'loading', 'backoff']);

/** CrashLoopBackOff [k8s] (SPEC §2): 0 s for the first restart of a loop, then 10, 20, 40, ... s. */
export const BACKOFF_FIRST_S = 10;
/** ... capped at 300 s. */
export const BACKOFF_CAP_S = 300;
/** ... and the loop starts over when this long passes between two restarts (restart to restart). */
export const BACKOFF_RESET_S = 600;

/** A hang fails every check of its container until it restarts (SPEC §7). */
export const HANG = 'hang';
/** Faults an `after_fault` is_healthy rule can watch; while watched, every check fails (SPEC §4). */
export const AFTER_FAULT_KINDS: readonly string[] = ['cuda_error', 'error_rate', 'hang', 'slowdown'];

/** A successful request. */
export const STATUS_OK = 200;
/** Shed by a full router queue (only with `request.max_queue`). */
export const STATUS_SHED = 429;
/** A request queued past request.timeout fails with this status (SPEC §5). */
export const STATUS_QUEUE_TIMEOUT = 500;
/** Final statuses a request can have besides 429: failed or timed out in the queue, lost with its replica, ran past the timeout. */
export const POSSIBLE_STATUSES: readonly number[] = [200, 500, 502, 503, 504];

/** Scale rows write avg_in_flight with 3 decimals: the true value is within half a unit of the last one. */
export const DETAIL_ROUNDING = 0.0005;

/** latency_s percentiles and their quantiles (docs/outputs.md). */
export const LATENCY_PERCENTILES = [
  ['p50', 0.5],
  ['p90', 0.9],
  ['p95', 0.95],
  ['p99', 0.99],
] as const;
/** A percentile is within ±1 % of the exact order statistic (the model's histogram buckets). */
export const PERCENTILE_REL_TOL = 0.01;
/** Latencies under 0.1 ms share a bucket; summary values have 4 decimals (s). */
export const LATENCY_ABS_SLACK = 2e-4;

/** Billing is per started minute (SPEC §8). */
export const SECONDS_PER_MINUTE = 60;
/** summary cost is rounded to the cent, its product to 4 decimals: this much off is rounding. */
export const COST_SLACK = 0.006;
/** minutes_not_serving is written with 6 decimals. */
export const NOT_SERVING_SLACK_MIN = 1e-5;
/** availability is written unrounded: differences past this are real. */
export const AVAILABILITY_TOL = 1e-6;
