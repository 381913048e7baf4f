import type { EventHandle, Simulation } from '../engine/simulation.js';
import { exponential, stream, type Rng } from '../engine/random.js';
import { InFlightWindow } from './autoscaling/in-flight-window.js';
import type { AutoscalerPolicy } from './autoscaling/policy.js';
import { autoscalerPolicy } from './autoscaling/registry.js';
import type { Config, Fault, FaultKind } from './config.js';
import { nextBackoff } from './crash-loop-backoff.js';
import { sampler, type Sampler, type Tokens } from './distributions.js';
import { isHealthy, newHealthMemory, recordResponse } from './health-rules.js';
import { LatencyHistogram } from './latency-histogram.js';
import { checksFor, newCounter, observe } from './probe-counter.js';
import { pickForRemoval } from './removal-order.js';
import { activeRequests, addActive, isCurrent, newReplica, removeActive, type Container, type Replica, type ReplicaState } from './replica.js';
import type { Request } from './request.js';
import { pickReplica, retryDelay } from './router.js';
import type { EventRow, FaultRecord, Sinks, Summary, TimelineRow } from './summary.js';
import { arrivalProcess, type ArrivalProcess } from './traffic.js';

export type RestartCause = 'liveness' | 'crash' | 'load_failure' | 'startup';

const OK = 200;
/** `load()` is retried once, 1 s after a failure (truss NUM_LOAD_RETRIES = 1). */
const LOAD_RETRY_DELAY = 1;
const LOAD_RETRIES = 1;

/**
 * One deployment under one scenario: replicas, their containers and probes,
 * the router, the autoscaler, faults and billing, all driven by the engine's
 * clock. Records stream to `sinks`; `finish()` returns the summary.
 */
export class Deployment {
  private readonly replicas: Replica[] = [];
  /** Routable replicas, sorted by id (the router's candidates). */
  private routable: Replica[] = [];
  /** Router FIFO queue (head index, compacted now and then). */
  private queue: Request[] = [];
  private qHead = 0;
  private queueTimer: EventHandle | null = null;
  /** Requests queued or dispatched (not those sleeping in a retry back-off): the autoscaler's in-flight. */
  private inSystem = 0;
  /** Requests sleeping in a retry back-off (the others are in the queue or on replicas). */
  private retrying = new Set<Request>();
  private nextRequestId = 0;

  private readonly window: InFlightWindow;
  private readonly policy: AutoscalerPolicy<unknown> = autoscalerPolicy('baseten');
  private scaler: unknown = this.policy.initial;
  private desired = 0;
  private lastAvg = 0;

  private readonly rng: {
    service: Rng;
    startup: Rng;
    errors: Rng;
    probes: Rng;
  };
  private readonly draw: { service: Sampler; schedule: Sampler; pull: Sampler; load: Sampler };
  private readonly stopChecks: number;
  private readonly restartChecks: number;
  private readonly startupChecks: number;
  private readonly billingOn: boolean;

  // Totals for the summary.
  private arrived = 0;
  private succeeded = 0;
  private failed = 0;
  private retried = 0;
  private byStatus = new Map<number, number>();
  private latency = new LatencyHistogram();
  private queueWait = new LatencyHistogram();
  private restarts = 0;
  private trafficStops = 0;
  private coldStarts = 0;
  private peak = 0;
  private currentCount = 0;
  private replicaSecondsIntegral = 0;
  private lastCountChange = 0;
  private closedBilledMinutes = 0;
  private faultRecords: FaultRecord[] = [];
  private warnings: string[] = [];

  // Per sample interval.
  private iv = { arrivals: 0, succeeded: 0, failed: 0, byStatus: new Map<number, number>() };
  private ivLatency = new LatencyHistogram();

  constructor(
    private readonly sim: Simulation,
    private readonly cfg: Config,
    private readonly sinks: Sinks,
  ) {
    const seed = cfg.seed;
    this.rng = {
      service: stream(seed, 'service'),
      startup: stream(seed, 'startup'),
      errors: stream(seed, 'errors'),
      probes: stream(seed, 'probes'),
    };
    const st = cfg.deployment.startup;
    this.draw = {
      service: sampler(cfg.deployment.service_time, this.rng.service),
      schedule: sampler(st.schedule, this.rng.startup),
      pull: sampler(st.image_pull, this.rng.startup),
      load: sampler(st.load, this.rng.startup),
    };
    const hc = cfg.deployment.runtime.health_checks;
    const period = cfg.assumptions.probe_period;
    this.stopChecks = checksFor(hc.stop_traffic_threshold_seconds, period);
    this.restartChecks = checksFor(hc.restart_threshold_seconds, period);
    this.startupChecks = checksFor(hc.startup_threshold_seconds ?? 1800, period);
    this.billingOn = !(cfg.deployment.environment === 'development' && cfg.platform === 'baseten-2026');
    this.window = new InFlightWindow(cfg.deployment.autoscaling.autoscaling_window);
  }

  /** Schedule everything that starts at t = 0. */
  start(): void {
    const { cfg, sim } = this;
    const a = cfg.deployment.autoscaling;
    const n = cfg.deployment.initial_replicas ?? Math.max(1, a.min_replica);
    this.desired = n;
    for (let i = 0; i < n; i++) {
      if (cfg.deployment.initial_state === 'warm') this.createWarmReplica();
      else this.createColdReplica();
    }
    cfg.traffic.forEach((tr, i) => {
      const proc = arrivalProcess(tr, stream(cfg.seed, `arrivals/${i}`), cfg.duration);
      const t = proc.next();
      if (t !== null) sim.at(t, this.onArrival, proc);
    });
    cfg.faults.forEach((f, i) => this.scheduleFault(f, stream(cfg.seed, `faults/${i}`)));
    const interval = cfg.assumptions.autoscaler_interval;
    const tick = (): void => {
      this.autoscale();
      sim.after(interval, tick);
    };
    sim.at(interval, tick);
    const dt = cfg.output.sample_interval;
    const sample = (): void => {
      this.sample();
      sim.after(dt, sample);
    };
    sim.at(dt, sample);
  }

  // Long-lived handlers for the hot events: no closure per request.
  private readonly onArrival = (proc: ArrivalProcess): void => {
    this.arrive(proc.tokens());
    const t = proc.next();
    if (t !== null) this.sim.at(t, this.onArrival, proc);
  };
  private readonly onServiceEnd = (req: Request): void => this.serviceEnded(req);
  private readonly onRetry = (req: Request): void => {
    this.retrying.delete(req);
    this.enqueue(req);
  };

  // ───────────────────────── replicas ─────────────────────────

  private addReplica(state: ReplicaState): Replica {
    const r = newReplica(this.replicas.length, state);
    this.replicas.push(r);
    this.emit(r.id, 'state', '', state);
    this.countChanged(+1);
    return r;
  }

  private createColdReplica(): void {
    const r = this.addReplica('scheduling');
    this.coldStarts++;
    const { sim } = this;
    r.timers.push(
      sim.after(this.draw.schedule(), () => {
        this.setState(r, 'pulling');
        r.timers.push(sim.after(this.draw.pull(), () => this.startContainer(r)));
      }),
    );
  }

  /** `initial_state: warm`: container started at t = 0, loaded, ready and routable. */
  private createWarmReplica(): void {
    const r = this.addReplica('ready');
    const c = this.newContainer(r, true);
    r.container = c;
    this.bill(r);
    r.billedFrom = this.sim.now;
    c.loaded = true;
    this.scheduleProbes(r, c, this.sim.now + this.cfg.deployment.runtime.health_checks.restart_check_delay_seconds);
    this.setRoutable(r, true);
    this.emit(r.id, 'routable', '', '');
  }

  private newContainer(r: Replica, warm: boolean): Container {
    const c: Container = {
      startedAt: this.sim.now,
      alive: true,
      loaded: false,
      hung: false,
      cudaError: false,
      errorRate: null,
      slowdown: null,
      health: newHealthMemory(),
      readiness: newCounter(warm),
      liveness: newCounter(true),
      startup: this.cfg.platform === 'baseten-2026' && !warm ? newCounter(false) : null,
      everRoutable: warm,
      probeTimer: null,
      timers: [],
    };
    const cl = r.crashLoop;
    if (cl && this.sim.now < cl.until) c.timers.push(this.sim.after(cl.after, () => this.kill(r, 'crash')));
    return c;
  }

  /** A new container runs load(): on first start after the pull, and after every restart. */
  private startContainer(r: Replica): void {
    if (r.billedFrom === null) {
      r.billedFrom = this.sim.now;
      r.billMark = this.sim.now;
    }
    this.setState(r, 'loading');
    const c = this.newContainer(r, false);
    r.container = c;
    this.runLoad(r, c, 0);
    this.scheduleProbes(r, c, this.sim.now + this.cfg.deployment.runtime.health_checks.restart_check_delay_seconds);
  }

  private runLoad(r: Replica, c: Container, failures: number): void {
    const d = this.draw.load();
    const fails = this.rng.startup() < this.cfg.deployment.startup.load_failure_probability;
    c.timers.push(
      this.sim.after(d, () => {
        if (!fails) {
          c.loaded = true;
          this.setState(r, 'ready');
        } else if (failures < LOAD_RETRIES) {
          c.timers.push(this.sim.after(LOAD_RETRY_DELAY, () => this.runLoad(r, c, failures + 1)));
        } else {
          this.kill(r, 'load_failure');
        }
      }),
    );
  }

  private setState(r: Replica, to: ReplicaState): void {
    this.bill(r);
    const from = r.state;
    r.state = to;
    this.emit(r.id, 'state', from, to);
    if (to !== 'ready' && r.routable) this.setRoutable(r, false);
    if (to !== 'ready') r.trafficStopped = false;
  }

  private setRoutable(r: Replica, on: boolean): void {
    if (r.routable === on) return;
    this.bill(r);
    r.routable = on;
    if (on) {
      let i = this.routable.length;
      while (i > 0 && this.routable[i - 1]!.id > r.id) i--;
      this.routable.splice(i, 0, r);
    } else {
      this.routable.splice(this.routable.indexOf(r), 1);
    }
  }

  /** The container dies (liveness, crash, failed load): fail its requests, back off, start a new one. */
  private kill(r: Replica, cause: RestartCause): void {
    const c = r.container;
    if (!c || !c.alive) return;
    this.endContainer(r, c);
    r.restarts++;
    this.restarts++;
    const { delay, next } = nextBackoff(r.backoff, this.sim.now);
    r.backoff = next;
    this.emit(r.id, 'restart', '', '', `cause=${cause};backoff=${delay}`);
    this.markFaults(r, 'restarted_at');
    this.setState(r, 'backoff');
    r.timers.push(this.sim.after(delay, () => this.startContainer(r)));
    this.dispatch();
  }

  private endContainer(r: Replica, c: Container): void {
    c.alive = false;
    this.stopTimers(c);
    this.setRoutable(r, false);
    this.failActive(r, 503);
  }

  private stopTimers(c: Container): void {
    for (const t of c.timers) this.sim.cancel(t);
    c.timers = [];
    this.sim.cancel(c.probeTimer);
    c.probeTimer = null;
  }

  /** In-flight requests on a killed container fail with 503 (retried by the router). */
  private failActive(r: Replica, status: number): void {
    const reqs = activeRequests(r);
    r.activeHead = null;
    r.waiting = [];
    r.running = 0;
    r.inFlight = 0;
    for (const req of reqs) {
      this.sim.cancel(req.end);
      req.end = null;
      req.prev = req.next = null;
      this.countReplicaFailure(r);
      this.attemptFailed(req, status);
    }
  }

  /** Remove a replica (scale-down): it drains, unbilled, and is gone when empty. */
  private terminate(r: Replica): void {
    for (const t of r.timers) this.sim.cancel(t);
    r.timers = [];
    // The container keeps running to drain its requests, but no longer probes, loads or crashes.
    if (r.container) this.stopTimers(r.container);
    this.setState(r, 'terminating');
    this.closeBilling(r);
    this.countChanged(-1);
    this.maybeTerminated(r);
  }

  private maybeTerminated(r: Replica): void {
    if (r.state !== 'terminating' || r.inFlight > 0) return;
    if (r.container) r.container.alive = false;
    this.setState(r, 'terminated');
  }

  // ───────────────────────── probes ─────────────────────────

  /**
   * Probes of a container: the first check at `first` (container start + delay,
   * plus a random phase with `probe_phase: random`), then every period.
   */
  private scheduleProbes(r: Replica, c: Container, first: number): void {
    const period = this.cfg.assumptions.probe_period;
    const phase = this.cfg.assumptions.probe_phase === 'random' ? this.rng.probes() * period : 0;
    const tick = (): void => {
      if (!c.alive) return;
      if (c.hung) {
        // The check times out: its failure is known probe_timeout later.
        c.timers.push(this.sim.after(this.cfg.assumptions.probe_timeout, () => c.alive && this.onCheck(r, c, false)));
      } else {
        this.onCheck(r, c, this.checkPasses(c));
      }
      if (c.alive) c.probeTimer = this.sim.after(period, tick);
    };
    c.probeTimer = this.sim.at(first + phase, tick);
  }

  /** What one check sees (SPEC §3): loading fails; otherwise the custom rule, if any. */
  private checkPasses(c: Container): boolean {
    if (!c.loaded) return false;
    return isHealthy(c.health, this.cfg.deployment.is_healthy, this.sim.now);
  }

  private onCheck(r: Replica, c: Container, ok: boolean): void {
    if (c.startup) {
      // baseten-2026: only the startup probe runs until it passes.
      const s = observe(c.startup, ok, this.startupChecks);
      c.startup = s.next;
      if (ok) {
        c.startup = null;
        c.readiness = { lastOk: true, run: 1, passing: true };
        this.readinessPassed(r, c);
      } else if (!s.next.passing && s.next.run >= this.startupChecks) {
        this.kill(r, 'startup');
      }
      return;
    }
    const rd = observe(c.readiness, ok, this.stopChecks);
    c.readiness = rd.next;
    if (rd.changed) {
      if (rd.next.passing) this.readinessPassed(r, c);
      else if (r.routable) this.stopTraffic(r);
    } else if (ok && !r.routable && r.state === 'ready') {
      this.readinessPassed(r, c);
    }
    const lv = observe(c.liveness, ok, this.restartChecks);
    c.liveness = lv.next;
    if (lv.changed && !lv.next.passing) this.kill(r, 'liveness');
  }

  private readinessPassed(r: Replica, c: Container): void {
    if (r.state !== 'ready' || r.routable) return;
    const resumed = c.everRoutable;
    c.everRoutable = true;
    r.trafficStopped = false;
    this.setRoutable(r, true);
    this.emit(r.id, resumed ? 'traffic_resumed' : 'routable', '', '');
    this.markFaults(r, 'routable_again_at');
    this.dispatch();
  }

  private stopTraffic(r: Replica): void {
    this.setRoutable(r, false);
    r.trafficStopped = true;
    this.trafficStops++;
    this.emit(r.id, 'traffic_stopped', '', '', `failures=${this.stopChecks}`);
    this.markFaults(r, 'traffic_stopped_at');
  }

  // ───────────────────────── requests and routing ─────────────────────────

  private arrive(tokens: Tokens | undefined): void {
    const now = this.sim.now;
    this.arrived++;
    this.iv.arrivals++;
    const req: Request = {
      id: this.nextRequestId++,
      arrival: now,
      service: this.draw.service(tokens),
      tokens,
      attempts: 1,
      queuedAt: now,
      deadline: now,
      queueWait: 0,
      dispatchedAt: null,
      replica: null,
      startedAt: now,
      end: null,
      status: OK,
      rep: null,
      cont: null,
      prev: null,
      next: null,
    };
    this.enqueue(req);
  }

  private enqueue(req: Request): void {
    const now = this.sim.now;
    const maxQ = this.cfg.request.max_queue;
    const queued = this.queue.length - this.qHead;
    // Shed only a request that would have to wait: with max_queue 0 an idle replica still takes it.
    // (A non-empty queue means no replica is free, so such an arrival would wait behind it.)
    if (maxQ !== null && queued >= maxQ && (queued > 0 || pickReplica(this.routable, this.cfg.deployment.autoscaling.concurrency_target) === null)) {
      this.complete(req, 429);
      return;
    }
    req.queuedAt = now;
    req.deadline = now + this.cfg.request.timeout;
    this.queue.push(req);
    this.setInSystem(this.inSystem + 1);
    if (this.currentCount === 0) this.autoscale(); // the activator's poke: no waiting for the next tick
    this.dispatch();
    if (this.queue.length > this.qHead && this.queueTimer === null) this.armQueueTimer();
  }

  /** Send queued requests to replicas while some replica is below its target. */
  private dispatch(): void {
    const target = this.cfg.deployment.autoscaling.concurrency_target;
    while (this.qHead < this.queue.length) {
      const r = pickReplica(this.routable, target);
      if (r === null) break;
      const req = this.queue[this.qHead]!;
      this.queue[this.qHead++] = undefined as unknown as Request;
      this.assign(req, r);
    }
    if (this.qHead > 1024 && this.qHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.qHead);
      this.qHead = 0;
    }
  }

  private assign(req: Request, r: Replica): void {
    const now = this.sim.now;
    req.queueWait += now - req.queuedAt;
    req.dispatchedAt = now;
    req.replica = r.id;
    r.inFlight++;
    addActive(r, req);
    if (r.running < this.cfg.deployment.runtime.predict_concurrency) this.startService(req, r);
    else r.waiting.push(req);
  }

  /** The request gets a predict slot: decide how it ends (completion, fault error, or timeout). */
  private startService(req: Request, r: Replica): void {
    const now = this.sim.now;
    const c = r.container!;
    r.running++;
    req.startedAt = now;
    let status = OK;
    let dur: number;
    if (c.hung) {
      dur = Infinity;
    } else if (c.cudaError || (c.errorRate && now < c.errorRate.until && this.rng.errors() < c.errorRate.probability)) {
      status = 500;
      dur = this.cfg.assumptions.error_latency;
    } else {
      dur = c.slowdown && now < c.slowdown.until ? req.service * c.slowdown.factor : req.service;
    }
    req.rep = r;
    req.cont = c;
    if (now + dur > req.deadline) {
      req.status = 504;
      req.end = this.sim.at(Math.max(now, req.deadline), this.onServiceEnd, req);
    } else {
      req.status = status;
      req.end = this.sim.after(dur, this.onServiceEnd, req);
    }
  }

  private serviceEnded(req: Request): void {
    const now = this.sim.now;
    const r = req.rep!;
    const c = req.cont!;
    const status = req.status;
    req.end = null;
    removeActive(r, req);
    r.running--;
    r.inFlight--;
    if (c.alive) recordResponse(c.health, this.cfg.deployment.is_healthy, now, status, now - req.dispatchedAt!);
    if (status >= 500) this.countReplicaFailure(r);
    if (status === OK) this.finishAttempt(req, OK);
    else this.attemptFailed(req, status);
    // Next waiting request takes the slot; a drained replica may now be gone.
    while (r.waiting.length > 0 && r.running < this.cfg.deployment.runtime.predict_concurrency && c.alive) {
      this.startService(r.waiting.shift()!, r);
    }
    this.maybeTerminated(r);
    this.dispatch();
  }

  /** A failed attempt: 502/503/504 are retried with back-off within max_total; others end the request. */
  private attemptFailed(req: Request, status: number): void {
    const retry = this.cfg.request.retry;
    if (retry.statuses.includes(status)) {
      const delay = retryDelay(req.attempts, retry.initial, retry.multiplier, retry.max_interval);
      if (this.sim.now + delay - req.arrival <= retry.max_total) {
        this.setInSystem(this.inSystem - 1);
        req.attempts++;
        this.retried++;
        this.retrying.add(req);
        this.sim.after(delay, this.onRetry, req);
        return;
      }
    }
    this.finishAttempt(req, status);
  }

  private finishAttempt(req: Request, status: number): void {
    this.setInSystem(this.inSystem - 1);
    this.complete(req, status);
  }

  /** The request's final response. */
  private complete(req: Request, status: number): void {
    const now = this.sim.now;
    const latency = now - req.arrival;
    if (status === OK) {
      this.succeeded++;
      this.iv.succeeded++;
      this.latency.add(latency);
      this.ivLatency.add(latency);
    } else {
      this.failed++;
      this.iv.failed++;
      this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
      this.iv.byStatus.set(status, (this.iv.byStatus.get(status) ?? 0) + 1);
    }
    this.queueWait.add(req.queueWait);
    this.sinks.request?.({
      id: req.id,
      arrival: req.arrival,
      dispatched: req.dispatchedAt,
      replica: req.replica,
      finished: now,
      status,
      attempts: req.attempts,
      latency,
    });
  }

  /** Requests still queued at their deadline fail with 500 [request-lifecycle]; the queue is in deadline order. */
  private armQueueTimer(): void {
    const head = this.queue[this.qHead]!;
    this.queueTimer = this.sim.at(head.deadline, () => {
      this.queueTimer = null;
      const now = this.sim.now;
      while (this.qHead < this.queue.length && this.queue[this.qHead]!.deadline <= now) {
        const req = this.queue[this.qHead]!;
        this.queue[this.qHead++] = undefined as unknown as Request;
        req.queueWait += now - req.queuedAt;
        this.finishAttempt(req, 500);
      }
      if (this.qHead < this.queue.length) this.armQueueTimer();
    });
  }

  private setInSystem(n: number): void {
    this.inSystem = n;
    this.window.set(this.sim.now, n);
  }

  // ───────────────────────── autoscaler ─────────────────────────

  private autoscale(): void {
    const now = this.sim.now;
    const avg = this.window.average(now);
    this.lastAvg = avg;
    const d = this.policy.decide(this.scaler, { now, avgInFlight: avg, inFlightNow: this.window.current, current: this.currentCount }, this.cfg.deployment.autoscaling);
    this.scaler = d.state;
    this.desired = d.desired;
    const detail = `avg_in_flight=${round(avg)};desired=${d.desired}`;
    if (d.action.kind === 'up') {
      const from = this.currentCount;
      this.emit(null, 'scale_up', from, from + d.action.count, detail);
      for (let i = 0; i < d.action.count; i++) this.createColdReplica();
    } else if (d.action.kind === 'down') {
      const from = this.currentCount;
      this.emit(null, 'scale_down', from, from - d.action.count, detail);
      for (const r of pickForRemoval(this.replicas.filter(isCurrent), d.action.count)) this.terminate(r);
    }
  }

  private countChanged(delta: number): void {
    const now = this.sim.now;
    this.replicaSecondsIntegral += this.currentCount * (now - this.lastCountChange);
    this.lastCountChange = now;
    this.currentCount += delta;
    if (this.currentCount > this.peak) this.peak = this.currentCount;
  }

  // ───────────────────────── faults ─────────────────────────

  private scheduleFault(f: Fault, rng: Rng): void {
    const occur = (t: number): void => {
      if (!(t < this.cfg.duration)) return;
      this.sim.at(t, () => {
        this.applyFault(f, rng);
        if (f.mtbf !== null) occur(this.sim.now + exponential(rng, f.mtbf));
      });
    };
    occur(f.at);
  }

  private applyFault(f: Fault, rng: Rng): void {
    const now = this.sim.now;
    const live = this.replicas.filter(isCurrent);
    let targets: Replica[];
    switch (f.replica.kind) {
      case 'index': {
        const r = this.replicas[f.replica.index];
        targets = r && isCurrent(r) ? [r] : [];
        break;
      }
      case 'all':
        targets = live;
        break;
      case 'random':
        targets = live.length > 0 ? [live[Math.floor(rng() * live.length)]!] : [];
        break;
      case 'fraction': {
        const k = Math.round(f.replica.fraction * live.length);
        const pool = [...live];
        targets = [];
        for (let i = 0; i < k; i++) targets.push(pool.splice(Math.floor(rng() * pool.length), 1)[0]!);
        targets.sort((a, b) => a.id - b.id);
        break;
      }
    }
    if (targets.length === 0) {
      const who = f.replica.kind === 'index' ? `replica ${f.replica.index}` : `replica: ${f.replica.kind}`;
      this.warnings.push(`fault ${f.kind} at ${round(now)} s: ${who} does not exist at that time; nothing happened`);
      return;
    }
    for (const r of targets) this.hit(r, f);
  }

  /** Apply one occurrence of a fault to one replica. */
  private hit(r: Replica, f: Fault): void {
    const now = this.sim.now;
    const c = r.container?.alive ? r.container : null;
    const needsContainer = f.kind !== 'crash_loop' && f.kind !== 'preemption';
    if (needsContainer && !c) {
      this.warnings.push(`fault ${f.kind} at ${round(now)} s: replica ${r.id} has no running container (${r.state}); nothing happened`);
      return;
    }
    this.emit(r.id, 'fault', '', '', `kind=${f.kind}`);
    const rec: FaultRecord = {
      kind: f.kind,
      replica: r.id,
      at: now,
      traffic_stopped_at: null,
      restarted_at: null,
      routable_again_at: null,
      failed_requests_before_stop: 0,
    };
    this.faultRecords.push(rec);
    r.openFaults.push(rec);
    const until = f.duration === null ? Infinity : now + f.duration;
    if (c) c.health.faults.add(f.kind as FaultKind);
    switch (f.kind) {
      case 'cuda_error':
        c!.cudaError = true;
        break;
      case 'error_rate':
        c!.errorRate = { probability: f.probability, until };
        break;
      case 'slowdown':
        c!.slowdown = { factor: f.factor, until };
        break;
      case 'hang':
        this.hang(r, c!);
        break;
      case 'crash':
        this.kill(r, 'crash');
        break;
      case 'crash_loop':
        r.crashLoop = { after: f.after, until };
        if (c) {
          const at = Math.max(now, c.startedAt + f.after);
          c.timers.push(this.sim.at(at, () => this.kill(r, 'crash')));
        }
        break;
      case 'preemption':
        this.preempt(r);
        break;
    }
  }

  /** A hung process: requests in its slots never finish and end at their deadline (504). */
  private hang(r: Replica, c: Container): void {
    c.hung = true;
    for (let req = r.activeHead; req; req = req.next) {
      if (req.end === null) continue; // waiting for a slot: it will hang when it gets one
      this.sim.cancel(req.end);
      req.status = 504;
      req.end = this.sim.at(Math.max(this.sim.now, req.deadline), this.onServiceEnd, req);
    }
  }

  /** Node lost: the replica is gone at once; its requests fail with 503 and are retried elsewhere. */
  private preempt(r: Replica): void {
    for (const t of r.timers) this.sim.cancel(t);
    r.timers = [];
    if (r.container?.alive) this.endContainer(r, r.container);
    this.markFaults(r, 'restarted_at');
    this.setState(r, 'terminated');
    this.closeBilling(r);
    this.countChanged(-1);
    this.dispatch();
  }

  /** Stamp the open fault records of a replica with the first time of each outcome. */
  private markFaults(r: Replica, field: 'traffic_stopped_at' | 'restarted_at' | 'routable_again_at'): void {
    const now = this.sim.now;
    for (const rec of r.openFaults) {
      if (field === 'routable_again_at') {
        if (rec.traffic_stopped_at === null && rec.restarted_at === null) continue;
      }
      if (rec[field] === null) rec[field] = now;
    }
    if (field === 'routable_again_at') r.openFaults = r.openFaults.filter((rec) => rec.routable_again_at === null);
  }

  private countReplicaFailure(r: Replica): void {
    for (const rec of r.openFaults) {
      if (rec.traffic_stopped_at === null && rec.restarted_at === null) rec.failed_requests_before_stop++;
    }
  }

  // ───────────────────────── billing ─────────────────────────

  /** Accrue billed time up to now; call before any change of state or routability. */
  private bill(r: Replica): void {
    const now = this.sim.now;
    if (r.billedFrom !== null && isBilledState(r.state)) {
      const dt = now - r.billMark;
      r.billedSeconds += dt;
      if (!r.routable) r.notServingSeconds += dt;
    }
    r.billMark = now;
  }

  private closeBilling(r: Replica): void {
    this.bill(r);
    if (r.billedFrom !== null) this.closedBilledMinutes += billedMinutes(r.billedSeconds);
  }

  private billedMinutesNow(): number {
    let m = this.closedBilledMinutes;
    for (const r of this.replicas) {
      if (r.billedFrom === null || !isBilledState(r.state)) continue;
      this.bill(r);
      m += billedMinutes(r.billedSeconds);
    }
    return this.billingOn ? m : 0;
  }

  // ───────────────────────── records ─────────────────────────

  private emit(replica: number | null, event: EventRow['event'], from: string | number, to: string | number, detail = ''): void {
    this.sinks.event?.({ t: this.sim.now, replica, event, from, to, detail });
  }

  /** One timeline row for the interval ending now. */
  sample(): void {
    if (!this.sinks.sample) {
      this.resetInterval();
      return;
    }
    let starting = 0;
    let ready = 0;
    let stopped = 0;
    let backoff = 0;
    for (const r of this.replicas) {
      if (r.state === 'scheduling' || r.state === 'pulling' || r.state === 'loading') starting++;
      else if (r.state === 'ready') {
        ready++;
        if (r.trafficStopped) stopped++;
      } else if (r.state === 'backoff') backoff++;
    }
    const billed = this.billedMinutesNow();
    const st = this.iv.byStatus;
    const row: TimelineRow = {
      t: this.sim.now,
      arrivals: this.iv.arrivals,
      succeeded: this.iv.succeeded,
      failed: this.iv.failed,
      in_flight: this.inSystem,
      queued: this.queue.length - this.qHead,
      replicas: this.currentCount,
      starting,
      ready,
      routable: this.routable.length,
      traffic_stopped: stopped,
      backoff,
      desired: this.desired,
      window_avg_in_flight: this.lastAvg,
      billed_minutes: billed,
      cost: billed * this.cfg.deployment.instance.price_per_minute,
      latency_p50: this.ivLatency.quantile(0.5),
      latency_p99: this.ivLatency.quantile(0.99),
      failed_429: st.get(429) ?? 0,
      failed_500: st.get(500) ?? 0,
      failed_502: st.get(502) ?? 0,
      failed_503: st.get(503) ?? 0,
      failed_504: st.get(504) ?? 0,
    };
    this.resetInterval();
    this.sinks.sample(row);
  }

  private resetInterval(): void {
    this.iv.arrivals = 0;
    this.iv.succeeded = 0;
    this.iv.failed = 0;
    this.iv.byStatus.clear();
    this.ivLatency.reset();
  }

  /** Requests not ended: queued, on replicas (draining ones too), or sleeping in a retry back-off; by id. */
  private liveRequests(): Request[] {
    const out: Request[] = [];
    for (let i = this.qHead; i < this.queue.length; i++) out.push(this.queue[i]!);
    for (const r of this.replicas) out.push(...activeRequests(r));
    out.push(...this.retrying);
    return out.sort((a, b) => a.id - b.id);
  }

  /** Close the run at the horizon (the clock is at `duration`) and build the summary. */
  finish(): Summary {
    const cfg = this.cfg;
    const end = this.sim.now;
    // Samples fire at k·dt < duration, so the row at the horizon is always still to write.
    this.sample();
    const price = cfg.deployment.instance.price_per_minute;
    let billed = 0;
    let notServing = 0;
    for (const r of this.replicas) {
      this.bill(r);
      if (r.billedFrom !== null) {
        billed += billedMinutes(r.billedSeconds);
        notServing += r.notServingSeconds / 60;
      }
    }
    if (!this.billingOn) {
      billed = 0;
      notServing = 0;
    }
    const live = this.liveRequests();
    for (const req of live) {
      this.sinks.request?.({
        id: req.id,
        arrival: req.arrival,
        dispatched: req.dispatchedAt,
        replica: req.replica,
        finished: null,
        status: null,
        attempts: req.attempts,
        latency: null,
      });
    }
    this.countChanged(0);
    const inFlightEnd = live.length;
    const finished = this.arrived - inFlightEnd;
    const cost = billed * price;
    const byStatus: Record<string, number> = {};
    for (const s of [...this.byStatus.keys()].sort((a, b) => a - b)) byStatus[String(s)] = this.byStatus.get(s)!;
    return {
      scenario: cfg.name,
      seed: cfg.seed,
      duration_s: cfg.duration,
      platform: cfg.platform,
      requests: {
        arrived: this.arrived,
        succeeded: this.succeeded,
        failed: this.failed,
        in_flight_at_end: inFlightEnd,
        retried_attempts: this.retried,
        by_status: byStatus,
      },
      availability: finished > 0 ? this.succeeded / finished : null,
      latency_s: {
        mean: this.latency.mean(),
        p50: this.latency.quantile(0.5),
        p90: this.latency.quantile(0.9),
        p95: this.latency.quantile(0.95),
        p99: this.latency.quantile(0.99),
        max: this.latency.max(),
      },
      queue_wait_s: { mean: this.queueWait.mean(), p99: this.queueWait.quantile(0.99) },
      replicas: {
        created: this.replicas.length,
        peak: this.peak,
        mean: end > 0 ? this.replicaSecondsIntegral / end : 0,
        restarts: this.restarts,
        cold_starts: this.coldStarts,
        traffic_stops: this.trafficStops,
      },
      health: { faults: this.faultRecords },
      billing: {
        billed_minutes: billed,
        cost,
        cost_per_1k_succeeded: this.succeeded > 0 ? (cost / this.succeeded) * 1000 : null,
        minutes_not_serving: notServing,
        price_per_minute: price,
      },
      warnings: this.warnings,
    };
  }
}

/** Billed states (SPEC §2): container running or backing off; not scheduling, pulling or draining. */
function isBilledState(s: ReplicaState): boolean {
  return s === 'loading' || s === 'ready' || s === 'backoff';
}

/** Per replica, partial minutes round up [billing]. The epsilon absorbs float noise (120.0000001 s is 2 minutes). */
export function billedMinutes(seconds: number): number {
  return seconds <= 0 ? 0 : Math.ceil(seconds / 60 - 1e-9);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
