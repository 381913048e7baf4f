/**
 * The validated, fully-defaulted configuration of one run. All durations are in
 * seconds. The scenario layer (src/scenario) builds this from YAML; the model
 * never sees YAML, files or the CLI.
 */

export type Platform = 'baseten-2025' | 'baseten-2026';
export type Environment = 'production' | 'development';

export type Dist =
  | { dist: 'constant'; value: number }
  | { dist: 'exponential'; mean: number }
  | { dist: 'uniform'; min: number; max: number }
  /** `p99` in a file is converted to sigma = ln(p99 / median) / z(0.99) by the scenario layer. */
  | { dist: 'lognormal'; median: number; sigma: number }
  /** Service time of a trace request: base + per_input_token × ContextTokens + per_output_token × GeneratedTokens. */
  | { dist: 'tokens'; base: number; per_input_token: number; per_output_token: number };

export interface HealthChecks {
  stop_traffic_threshold_seconds: number;
  restart_threshold_seconds: number;
  restart_check_delay_seconds: number;
  /** baseten-2026 only; null under baseten-2025. */
  startup_threshold_seconds: number | null;
}

export type FaultKind =
  | 'cuda_error'
  | 'error_rate'
  | 'hang'
  | 'crash'
  | 'crash_loop'
  | 'slowdown'
  | 'preemption';

export const FAULT_KINDS: readonly FaultKind[] = [
  'cuda_error',
  'error_rate',
  'hang',
  'crash',
  'crash_loop',
  'slowdown',
  'preemption',
];

/**
 * Which 5xx the error rules count: `all` the 500s predict() returned; `own` only those the
 * chainlet raised itself, not those propagated from a dependency that failed (SPEC §12).
 */
export type ErrorSource = 'all' | 'own';

export type HealthRule =
  | { rule: 'error_count'; threshold: number; errors?: ErrorSource }
  | { rule: 'error_window'; threshold: number; window: number; errors?: ErrorSource }
  | { rule: 'consecutive_errors'; threshold: number; errors?: ErrorSource }
  | { rule: 'after_fault'; fault: FaultKind }
  | { rule: 'latency'; quantile: number; window: number; limit: number };

export interface Autoscaling {
  min_replica: number;
  max_replica: number;
  autoscaling_window: number;
  scale_down_delay: number;
  concurrency_target: number;
  target_utilization_percentage: number;
  max_scale_down_rate: number;
  /** Early access (SPEC §13): scale on in-flight tokens instead of requests; null = off (the only value simulated today). */
  target_in_flight_tokens?: number | null;
  /** The autoscaling policy by name (autoscaling/registry.ts); absent = 'baseten'. */
  policy?: string;
}

export interface Startup {
  schedule: Dist;
  image_pull: Dist;
  load: Dist;
  load_failure_probability: number;
}

/** Every traffic process has a window [start, end); end null = until the run ends. */
export type Traffic = TrafficBody & { start: number; end: number | null };

export type TrafficBody =
  | { kind: 'poisson'; rate: number }
  | { kind: 'schedule'; steps: { at: number; rate: number }[] }
  | { kind: 'diurnal'; mean: number; amplitude: number; period: number; peak_at: number }
  | { kind: 'burst'; at: number; duration: number; rate: number }
  | { kind: 'constant'; rate: number }
  | { kind: 'trace'; file: string; speedup: number; rows: TraceRows };

/** A trace loaded by the scenario layer: arrival offsets (s, from the first row, before speedup) and tokens. */
export interface TraceRows {
  offsets: Float64Array;
  input_tokens: Float64Array;
  output_tokens: Float64Array;
}

export type FaultTarget =
  | { kind: 'index'; index: number }
  | { kind: 'random' }
  | { kind: 'all' }
  | { kind: 'fraction'; fraction: number };

export interface Fault {
  kind: FaultKind;
  /**
   * First occurrence (s); null = not written. A single fault (no `mtbf`) occurs at `at`, 0 when
   * not written. A recurring one (SPEC §7): a Poisson process from `at`, its first occurrence at
   * `at` when written, else at an exponential draw from 0 (it does not fire at t = 0 by default).
   */
  at: number | null;
  /** Mean time between occurrences (s) for a recurring fault; null for a single occurrence. */
  mtbf: number | null;
  /** How long an occurrence lasts (error_rate, slowdown, crash_loop); null = until the container restarts (or forever for crash_loop). */
  duration: number | null;
  /** error_rate: probability that a request fails with 500. */
  probability: number;
  /** slowdown: service-time multiplier. */
  factor: number;
  /** crash_loop: a container crashes this long after it starts. */
  after: number;
  replica: FaultTarget;
  /** In a chain: the chainlet whose replicas it targets (required there); null in a single deployment. */
  chainlet?: string | null;
}

export interface RetryPolicy {
  statuses: number[];
  initial: number;
  multiplier: number;
  max_interval: number;
  max_total: number;
}

export interface Config {
  /** A Chain of deployments (SPEC §12), or null for one deployment. With a chain, `deployment` is the entrypoint's. */
  chain?: ChainConfig | null;
  name: string;
  description: string;
  seed: number;
  duration: number;
  platform: Platform;
  deployment: {
    environment: Environment;
    /** `count` GPUs of `type` (an accelerator or an instance name); the price is the whole instance's. */
    instance: { type: string | null; count: number; price_per_minute: number };
    /** The truss config.yaml the deployment was read from (relative to the scenario), or null. */
    truss_config: string | null;
    initial_state: 'cold' | 'warm';
    /** null = max(1, min_replica). */
    initial_replicas: number | null;
    runtime: { predict_concurrency: number; health_checks: HealthChecks };
    autoscaling: Autoscaling;
    startup: Startup;
    service_time: Dist;
    is_healthy: HealthRule | null;
  };
  traffic: Traffic[];
  request: { timeout: number; retry: RetryPolicy; max_queue: number | null };
  faults: Fault[];
  assumptions: {
    probe_period: number;
    probe_timeout: number;
    probe_phase: 'aligned' | 'random';
    autoscaler_interval: number;
    error_latency: number;
    /**
     * Refuse a scenario, before it runs, whose estimated work (arrivals + samples + probe ticks +
     * autoscaler decisions + fault occurrences) exceeds this. Default 2e9: a simulated day at
     * 10,000 req/s (8.64e8 arrivals) passes with room to spare.
     */
    max_work: number;
    /**
     * A run stops with an OverloadError when more requests than this are in flight at once
     * (queued + dispatched + waiting in retry back-off): memory, not an answer, would run out.
     */
    max_in_flight: number;
    /**
     * The wall-clock instant of t = 0, an ISO 8601 date-time with its zone (`Z` or ±hh:mm):
     * logs.txt's times only (the model never reads it).
     */
    start_time: string;
  };
  output: { sample_interval: number; requests: boolean };
}


// --- Chains (SPEC §12) ---------------------------------------------------------------------

/** One step of a chainlet's `run_remote`. */
export type Step =
  | { kind: 'compute'; time: Dist }
  /** `count` calls to `callee`, all at once (`parallel`) or one after another. */
  | { kind: 'call'; callee: string; count: number; parallel: boolean };

/** `chains.depends(Cls, retries, timeout_sec, concurrency_limit)`, per dependency. */
export interface Depends {
  /** Total attempts (tenacity stop_after_attempt): 1 = no retry. */
  retries: number;
  /** Each attempt's limit from the caller's side (s). */
  timeout_sec: number;
  /** Attempts in flight from one caller container to this dependency; the rest wait in the caller. */
  concurrency_limit: number;
}

export interface Chainlet {
  name: string;
  deployment: Config['deployment'];
  /** null: `service_time` of work and no calls. */
  steps: Step[] | null;
  /** By callee name; a callee the steps call without an entry takes DEFAULT_DEPENDS. */
  depends: Record<string, Depends>;
}

export interface ChainConfig {
  /** The chainlet traffic enters. */
  entrypoint: string;
  /** In the file's order. */
  chainlets: Chainlet[];
}
