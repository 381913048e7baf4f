/**
 * A chainlet's calls to its dependencies (SPEC §12, truss-chains semantics): `retries` total
 * attempts, the next one at once after any failure; each attempt holds one of the caller
 * container's `concurrency_limit` slots for that dependency from its submission to the callee's
 * router until its end (waiting attempts first come, first served), and fails on any final answer
 * other than 200 or on `timeout_sec` from its submission. Abandoning a call (its step failed, its
 * request timed out, its container died) frees its slot and ignores the answer; the callee's work
 * goes on, and is billed.
 */
import type { EventHandle, Simulation } from '../../engine/simulation.js';
import type { Tokens } from '../distributions.js';
import type { Container } from '../replica.js';
import { CALL_TIMEOUT } from '../priorities.js';
import type { Depends } from './chain-config.js';
import type { CallAttempt, Work } from './handles.js';

const OK = 200;

/** A callee as its callers see it: one attempt is one arrival at its router. */
export interface Callee {
  submitCall(tokens: Tokens | undefined, work: Work, attempt: CallAttempt, parent: string): void;
}

export type { CallAttempt } from './handles.js';

/** What one call reports to the step that made it. */
export interface CallOwner {
  callEnded(call: Call, ok: boolean): void;
  /** A hung caller makes no progress: answers and timeouts are ignored, slots stay held. */
  readonly hung: boolean;
}

/** One caller container's slots for one dependency. */
export interface Semaphore {
  inUse: number;
  waiting: Attempt[];
}

/**
 * The `concurrency_limit` slots of each caller container, per dependency. They belong to the
 * container: when it dies they vanish with it (its attempts are abandoned, the map is dropped).
 */
export class CallSlots {
  private readonly byContainer = new WeakMap<Container, Map<string, Semaphore>>();

  /** The slots of container `c` for `callee` (looked up once per call, not per acquire and release). */
  sem(c: Container, callee: string): Semaphore {
    let m = this.byContainer.get(c);
    if (!m) this.byContainer.set(c, (m = new Map()));
    let s = m.get(callee);
    if (!s) m.set(callee, (s = { inUse: 0, waiting: [] }));
    return s;
  }

  /** Take a slot now (true) or queue for one (false; `granted` is called later). */
  acquire(s: Semaphore, a: Attempt): boolean {
    if (s.inUse < a.depends.concurrency_limit) {
      s.inUse++;
      return true;
    }
    s.waiting.push(a);
    return false;
  }

  /** Give a slot back; the first waiting attempt of that container and dependency takes it. */
  release(s: Semaphore): void {
    const next = s.waiting.shift();
    if (next) next.granted();
    else s.inUse--;
  }

  /** An attempt that gave up while waiting for a slot. */
  leaveQueue(s: Semaphore, a: Attempt): void {
    const i = s.waiting.indexOf(a);
    if (i >= 0) s.waiting.splice(i, 1);
  }

  /** Slots held and waiting now (for tests and the checker's bound). */
  inUse(c: Container, callee: string): number {
    return this.byContainer.get(c)?.get(callee)?.inUse ?? 0;
  }
}

export interface CallContext {
  sim: Simulation;
  slots: CallSlots;
  callee(name: string): Callee;
  /** The caller's request, as callees record it in `parent`. */
  parent: string;
  tokens: Tokens | undefined;
  container: Container;
}

/** One call of a step: its attempts, one after another. */
export class Call {
  attempts = 0;
  done = false;
  private current: Attempt | null = null;
  /** The caller container's slots for this dependency: every attempt of the call takes one of them. */
  readonly sem: Semaphore;

  constructor(
    private readonly ctx: CallContext,
    readonly callee: string,
    readonly depends: Depends,
    readonly work: Work,
    private readonly owner: CallOwner,
  ) {
    this.sem = ctx.slots.sem(ctx.container, callee);
  }

  start(): void {
    this.attempts++;
    this.current = new Attempt(this.ctx, this, this.owner);
    this.current.begin();
  }

  /** An attempt ended: success ends the call; a failure starts the next attempt at once, or fails the call. */
  attemptEnded(ok: boolean): void {
    this.current = null;
    if (ok) {
      this.done = true;
      this.owner.callEnded(this, true);
    } else if (this.attempts < this.depends.retries) {
      this.start();
    } else {
      this.done = true;
      this.owner.callEnded(this, false);
    }
  }

  /** No further attempts; the attempt in progress lets go of its slot; the callee's work goes on. */
  abandon(): void {
    this.done = true;
    this.current?.abandon();
    this.current = null;
  }
}

type AttemptState = 'waiting' | 'in_flight' | 'over';

/** One attempt: a slot, then one request at the callee's router, bounded by `timeout_sec`. */
export class Attempt implements CallAttempt {
  private state: AttemptState = 'waiting';
  private timeout: EventHandle | null = null;
  readonly container: Container;
  readonly callee: string;
  readonly depends: Depends;

  constructor(
    private readonly ctx: CallContext,
    private readonly call: Call,
    private readonly owner: CallOwner,
  ) {
    this.container = ctx.container;
    this.callee = call.callee;
    this.depends = call.depends;
  }

  /** The timeout's handler, one for every attempt (the attempt is the event's argument): no closure per attempt. */
  private static readonly onTimeout = (a: Attempt): void => a.timedOut();

  begin(): void {
    if (this.ctx.slots.acquire(this.call.sem, this)) this.granted();
  }

  /** The slot is ours: submit to the callee's router; the timeout runs from here. */
  granted(): void {
    this.state = 'in_flight';
    this.timeout = this.ctx.sim.after(this.depends.timeout_sec, Attempt.onTimeout, this, CALL_TIMEOUT);
    this.ctx.callee(this.callee).submitCall(this.ctx.tokens, this.call.work, this, this.ctx.parent);
  }

  answer(status: number): void {
    if (this.state !== 'in_flight' || this.owner.hung) return;
    this.end(status === OK);
  }

  private timedOut(): void {
    this.timeout = null;
    if (this.state !== 'in_flight' || this.owner.hung) return;
    this.end(false);
  }

  private end(ok: boolean): void {
    this.state = 'over';
    this.ctx.sim.cancel(this.timeout);
    this.timeout = null;
    this.ctx.slots.release(this.call.sem);
    this.call.attemptEnded(ok);
  }

  abandon(): void {
    if (this.state === 'waiting') this.ctx.slots.leaveQueue(this.call.sem, this);
    else if (this.state === 'in_flight') {
      this.ctx.sim.cancel(this.timeout);
      this.timeout = null;
      if (this.container.alive) this.ctx.slots.release(this.call.sem); // a dead container's slots vanish with it
    }
    this.state = 'over';
  }
}
