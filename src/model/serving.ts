import type { Rng } from '../engine/random.js';
import type { EventHandle, Simulation } from '../engine/simulation.js';
import type { Config } from './config.js';
import { recordResponse } from './health-rules.js';
import { DEADLINE, PHASE_END } from './priorities.js';
import type { ServiceReports } from './reports.js';
import { StepRun, type StepHost } from './chain/steps.js';
import { activeRequests, addActive, removeActive, type Container, type Replica, type Request } from './replica.js';

const OK = 200;

/** Where a replica's work goes next: the router takes attempts back, the lifecycle drained replicas. */
export interface ServingPorts {
  /** An attempt ended on a replica with this status (200, or a failure the router may retry). */
  attemptEnded(req: Request, status: number): void;
  /** A request left this replica (a draining one may now be gone). */
  drained(r: Replica): void;
  /** A slot may have freed: send queued requests. */
  dispatch(): void;
  /** r.inFlight changed from `before` (the router keeps its least-loaded replica up to date). */
  loadChanged(r: Replica, before: number): void;
}

/**
 * A replica serving the requests the router sent it: `predict_concurrency` slots, a FIFO
 * of requests waiting for one, and how an attempt ends given its container's faults
 * (hung: never, CUDA error or error rate: 500, slowdown: longer, past the deadline: 504).
 */
export class Serving {
  private readonly slots: number;
  /** In a chain, for a chainlet that calls others: what its step runs need. */
  chain: StepHost | null = null;

  constructor(
    private readonly sim: Simulation,
    private readonly cfg: Config,
    private readonly errors: Rng,
    private readonly records: ServiceReports,
    private readonly ports: ServingPorts,
  ) {
    this.slots = cfg.deployment.runtime.predict_concurrency;
  }

  // The long-lived handler of the hot event: no closure per request.
  private readonly onServiceEnd = (req: Request): void => {
    this.spareEnds.push(req.end!);
    this.serviceEnded(req);
  };
  /**
   * Service-end events that have fired, reused for the next attempts' ends (no event per request).
   * Safe because the request's `end` is the only handle to one, and it is cleared when it fires;
   * a cancelled end (a kill, a hang) is never reused. As many as were ever pending at once.
   */
  private readonly spareEnds: EventHandle[] = [];

  /** The current attempt of `req` ends at `time` (onServiceEnd). */
  private endAt(req: Request, time: number, priority: number): void {
    const ev = this.spareEnds.pop();
    req.end = ev === undefined ? this.sim.at(time, this.onServiceEnd, req, priority) : this.sim.reschedule(ev, time, this.onServiceEnd, req, priority);
  }

  /** The router sends a request to a replica: it runs at once if a slot is free, else waits. */
  assign(req: Request, r: Replica): void {
    const now = this.sim.now;
    req.queueWait += now - req.queuedAt;
    req.dispatchedAt = now;
    req.replica = r.id;
    r.inFlight++;
    this.ports.loadChanged(r, r.inFlight - 1);
    addActive(r, req);
    if (r.running < this.slots) this.startService(req, r);
    else r.waiting.push(req);
  }

  /** The request gets a predict slot: decide how it ends (completion, fault error, or timeout). */
  private startService(req: Request, r: Replica): void {
    const now = this.sim.now;
    const c = r.container!;
    r.running++;
    if (req.work !== null) {
      // A chainlet that calls others: its steps decide how the attempt ends.
      req.rep = r;
      req.cont = c;
      req.end = null;
      req.run = new StepRun(this.chain!, req, req.work.steps!, c);
      req.run.start();
      return;
    }
    let status = OK;
    let dur: number;
    if (c.hung) {
      dur = Infinity;
    } else if (c.cudaError || (c.errorRate && now < c.errorRate.until && this.errors() < c.errorRate.probability)) {
      status = 500;
      dur = this.cfg.assumptions.error_latency;
    } else {
      dur = c.slowdown && now < c.slowdown.until ? req.service * c.slowdown.factor : req.service;
    }
    req.rep = r;
    req.cont = c;
    if (now + dur > req.deadline) {
      req.status = 504;
      this.endAt(req, Math.max(now, req.deadline), DEADLINE);
    } else {
      req.status = status;
      this.endAt(req, now + dur, PHASE_END);
    }
  }

  /** A chain step run ended: `own` false for a 500 propagated from a dependency (SPEC §12). */
  stepsEnded(req: Request, status: number, own: boolean): void {
    req.run = null;
    req.status = status;
    this.serviceEnded(req, own);
  }

  private serviceEnded(req: Request, own = true): void {
    const now = this.sim.now;
    const r = req.rep!;
    const c = req.cont!;
    const status = req.status;
    req.end = null;
    removeActive(r, req);
    r.running--;
    r.inFlight--;
    this.ports.loadChanged(r, r.inFlight + 1);
    // SPEC §4: the error rules count what predict() returned (200, or a 500 it raised); the router's
    // 504 after request.timeout never reaches predict()'s bookkeeping (nor do kills' 503s: failActive).
    // SPEC §12: with `errors: own` a 500 propagated from a dependency is not counted either.
    const rule = this.cfg.deployment.is_healthy;
    const seen = own || !(rule && 'errors' in rule && rule.errors === 'own');
    if (c.alive && seen && (status === OK || status === 500)) recordResponse(c.health, rule, now, status, now - req.dispatchedAt!);
    if (status >= 500) this.records.attemptFailedOn(r.id);
    // The freed slot goes to the request that waited longest in this replica, before the answer
    // leaves: in a chain the answer runs the caller at once, and its next call must not jump the
    // replica's queue (found by the chain property tests: waiting requests starved past their timeout).
    while (r.waiting.length > 0 && r.running < this.slots && c.alive) {
      this.startService(r.waiting.shift()!, r);
    }
    this.ports.attemptEnded(req, status);
    // A drained replica may now be gone.
    this.ports.drained(r);
    this.ports.dispatch();
  }

  /** In-flight requests on a killed container fail with `status` (503: retried by the router). */
  failActive(r: Replica, status: number): void {
    const reqs = activeRequests(r);
    r.activeHead = null;
    r.waiting = [];
    r.running = 0;
    const before = r.inFlight;
    r.inFlight = 0;
    this.ports.loadChanged(r, before);
    for (const req of reqs) {
      this.sim.cancel(req.end);
      req.end = null;
      req.run?.stop(); // its calls are abandoned; the callees' work goes on
      req.run = null;
      req.prev = req.next = null;
      this.records.attemptFailedOn(r.id);
      this.ports.attemptEnded(req, status);
    }
  }

  /** A hung process: requests in its slots never finish and end at their deadline (504). */
  hang(r: Replica, c: Container): void {
    c.hung = true;
    for (let req = r.activeHead; req; req = req.next) {
      if (req.run) {
        req.run.hang();
        continue;
      }
      if (req.end === null) continue; // waiting for a slot: it will hang when it gets one
      this.sim.cancel(req.end);
      req.status = 504;
      this.endAt(req, Math.max(this.sim.now, req.deadline), DEADLINE);
    }
  }
}
