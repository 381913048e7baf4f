import type { EventHandle, Simulation } from '../engine/simulation.js';
import type { InFlightWindow } from './autoscaling/in-flight-window.js';
import type { Meter } from './billing.js';
import type { Config } from './config.js';
import type { Sampler, Tokens } from './distributions.js';
import { LeastLoaded } from './least-loaded.js';
import { retryDelay } from './pick-replica.js';
import { ARRIVAL, DEADLINE } from './priorities.js';
import type { ServiceReports } from './reports.js';
import { activeRequests, type Container, type Replica, type Request } from './replica.js';
import type { Serving } from './serving.js';
import type { CallAttempt, Work } from './chain/handles.js';
import { Fifo } from './fifo.js';
import { OverloadError } from './overload.js';

const OK = 200;

/** The activator: a request that finds no replica at all asks the autoscaler at once. */
export interface Activator {
  /** Replicas not terminating. */
  readonly current: number;
  autoscaleNow(): void;
}

/**
 * The router [request-lifecycle]: the routable replicas (the probes add and remove them),
 * a FIFO queue in deadline order, shedding beyond `max_queue` (429), the queue deadline
 * (500), and retries of 502/503/504 with back-off within `max_total`.
 */
export class Router {
  /** Routable replicas, sorted by id (the candidates of pickReplica). */
  readonly routable: Replica[] = [];
  /** pickReplica(routable, target), kept up to date (least-loaded.ts). */
  private readonly leastLoaded: LeastLoaded;
  /** The FIFO queue (in deadline order: every attempt waits the same timeout). */
  private readonly queue = new Fifo<Request>();
  private queueTimer: EventHandle | null = null;
  /** Requests queued or dispatched (not those sleeping in a retry back-off): the autoscaler's in-flight. */
  private inSystem = 0;
  /** Requests sleeping in a retry back-off (the others are in the queue or on replicas). */
  private retrying = new Set<Request>();
  /** Finished requests for the next arrivals to reuse (recycle). */
  private readonly spare: Request[] = [];
  private nextRequestId = 0;
  private readonly target: number;
  /** A chain's entrypoint: draws the work of a request's whole call tree at its arrival. */
  drawWork: ((tokens: Tokens | undefined) => Work | null) | null = null;

  constructor(
    private readonly sim: Simulation,
    private readonly cfg: Config,
    private readonly serviceTime: Sampler,
    private readonly inFlight: InFlightWindow,
    private readonly serving: Serving,
    private readonly meter: Meter,
    private readonly records: ServiceReports,
    private readonly activator: Activator,
  ) {
    this.target = cfg.deployment.autoscaling.concurrency_target;
    this.leastLoaded = new LeastLoaded(this.target);
  }

  // Long-lived handlers for the hot events: no closure per request.
  private readonly onRetry = (req: Request): void => {
    this.retrying.delete(req);
    this.enqueue(req);
  };
  private readonly onQueueDeadline = (): void => this.queueDeadline();
  private readonly onDispatch = (): void => {
    this.dispatchPending = false;
    this.dispatchNow();
  };
  /** A deferred dispatch is queued for this instant (at most one). */
  private dispatchPending = false;

  get inFlightNow(): number {
    return this.inSystem;
  }

  get queued(): number {
    return this.queue.size;
  }

  /** The one place the in-system count changes (the autoscaler's window follows it). */
  /** `target_in_flight_tokens` (SPEC §13): the context + generated tokens of the requests in the system. */
  tokenWindow: InFlightWindow | null = null;
  private tokensInSystem = 0;

  private changeTokens(req: Request, sign: 1 | -1): void {
    const t = req.tokens;
    if (this.tokenWindow === null || t === undefined) return;
    this.tokensInSystem += sign * (t.input + t.output);
    this.tokenWindow.set(this.sim.now, this.tokensInSystem);
  }

  private setInSystem(n: number): void {
    this.inSystem = n;
    // Arrivals outpacing what max_replica can serve, with nothing shedding them: stop before memory does.
    const inFlight = n + this.retrying.size;
    if (inFlight > this.cfg.assumptions.max_in_flight) {
      throw new OverloadError(inFlight, this.sim.now, this.cfg.deployment.autoscaling.max_replica, this.cfg.assumptions.max_in_flight);
    }
    this.inFlight.set(this.sim.now, n);
  }

  // ───────────────────────── routable replicas ─────────────────────────

  /** Add or remove a replica from the candidates (billing accrues first: not-serving time depends on it). */
  setRoutable(r: Replica, on: boolean): void {
    if (r.routable === on) return;
    this.meter.bill(r);
    r.routable = on;
    if (on) {
      let i = this.routable.length;
      while (i > 0 && this.routable[i - 1]!.id > r.id) i--;
      this.routable.splice(i, 0, r);
    } else {
      this.routable.splice(this.routable.indexOf(r), 1);
    }
    this.leastLoaded.reset(this.routable);
  }

  /** A replica's in-flight count changed from `before` (serving's port). */
  loadChanged(r: Replica, before: number): void {
    if (r.routable) this.leastLoaded.moved(r, before);
  }

  /** Readiness passed on a ready replica: it takes traffic (again). */
  admit(r: Replica, c: Container): void {
    if (r.state !== 'ready' || r.routable) return;
    const resumed = c.everRoutable;
    c.everRoutable = true;
    r.trafficStopped = false;
    this.setRoutable(r, true);
    this.records.routable(r.id, resumed);
    this.dispatch();
  }

  /** Readiness failed: no new requests; those on the replica carry on. */
  stopTraffic(r: Replica, failures: number): void {
    this.setRoutable(r, false);
    r.trafficStopped = true;
    this.records.trafficStopped(r.id, failures);
  }

  // ───────────────────────── requests ─────────────────────────

  /** A new request arrives (a chain's entrypoint draws its whole call tree's work now: CRN). */
  submit(tokens: Tokens | undefined, work: Work | null = null, call: CallAttempt | null = null, parent: string | null = null): void {
    const now = this.sim.now;
    this.records.arrival();
    const w = work ?? this.drawWork?.(tokens) ?? null;
    const service = w ? w.service : this.serviceTime(tokens);
    const spare = this.spare.pop();
    let req: Request;
    if (spare === undefined) {
      req = {
        id: this.nextRequestId++,
        arrival: now,
        service,
        tokens,
        attempts: 1,
        queuedAt: now,
        deadline: now,
        queueWait: 0,
        dispatchedAt: null,
        replica: null,
        end: null,
        status: OK,
        rep: null,
        cont: null,
        prev: null,
        next: null,
        work: w && w.steps ? w : null,
        call,
        parent,
        run: null,
      };
    } else {
      // Every field, as the literal above sets it (the others were left null by the request's end).
      req = spare;
      req.id = this.nextRequestId++;
      req.arrival = now;
      req.service = service;
      req.tokens = tokens;
      req.attempts = 1;
      req.queuedAt = now;
      req.deadline = now;
      req.queueWait = 0;
      req.dispatchedAt = null;
      req.replica = null;
      req.status = OK;
    }
    this.enqueue(req);
  }

  private enqueue(req: Request): void {
    const now = this.sim.now;
    const maxQ = this.cfg.request.max_queue;
    const queued = this.queue.size;
    // Shed only a request that would have to wait: with max_queue 0 an idle replica still takes it.
    // (A non-empty queue means no replica is free, so such an arrival would wait behind it.)
    if (maxQ !== null && queued >= maxQ && (queued > 0 || this.leastLoaded.pick() === null)) {
      this.finish(req, 429);
      return;
    }
    req.queuedAt = now;
    req.deadline = now + this.cfg.request.timeout;
    this.queue.push(req);
    this.setInSystem(this.inSystem + 1);
    this.changeTokens(req, 1);
    // SPEC §6: an arrival or a retry that finds no current replica pokes the autoscaler, inline.
    if (this.activator.current === 0) this.activator.autoscaleNow(); // no waiting for the next tick
    // Arrivals and retries run at the dispatch priority (SPEC §1): dispatch inline.
    this.dispatchNow();
    if (this.queue.size > 0 && this.queueTimer === null) this.armQueueTimer();
  }

  /**
   * A replica became routable or a slot freed: queued requests are sent at the dispatch priority of
   * this instant (SPEC §1), after every fault, phase end, deadline, check and decision of the
   * instant has run; one deferred dispatch per instant, none when nothing waits.
   */
  dispatch(): void {
    if (this.dispatchPending || this.queue.size === 0) return;
    // Nothing before the dispatch priority left at this instant: dispatching now is the same (the
    // arrivals and retries queued at ARRIVAL join the back of the FIFO either way); saves an event.
    if (!this.sim.pendingBefore(ARRIVAL)) {
      this.dispatchNow();
      return;
    }
    this.dispatchPending = true;
    this.sim.at(this.sim.now, this.onDispatch, undefined, ARRIVAL);
  }

  /** Send queued requests to replicas while some replica is below its target. */
  private dispatchNow(): void {
    while (this.queue.size > 0) {
      const r = this.leastLoaded.pick();
      if (r === null) break;
      this.serving.assign(this.queue.shift()!, r);
    }
  }

  /** An attempt ended on a replica: success ends the request; a failure may be retried. */
  attemptEnded(req: Request, status: number): void {
    if (status === OK) this.finishAttempt(req, OK);
    else this.attemptFailed(req, status);
  }

  /** A failed attempt: 502/503/504 are retried with back-off within max_total; others end the request. */
  private attemptFailed(req: Request, status: number): void {
    const retry = this.cfg.request.retry;
    if (retry.statuses.includes(status)) {
      const delay = retryDelay(req.attempts, retry.initial, retry.multiplier, retry.max_interval);
      if (this.sim.now + delay - req.arrival <= retry.max_total) {
        this.setInSystem(this.inSystem - 1);
        this.changeTokens(req, -1);
        req.attempts++;
        this.records.retry(req);
        this.retrying.add(req);
        this.sim.after(delay, this.onRetry, req, ARRIVAL);
        return;
      }
    }
    this.finishAttempt(req, status);
  }

  private finishAttempt(req: Request, status: number): void {
    this.setInSystem(this.inSystem - 1);
    this.changeTokens(req, -1);
    this.finish(req, status);
  }

  /** The final answer: recorded, then handed at once to a waiting caller (a chain's call attempt). */
  private finish(req: Request, status: number): void {
    this.records.finished(req, status);
    if (req.call !== null) req.call.answer(status);
    else if (req.work === null && this.drawWork === null) this.recycle(req);
  }

  /**
   * A finished request of a plain deployment is reused by the next arrival: ~200 bytes and its
   * boxed numbers less to allocate and collect per request (a tenth of a run was the young
   * generation's collections). Nothing that can still act on it holds it: it left the queue, its
   * replica and the retry set; its end event fired or was cancelled (a fired one waits in
   * Serving's spare list, out of the heap, still pointing at it until it is reused with a new
   * argument); the records keep copies (requests.csv rows), never the object. A
   * chain's requests are not reused: their call handles and step runs may outlive the answer.
   */
  private recycle(req: Request): void {
    if (req.end !== null || req.prev !== null || req.next !== null || req.run !== null) return; // never while something links to it
    req.tokens = undefined;
    req.rep = null;
    req.cont = null;
    this.spare.push(req);
  }

  /** Requests still queued at their deadline fail with 500; the queue is in deadline order. */
  private armQueueTimer(): void {
    this.queueTimer = this.sim.at(this.queue.peek()!.deadline, this.onQueueDeadline, undefined, DEADLINE);
  }

  private queueDeadline(): void {
    this.queueTimer = null;
    const now = this.sim.now;
    while (this.queue.size > 0 && this.queue.peek()!.deadline <= now) {
      const req = this.queue.shift()!;
      req.queueWait += now - req.queuedAt;
      this.records.queueTimedOut(req);
      this.finishAttempt(req, 500);
    }
    if (this.queue.size > 0) this.armQueueTimer();
  }

  /** Requests not ended: queued, on replicas (draining ones too), or sleeping in a retry back-off; by id. */
  liveRequests(replicas: readonly Replica[]): Request[] {
    const out: Request[] = [];
    for (let i = 0; i < this.queue.size; i++) out.push(this.queue.at(i)!);
    for (const r of replicas) out.push(...activeRequests(r));
    out.push(...this.retrying);
    return out.sort((a, b) => a.id - b.id);
  }
}
