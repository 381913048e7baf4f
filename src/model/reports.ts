import type { ScaleDecision } from './autoscaling/autoscaler.js';
import type { FaultKind, FaultTarget } from './config.js';
import type { ReplicaState, Request, RestartCause } from './replica.js';

/** The kubelet's three probes (probes.ts): one check result feeds readiness and liveness, or the startup probe alone. */
export type ProbeName = 'startup' | 'readiness' | 'liveness';

/** Why a fault occurrence hit nothing. */
export type FaultMiss =
  /** No current replica matched the target. */
  | { target: FaultTarget }
  /** The replica had no running container (the fault needs one). */
  | { replica: number; state: ReplicaState };

/**
 * What the parts of a service report as it runs: the typed event stream, as one method per
 * event with structured fields (no strings to parse back; formatting is the sinks' business).
 * Calls, not event objects, so the request path allocates nothing. The time is the clock's.
 * records/ folds it into the summary, the timeline, events.csv and requests.csv.
 */
export interface ServiceReports {
  // ── replicas (lifecycle) ──
  replicaState(replica: number, from: ReplicaState | '', to: ReplicaState): void;
  /** Replicas not terminating, after a change. */
  replicaCount(current: number): void;
  coldStart(replica: number): void;
  /** Node lost (preemption): the replica is gone at once. */
  lost(replica: number): void;
  /** The container was killed and will start again after `backoff` s; `count` = the replica's restarts so far, this one included. */
  restarted(replica: number, cause: RestartCause, backoff: number, count: number): void;
  // ── routing (probes → router) ──
  /** Readiness passed: the first time in this container, or again (`resumed`). */
  routable(replica: number, resumed: boolean): void;
  /** Readiness failed `failures` checks in a row (the observed run, which reached the threshold). */
  trafficStopped(replica: number, failures: number): void;
  /**
   * One probe failed one check (per probe: a failing tick fails readiness and liveness, two
   * reports; while the startup probe runs, it alone). Only logs.txt listens: too many for events.csv.
   */
  checkFailed(replica: number, probe: ProbeName): void;
  // ── faults ──
  faultHit(replica: number, kind: FaultKind): void;
  faultMissed(kind: FaultKind, miss: FaultMiss): void;
  // ── autoscaler ──
  scaled(d: ScaleDecision): void;
  // ── requests ──
  arrival(): void;
  /** An attempt failed and will be retried (`req.attempts` already counts the retry). */
  retry(req: Request): void;
  /** An attempt failed on this replica (a 5xx, or killed with its container). */
  attemptFailedOn(replica: number): void;
  /**
   * The request waited in the router queue to its deadline (`request.timeout` after its entry
   * into the queue, SPEC §5): its final answer, reported next by `finished`, is the router's 500,
   * not a replica's. Counted apart so a summary tells queue timeouts from replica faults.
   */
  queueTimedOut(req: Request): void;
  /** The request's final response. */
  finished(req: Request, status: number): void;
}
