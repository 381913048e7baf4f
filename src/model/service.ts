import type { Rng } from '../engine/random.js';
import type { Callee, CallSlots } from './chain/calls.js';
import type { CallAttempt, Work } from './chain/handles.js';
import type { Depends } from './chain/chain-config.js';
import type { Simulation } from '../engine/simulation.js';
import { Autoscaler } from './autoscaling/autoscaler.js';
import { InFlightWindow } from './autoscaling/in-flight-window.js';
import type { InFlightMetrics } from './autoscaling/policy.js';
import { autoscalerPolicy, DEFAULT_AUTOSCALER } from './autoscaling/registry.js';
import { billingApplies, Meter } from './billing.js';
import type { Config } from './config.js';
import { sampler, type Sampler, type Tokens } from './distributions.js';
import { Faults } from './faults.js';
import { Lifecycle } from './lifecycle.js';
import { Probes } from './probes.js';
import { Records, type FinalView } from './records/records.js';
import type { Replica, Request } from './replica.js';
import { Router, type Activator } from './router.js';
import { Serving } from './serving.js';
import type { Sinks, Summary } from './summary.js';

/** What a service gets from the world it runs in. */
export interface ServiceContext {
  /** The clock and the event queue (shared by every service of a run). */
  sim: Simulation;
  config: Config;
  /** Where its records go. */
  sinks: Sinks;
  /** Its random stream for a purpose: 'service', 'startup', 'errors', 'probes', 'faults/<i>'. */
  rng(purpose: string): Rng;
  /** Autoscaling policy by name (autoscaling/registry.ts); default 'baseten'. */
  autoscaler?: string;
  /**
   * The service times, when drawn elsewhere (run.ts draws them ahead on another thread): the same
   * values as the stream 'service' gives, one per request in arrival order. Default: drawn here.
   */
  serviceTime?: Sampler;
}

/**
 * One deployment: requests come in through `submit`; the router queues and dispatches them
 * to replicas (serving) whose containers the lifecycle starts and restarts and the probes
 * watch; the autoscaler adds and removes replicas; faults hit them; the meter bills them;
 * records fold what happens into the outputs. The world (run.ts) drives the loops.
 */
export class Service implements FinalView, Activator, Callee {
  private readonly records: Records;
  private readonly meter: Meter;
  private readonly window: InFlightWindow;
  private readonly router: Router;
  private readonly serving: Serving;
  private readonly lifecycle: Lifecycle;
  private readonly autoscaler: Autoscaler;
  private readonly faults: Faults;

  private readonly errors: Rng;

  constructor(private readonly ctx: ServiceContext) {
    const { sim, config: cfg } = ctx;
    const rng = { service: ctx.rng('service'), startup: ctx.rng('startup'), errors: ctx.rng('errors'), probes: ctx.rng('probes') };
    this.errors = rng.errors;
    const st = cfg.deployment.startup;
    const a = cfg.deployment.autoscaling;
    this.records = new Records(sim, cfg, ctx.sinks);
    this.meter = new Meter(sim, billingApplies(cfg));
    this.window = new InFlightWindow(a.autoscaling_window);
    // Serving hands attempts back to the router and drained replicas to the lifecycle, both built after it.
    this.serving = new Serving(sim, cfg, rng.errors, this.records, {
      attemptEnded: (req, status) => this.router.attemptEnded(req, status),
      drained: (r) => this.lifecycle.drained(r),
      dispatch: () => this.router.dispatch(),
      loadChanged: (r, before) => this.router.loadChanged(r, before),
    });
    this.router = new Router(sim, cfg, ctx.serviceTime ?? sampler(cfg.deployment.service_time, rng.service), this.window, this.serving, this.meter, this.records, this);
    const draw = { schedule: sampler(st.schedule, rng.startup), pull: sampler(st.image_pull, rng.startup), load: sampler(st.load, rng.startup) };
    // A failed liveness or startup probe restarts the container through the lifecycle, built next.
    const probes = new Probes(sim, cfg, rng.probes, this.router, { kill: (r, cause) => this.lifecycle.kill(r, cause) }, this.records);
    this.lifecycle = new Lifecycle(sim, cfg, draw, rng.startup, probes, this.router, this.serving, this.meter, this.records);
    const initial = cfg.deployment.initial_replicas ?? Math.max(1, a.min_replica);
    // target_in_flight_tokens (SPEC §13): the same decision over in-flight tokens instead of requests
    // (desired = ceil(avg tokens / (target × utilization))); routing still uses concurrency_target,
    // and a request waiting at zero replicas still asks for one.
    const tokens = a.target_in_flight_tokens ?? null;
    let metrics: InFlightMetrics = this.window;
    let scaling = a;
    if (tokens !== null) {
      const tokenWindow = new InFlightWindow(a.autoscaling_window);
      this.router.tokenWindow = tokenWindow;
      const requests = this.window;
      metrics = { get current() { return requests.current; }, average: (now) => tokenWindow.average(now) };
      scaling = { ...a, concurrency_target: tokens };
    }
    this.autoscaler = new Autoscaler(
      autoscalerPolicy(a.policy ?? ctx.autoscaler ?? DEFAULT_AUTOSCALER),
      scaling,
      metrics,
      this.lifecycle,
      (d) => this.records.scaled(d),
      initial,
    );
    this.faults = new Faults(sim, cfg, this.lifecycle, this.serving, this.records);
  }

  /** The initial replicas, at t = 0. */
  start(): void {
    const cfg = this.ctx.config;
    for (let i = 0; i < this.autoscaler.desired; i++) {
      if (cfg.deployment.initial_state === 'warm') this.lifecycle.createWarm();
      else this.lifecycle.createCold();
    }
  }

  /** Schedule the scenario's faults (each with its stream 'faults/<i>'). */
  startFaults(): void {
    this.faults.start((i) => this.ctx.rng(`faults/${i}`));
  }

  /** A request arrives. */
  submit(tokens: Tokens | undefined): void {
    this.router.submit(tokens);
  }

  /** A call attempt from a caller chainlet: one arrival at this router, with the work drawn for it (Callee). */
  submitCall(tokens: Tokens | undefined, work: Work, attempt: CallAttempt, parent: string): void {
    this.router.submit(tokens, work, attempt, parent);
  }

  /**
   * Make this service a chainlet: its requests run steps that call `callee(name)` under
   * `depends(name)`; the entrypoint also draws each arrival's whole call tree (`drawWork`).
   */
  joinChain(opts: { name: string; slots: CallSlots; callee(name: string): Callee; depends(name: string): Depends; drawWork?: (tokens: Tokens | undefined) => Work }): void {
    this.serving.chain = {
      sim: this.ctx.sim,
      errors: this.errors,
      errorLatency: this.ctx.config.assumptions.error_latency,
      slots: opts.slots,
      callee: opts.callee,
      depends: opts.depends,
      name: opts.name,
      ended: (req, status, own) => this.serving.stepsEnded(req, status, own),
    };
    if (opts.drawWork) this.router.drawWork = opts.drawWork;
  }

  /** One autoscaler decision (the world's tick). */
  autoscale(): void {
    this.autoscaler.tick(this.ctx.sim.now);
  }

  /** The activator's poke: a request found no replica at all (Router's Activator). */
  autoscaleNow(): void {
    this.autoscale();
  }

  /** One timeline row for the interval ending now. */
  sample(): void {
    this.records.sample(this);
  }

  /** Close the run at the horizon and build the summary. */
  finish(): Summary {
    return this.records.finish(this);
  }

  // FinalView: what the records read when they write.
  get replicas(): readonly Replica[] {
    return this.lifecycle.replicas;
  }
  get current(): number {
    return this.lifecycle.current;
  }
  get inFlight(): number {
    return this.router.inFlightNow;
  }
  get queued(): number {
    return this.router.queued;
  }
  get routable(): number {
    return this.router.routable.length;
  }
  get desired(): number {
    return this.autoscaler.desired;
  }
  get windowAverage(): number {
    return this.autoscaler.lastAverage;
  }
  billedMinutesNow(): number {
    return this.meter.minutesNow(this.lifecycle.replicas);
  }
  billingTotals(): { billed: number; notServing: number } {
    return this.meter.totals(this.lifecycle.replicas);
  }
  liveRequests(): Request[] {
    return this.router.liveRequests(this.lifecycle.replicas);
  }
}
