import type { FaultKind } from './config.js';
import type { ReplicaState, RestartCause } from './replica.js';
import type { ProbeName } from './reports.js';

/** The shape of summary.json (SPEC §9). Numbers are rounded by the output layer. */
export interface FaultRecord {
  kind: string;
  replica: number;
  at: number;
  /** First traffic stop of this replica after the fault, or null. */
  traffic_stopped_at: number | null;
  /** First restart of this replica's container after the fault, or null (never happened; a preemption ends the episode without one). */
  restarted_at: number | null;
  /**
   * Restarts of this replica's container after the fault, until it was routable again or the run
   * ended (issue #13: "restarted +0 s" hid 11 restarts). A `crash_loop` fault follows the replica
   * into every new container, so its count runs to the end of the run: a routable window between
   * two crashes is not a recovery. 0 = never restarted; with `routable_again_at` null, ≥ 2 is a
   * crash loop that never recovered. Always written; optional because a summary.json written
   * before it (a run folder the report reads) lacks it.
   */
  restarts?: number;
  /** The replica's loss to a preemption (SPEC §9), on the preemption's own record and on earlier open ones; null = never happened. */
  preempted_at: number | null;
  /** First time the replica was routable again after the stop or restart, or null. */
  routable_again_at: number | null;
  /** Requests that failed on this replica between the fault and its traffic stop (or restart, or the end). */
  failed_requests_before_stop: number;
}

export interface Summary {
  scenario: string;
  seed: number;
  duration_s: number;
  platform: string;
  requests: {
    arrived: number;
    succeeded: number;
    failed: number;
    in_flight_at_end: number;
    retried_attempts: number;
    /**
     * Of by_status 500, the requests the router failed: still queued `request.timeout` after
     * entering its queue (never dispatched, or queued again after a retry), SPEC §5. The rest of
     * the 500s are replica faults. Always written; optional because a summary.json written
     * before it (a run folder the report reads) lacks it.
     */
    queue_timeouts?: number;
    by_status: Record<string, number>;
  };
  availability: number | null;
  latency_s: { mean: number | null; p50: number | null; p90: number | null; p95: number | null; p99: number | null; max: number | null };
  queue_wait_s: { mean: number | null; p99: number | null };
  replicas: {
    created: number;
    peak: number;
    mean: number;
    restarts: number;
    cold_starts: number;
    traffic_stops: number;
  };
  health: { faults: FaultRecord[] };
  billing: {
    billed_minutes: number;
    cost: number;
    cost_per_1k_succeeded: number | null;
    minutes_not_serving: number;
    price_per_minute: number;
  };
  warnings: string[];
}

export const TIMELINE_COLUMNS = [
  't',
  'arrivals',
  'succeeded',
  'failed',
  'in_flight',
  'queued',
  'replicas',
  'starting',
  'ready',
  'routable',
  'traffic_stopped',
  'backoff',
  'desired',
  'window_avg_in_flight',
  'billed_minutes',
  'cost',
  // Beyond SPEC §9, for the report: per-interval latency of succeeded requests and failures by status.
  'latency_p50',
  'latency_p99',
  'failed_429',
  'failed_500',
  'failed_502',
  'failed_503',
  'failed_504',
] as const;

export type TimelineRow = Record<(typeof TIMELINE_COLUMNS)[number], number | null> & { chainlet?: string };

export const EVENT_COLUMNS = ['t', 'replica', 'event', 'from', 'to', 'detail'] as const;

export type EventName =
  | 'state'
  | 'routable'
  | 'traffic_stopped'
  | 'traffic_resumed'
  | 'restart'
  | 'fault'
  | 'scale_up'
  | 'scale_down';

export interface EventRow {
  t: number;
  /** Replica id (creation index), or null for deployment-wide events. */
  replica: number | null;
  event: EventName;
  from: string | number | null;
  to: string | number | null;
  detail: string;
  /** In a chain: the chainlet (SPEC §12). */
  chainlet?: string;
}

export const REQUEST_COLUMNS = ['id', 'arrival', 'dispatched', 'replica', 'finished', 'status', 'attempts', 'latency'] as const;

export interface RequestRow {
  id: number;
  arrival: number;
  /** Dispatch time of the last attempt, or null if never dispatched. */
  dispatched: number | null;
  replica: number | null;
  finished: number | null;
  /** 200 on success; null for a request still in flight at the end. */
  status: number | null;
  attempts: number;
  latency: number | null;
  /** In a chain: the chainlet, and for a call the caller's request (`chainlet/id`; '' for traffic). */
  chainlet?: string;
  parent?: string;
}

/** A chain's CSVs (SPEC §12): the same rows with the chainlet first, and requests' caller last. */
export const CHAIN_TIMELINE_COLUMNS = ['chainlet', ...TIMELINE_COLUMNS] as const;
export const CHAIN_EVENT_COLUMNS = ['chainlet', ...EVENT_COLUMNS] as const;
export const CHAIN_REQUEST_COLUMNS = ['chainlet', ...REQUEST_COLUMNS, 'parent'] as const;

/** A chain's summary.json: the entrypoint's view at the top (what a client sees), billing over every chainlet. */
export interface ChainSummary extends Summary {
  chain: {
    entrypoint: string;
    requests: Summary['requests'];
    availability: number | null;
    latency_s: Summary['latency_s'];
    billing: Omit<Summary['billing'], 'price_per_minute'>;
  };
  chainlets: Record<string, Summary>;
}

/**
 * logs.txt (SPEC §13): what a platform's logs would show, as typed fields (output/logs.ts words
 * them). Replica lines have the replica's id; `scale` is the autoscaler's, deployment-wide.
 */
export type LogEvent =
  | { what: 'check_failed'; replica: number; probe: ProbeName }
  | { what: 'state'; replica: number; from: ReplicaState | ''; to: ReplicaState }
  | { what: 'routable'; replica: number; resumed: boolean }
  | { what: 'traffic_stopped'; replica: number; failures: number }
  /** `count`: the replica's restarts so far, this one included (the platform's `restart count`). */
  | { what: 'restart'; replica: number; cause: RestartCause; backoff: number; count: number }
  | { what: 'fault'; replica: number; kind: FaultKind }
  | { what: 'lost'; replica: number }
  | { what: 'scale'; direction: 'up' | 'down'; from: number; to: number; avgInFlight: number; desired: number };

/** One logs.txt entry: the event at simulated time `t`; in a chain, its chainlet (SPEC §12). */
export type LogEntry = LogEvent & { t: number; chainlet?: string };

/** Where a run's records go; the output layer implements it (CSV files), tests may collect in memory. */
export interface Sinks {
  event?(row: EventRow): void;
  sample?(row: TimelineRow): void;
  request?(row: RequestRow): void;
  /** logs.txt's entries, in time order; nothing is built for it when absent. */
  log?(entry: LogEntry): void;
}
