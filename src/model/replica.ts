import type { EventHandle, TimerGroup } from '../engine/simulation.js';
import type { BackoffState } from './crash-loop-backoff.js';
import { NO_BACKOFF } from './crash-loop-backoff.js';
import type { Tokens } from './distributions.js';
import type { HealthMemory } from './health-rules.js';
import type { ProbeCounter } from './probe-counter.js';
import type { CallAttempt, StepRunHandle, Work } from './chain/handles.js';

/** Why a container was restarted (the `restart` event's cause). */
export type RestartCause = 'liveness' | 'crash' | 'load_failure' | 'startup';

/** A replica's lifecycle states (SPEC §2); `traffic_stopped` is a flag on `ready`. */
export type ReplicaState = 'scheduling' | 'pulling' | 'loading' | 'ready' | 'backoff' | 'terminating' | 'terminated';

/** Not yet serving: what the autoscaler removes first. */
export const NOT_READY_STATES: ReadonlySet<ReplicaState> = new Set(['scheduling', 'pulling', 'loading', 'backoff']);

/** One container run of a replica: it owns the custom health state and the probes. */
export interface Container {
  startedAt: number;
  alive: boolean;
  /** load() has finished. */
  loaded: boolean;
  /** Process hung (fault `hang`): requests never finish, probes time out. */
  hung: boolean;
  /** Sticky CUDA error: every request fails with 500. */
  cudaError: boolean;
  errorRate: { probability: number; until: number } | null;
  slowdown: { factor: number; until: number } | null;
  health: HealthMemory;
  readiness: ProbeCounter;
  liveness: ProbeCounter;
  /** baseten-2026: failures of the startup probe so far; null once it has passed (or under 2025). */
  startup: ProbeCounter | null;
  /** Whether this container has been routable yet (first pass = `routable`, later = `traffic_resumed`). */
  everRoutable: boolean;
  /** Probe loop, load, load retry, scheduled crash and probe-timeout timers: cancelled together when it ends. */
  timers: TimerGroup;
}

export interface Replica {
  id: number;
  state: ReplicaState;
  container: Container | null;
  /** Ready and readiness passing: the router may send it requests. */
  routable: boolean;
  /** Ready, had served, and readiness failed: traffic stopped. */
  trafficStopped: boolean;
  /** Requests dispatched to it and not finished (running or waiting for a predict slot). */
  inFlight: number;
  /** Its position in the router's routable list while routable (least-loaded.ts). */
  routePos: number;
  /** Requests holding one of the predict_concurrency slots. */
  running: number;
  /** Dispatched requests waiting for a slot, FIFO. */
  waiting: Request[];
  /** Every dispatched request (running or waiting), to fail them on a kill: head of an intrusive list. */
  activeHead: Request | null;
  restarts: number;
  backoff: BackoffState;
  /**
   * crash_loop faults hit on this replica (SPEC §7), each in force from its occurrence until
   * `until` (Infinity: to the end of the run): a container starting while some are in force
   * crashes the smallest `after` s after its start, even if that is past `until`.
   */
  crashLoops: { after: number; until: number }[];
  /** Timers of the replica outside any container (schedule, pull, back-off wait). */
  timers: TimerGroup;
  /** Billing: first container start (null before), seconds billed and not serving so far, and the last mark. */
  billedFrom: number | null;
  billedSeconds: number;
  notServingSeconds: number;
  billMark: number;
}

export function addActive(r: Replica, req: Request): void {
  req.prev = null;
  req.next = r.activeHead;
  if (r.activeHead) r.activeHead.prev = req;
  r.activeHead = req;
}

export function removeActive(r: Replica, req: Request): void {
  if (req.prev) req.prev.next = req.next;
  else r.activeHead = req.next;
  if (req.next) req.next.prev = req.prev;
  req.prev = req.next = null;
}

/** The dispatched requests of a replica, oldest dispatch first. */
export function activeRequests(r: Replica): Request[] {
  const out: Request[] = [];
  for (let q = r.activeHead; q; q = q.next) out.push(q);
  return out.reverse();
}

export function newReplica(id: number, state: ReplicaState, timers: TimerGroup): Replica {
  return {
    id,
    state,
    container: null,
    routable: false,
    trafficStopped: false,
    inFlight: 0,
    routePos: -1,
    running: 0,
    waiting: [],
    activeHead: null,
    restarts: 0,
    backoff: NO_BACKOFF,
    crashLoops: [],
    timers,
    billedFrom: null,
    billedSeconds: 0,
    notServingSeconds: 0,
    billMark: 0,
  };
}

/** Counted by the autoscaler as current, whatever its health (SPEC §6). */
export function isCurrent(r: Replica): boolean {
  return r.state !== 'terminating' && r.state !== 'terminated';
}

/**
 * A request while it is in the system; dropped when it ends, so memory follows what is in flight.
 * It lives here with the replica and container it points to (and that point to it): one module, no import cycle.
 */
export interface Request {
  id: number;
  arrival: number;
  /** Drawn at arrival from the service stream, so every tuning sees the same work (CRN). */
  service: number;
  tokens: Tokens | undefined;
  attempts: number;
  /** When the current attempt entered the router queue. */
  queuedAt: number;
  /** The current attempt fails at this time: 500 if still queued, 504 if dispatched. */
  deadline: number;
  /** Total time spent in the router queue over all attempts. */
  queueWait: number;
  dispatchedAt: number | null;
  replica: number | null;
  /** The pending end (completion or timeout) of the current attempt. */
  end: EventHandle | null;
  /** How the current attempt ends, decided when it gets a slot (200, 500 from a fault, 504 on timeout). */
  status: number;
  /** Where the current attempt runs (container: to tell a dead one's late responses apart). */
  rep: Replica | null;
  cont: Container | null;
  /** Intrusive list of a replica's dispatched requests: no allocation per request. */
  prev: Request | null;
  next: Request | null;
  /** In a chain: the steps this request runs (drawn at the entrypoint's arrival); null when it calls nothing. */
  work: Work | null;
  /** In a chain: the caller's attempt waiting for this request's final answer; null for traffic. */
  call: CallAttempt | null;
  /** In a chain: the caller's request (`chainlet/id`), for requests.csv. */
  parent: string | null;
  /** The steps in progress on a replica. */
  run: StepRunHandle | null;
}
