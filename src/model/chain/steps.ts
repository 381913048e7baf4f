/**
 * One attempt of a request at a chainlet that calls others, on the replica that holds its
 * predict slot: its steps in order (SPEC §12). A compute step takes its drawn time (× a
 * slowdown); a `cuda_error` or `error_rate` in force at its start ends it after `error_latency`
 * with the chainlet's own 500. A call step runs its calls (all at once when parallel) and ends
 * when all succeed, or fails at the first that fails for good (the others are abandoned): the
 * request answers 500, propagated. `request.timeout` counts here too: at the deadline the request
 * answers 504 and its outstanding calls are abandoned. A hung container makes no progress.
 */
import type { EventHandle, Simulation } from '../../engine/simulation.js';
import type { Rng } from '../../engine/random.js';
import type { Container, Request } from '../replica.js';
import { DEADLINE, PHASE_END } from '../priorities.js';
import type { Tokens } from '../distributions.js';
import { Call, type CallContext, type CallOwner, type CallSlots, type Callee } from './calls.js';
import type { Depends } from './chain-config.js';
import type { StepRunHandle, WorkStep } from './handles.js';

const OK = 200;

/** What a step run needs from its chainlet. */
export interface StepHost {
  sim: Simulation;
  errors: Rng;
  errorLatency: number;
  slots: CallSlots;
  callee(name: string): Callee;
  depends(callee: string): Depends;
  /** The chainlet's name, for the callees' `parent` column. */
  name: string;
  /** The attempt ended with this status; `own` false for a 500 propagated from a dependency. */
  ended(req: Request, status: number, own: boolean): void;
}

/**
 * The run is also the context of its calls (CallContext): one object per attempt of the request,
 * not one per call step. Its timers share three handlers with the run as the event's argument:
 * no closure per step (a chain's hot path: every request runs a few steps and calls).
 */
export class StepRun implements CallOwner, StepRunHandle, CallContext {
  private index = -1;
  private timer: EventHandle | null = null;
  private deadline: EventHandle | null = null;
  private calls: Call[] = [];
  private pending = 0;
  private over = false;
  hung = false;
  private _parent: string | null = null;

  constructor(
    private readonly host: StepHost,
    private readonly req: Request,
    private readonly steps: readonly WorkStep[],
    readonly container: Container,
  ) {}

  private static readonly onDeadline = (run: StepRun): void => run.finish(504, true);
  private static readonly onError = (run: StepRun): void => run.finish(500, true);
  private static readonly onComputed = (run: StepRun): void => {
    run.timer = null;
    run.next();
  };

  // CallContext: what this run's calls need.
  get sim(): Simulation {
    return this.host.sim;
  }
  get slots(): CallSlots {
    return this.host.slots;
  }
  get tokens(): Tokens | undefined {
    return this.req.tokens;
  }
  /** The caller's request as its callees record it (`chainlet/id`), built once per run. */
  get parent(): string {
    return (this._parent ??= `${this.host.name}/${this.req.id}`);
  }
  callee(name: string): Callee {
    return this.host.callee(name);
  }

  start(): void {
    const { sim } = this.host;
    if (Number.isFinite(this.req.deadline)) this.deadline = sim.at(Math.max(sim.now, this.req.deadline), StepRun.onDeadline, this, DEADLINE);
    if (this.container.hung) this.hang();
    else this.next();
  }

  private next(): void {
    this.index++;
    if (this.index >= this.steps.length) {
      this.finish(OK, true);
      return;
    }
    const step = this.steps[this.index]!;
    const { sim } = this.host;
    if ('compute' in step) {
      const c = this.container;
      const now = sim.now;
      if (c.cudaError || (c.errorRate && now < c.errorRate.until && this.host.errors() < c.errorRate.probability)) {
        this.timer = sim.after(this.host.errorLatency, StepRun.onError, this, PHASE_END);
        return;
      }
      const dur = c.slowdown && now < c.slowdown.until ? step.compute * c.slowdown.factor : step.compute;
      this.timer = sim.after(dur, StepRun.onComputed, this, PHASE_END);
      return;
    }
    const depends = this.host.depends(step.callee);
    this.calls = step.calls.map((w) => new Call(this, step.callee, depends, w, this));
    this.pending = this.calls.length;
    if (step.parallel) for (const call of this.calls) call.start();
    else this.calls[0]!.start();
  }

  callEnded(call: Call, ok: boolean): void {
    if (this.over) return;
    if (!ok) {
      this.finish(500, false);
      return;
    }
    this.pending--;
    if (this.pending === 0) {
      this.calls = [];
      this.next();
      return;
    }
    const step = this.steps[this.index] as Extract<WorkStep, { callee: string }>;
    if (!step.parallel) this.calls[this.calls.indexOf(call) + 1]!.start();
  }

  /** The container hung: no step ends; the deadline still answers 504 (the router's). */
  hang(): void {
    this.hung = true;
    this.host.sim.cancel(this.timer);
    this.timer = null;
  }

  /** The container died or the request was otherwise ended from outside: abandon everything, answer nothing. */
  stop(): void {
    this.over = true;
    this.release();
  }

  private release(): void {
    const { sim } = this.host;
    sim.cancel(this.timer);
    sim.cancel(this.deadline);
    this.timer = this.deadline = null;
    for (const c of this.calls) if (!c.done) c.abandon();
    this.calls = [];
  }

  private finish(status: number, own: boolean): void {
    if (this.over) return;
    if (this.hung && status !== 504) return; // a hung process answers nothing but the router's timeout
    this.over = true;
    this.release();
    this.host.ended(this.req, status, own);
  }
}
