import type { Rng } from '../engine/random.js';
import type { Simulation } from '../engine/simulation.js';
import type { ScaleTarget } from './autoscaling/autoscaler.js';
import type { Meter } from './billing.js';
import type { Config } from './config.js';
import { nextBackoff } from './crash-loop-backoff.js';
import type { Sampler } from './distributions.js';
import { newHealthMemory } from './health-rules.js';
import { newCounter } from './probe-counter.js';
import { PHASE_END } from './priorities.js';
import type { Probes } from './probes.js';
import type { ServiceReports } from './reports.js';
import { pickForRemoval } from './removal-order.js';
import { isCurrent, newReplica, type Container, type Replica, type ReplicaState, type RestartCause } from './replica.js';
import type { Router } from './router.js';
import type { Serving } from './serving.js';

/** `load()` is retried once, 1 s after a failure (truss NUM_LOAD_RETRIES = 1). */
const LOAD_RETRY_DELAY = 1;
const LOAD_RETRIES = 1;

/**
 * Replicas and their containers (SPEC §2): scheduling → pulling → loading → ready, a
 * container's load() with its one retry, kills with CrashLoopBackOff and a new container,
 * scale-down (drain, then gone) and node loss. Numbers replicas by creation.
 */
export class Lifecycle implements ScaleTarget {
  readonly replicas: Replica[] = [];
  /** Replicas not terminating (what the autoscaler counts). */
  current = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly cfg: Config,
    /** Startup phases, all from the 'startup' stream (as is the load failure draw). */
    private readonly draw: { schedule: Sampler; pull: Sampler; load: Sampler },
    private readonly startup: Rng,
    private readonly probes: Probes,
    private readonly router: Router,
    private readonly serving: Serving,
    private readonly meter: Meter,
    private readonly records: ServiceReports,
  ) {}

  // Long-lived timer handlers (the replica is their argument).
  private readonly onScheduled = (r: Replica): void => {
    this.setState(r, 'pulling');
    r.timers.after(this.draw.pull(), this.onStartContainer, r, PHASE_END);
  };
  /** After the pull, and after a back-off. */
  private readonly onStartContainer = (r: Replica): void => this.startContainer(r);

  // ───────────────────────── replicas ─────────────────────────

  private addReplica(state: ReplicaState): Replica {
    const r = newReplica(this.replicas.length, state, this.sim.group());
    this.replicas.push(r);
    this.records.replicaState(r.id, '', state);
    this.countChanged(+1);
    return r;
  }

  private countChanged(delta: number): void {
    this.current += delta;
    this.records.replicaCount(this.current);
  }

  createCold(): void {
    const r = this.addReplica('scheduling');
    this.records.coldStart(r.id);
    r.timers.after(this.draw.schedule(), this.onScheduled, r, PHASE_END);
  }

  /** `initial_state: warm`: container started at t = 0, loaded, ready and routable. */
  createWarm(): void {
    const r = this.addReplica('ready');
    const c = this.newContainer(r, true);
    r.container = c;
    this.meter.start(r);
    c.loaded = true;
    this.probes.start(r, c);
    this.router.setRoutable(r, true);
    this.records.routable(r.id, false);
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
      timers: this.sim.group(),
    };
    const after = this.crashLoopAfter(r);
    if (after !== null) c.timers.after(after, () => this.kill(r, 'crash'), undefined, PHASE_END);
    return c;
  }

  /** SPEC §7: the smallest `after` of the crash loops in force now (ended ones are dropped), or null. */
  private crashLoopAfter(r: Replica): number | null {
    const now = this.sim.now;
    r.crashLoops = r.crashLoops.filter((l) => now < l.until);
    let after: number | null = null;
    for (const l of r.crashLoops) if (after === null || l.after < after) after = l.after;
    return after;
  }

  /** A new container runs load(): on first start after the pull, and after every restart. */
  private startContainer(r: Replica): void {
    this.meter.start(r);
    this.setState(r, 'loading');
    const c = this.newContainer(r, false);
    r.container = c;
    this.runLoad(r, c, 0);
    this.probes.start(r, c);
  }

  private runLoad(r: Replica, c: Container, failures: number): void {
    const d = this.draw.load();
    const fails = this.startup() < this.cfg.deployment.startup.load_failure_probability;
    c.timers.after(
      d,
      () => {
        if (!fails) {
          c.loaded = true;
          this.setState(r, 'ready');
        } else if (failures < LOAD_RETRIES) {
          c.timers.after(LOAD_RETRY_DELAY, () => this.runLoad(r, c, failures + 1), undefined, PHASE_END);
        } else {
          this.kill(r, 'load_failure');
        }
      },
      undefined,
      PHASE_END,
    );
  }

  private setState(r: Replica, to: ReplicaState): void {
    this.meter.bill(r);
    const from = r.state;
    r.state = to;
    this.records.replicaState(r.id, from, to);
    if (to !== 'ready' && r.routable) this.router.setRoutable(r, false);
    if (to !== 'ready') r.trafficStopped = false;
  }

  // ───────────────────────── ends ─────────────────────────

  /** The container dies (liveness, crash, failed load): fail its requests, back off, start a new one. */
  kill(r: Replica, cause: RestartCause): void {
    const c = r.container;
    if (!c || !c.alive) return;
    this.endContainer(r, c);
    r.restarts++;
    const { delay, next } = nextBackoff(r.backoff, this.sim.now);
    r.backoff = next;
    this.records.restarted(r.id, cause, delay, r.restarts);
    this.setState(r, 'backoff');
    r.timers.after(delay, this.onStartContainer, r, PHASE_END);
    this.router.dispatch();
  }

  /**
   * A crash at `at` (crash_loop on a running container). Several may be pending: the earliest
   * kills the container and cancels the others with its timers (the smallest `after` wins).
   */
  crashAt(r: Replica, c: Container, at: number): void {
    c.timers.at(at, () => this.kill(r, 'crash'), undefined, PHASE_END);
  }

  private endContainer(r: Replica, c: Container): void {
    c.alive = false;
    c.timers.cancelAll();
    this.router.setRoutable(r, false);
    this.serving.failActive(r, 503);
  }

  /** Scale-up: `count` new cold replicas. */
  scaleUp(count: number): void {
    for (let i = 0; i < count; i++) this.createCold();
  }

  /** Scale-down: remove `count` replicas in ReplicaSet order. */
  scaleDown(count: number): void {
    for (const r of pickForRemoval(this.replicas.filter(isCurrent), count)) this.terminate(r);
  }

  /** Remove a replica: it drains, unbilled, and is gone when empty. */
  private terminate(r: Replica): void {
    r.timers.cancelAll();
    // The container keeps running to drain its requests, but no longer probes, loads or crashes.
    if (r.container) r.container.timers.cancelAll();
    this.setState(r, 'terminating');
    this.meter.close(r);
    this.countChanged(-1);
    this.drained(r);
  }

  /** A draining replica with nothing left in flight is gone. */
  drained(r: Replica): void {
    if (r.state !== 'terminating' || r.inFlight > 0) return;
    if (r.container) r.container.alive = false;
    this.setState(r, 'terminated');
  }

  /** Node lost: the replica is gone at once; its requests fail with 503 and are retried elsewhere. */
  preempt(r: Replica): void {
    r.timers.cancelAll();
    if (r.container?.alive) this.endContainer(r, r.container);
    this.records.lost(r.id);
    this.setState(r, 'terminated');
    this.meter.close(r);
    this.countChanged(-1);
    this.router.dispatch();
  }
}
