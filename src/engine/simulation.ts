import { EventQueue, type QueuedEvent } from './event-queue.js';

/** A handle to a scheduled event; `cancel()` makes it a no-op. */
export type EventHandle = QueuedEvent;

/** The priority of an event scheduled without one: the callers name their own (e.g. model/priorities.ts). */
export const DEFAULT_PRIORITY = 0;

const NOOP = (): void => undefined;

/** A repeating timer: `cancel()` stops it, including an occurrence already queued. */
export interface Repeating {
  cancel(): void;
}

/**
 * The clock and the event queue; nothing domain-specific.
 *
 * Horizon (SPEC §1): `run(until)` processes every event with time < until and
 * leaves the clock at `until`; an event at exactly `until` is not processed.
 * Same instant: lower priority first, then scheduling order.
 */
export class Simulation {
  private queue = new EventQueue();
  private seq = 0;
  private _now = 0;
  private _processed = 0;
  /**
   * The event whose handler is running. It stays in the heap until its handler returns: a handler
   * that schedules it again (an arrival source, a repeating timer, a service end reused for the
   * next request) then moves it from the top to its new place in one sift, instead of a pop (the
   * heap's last event sifted down from the top, the whole depth) and a push. Null once it was
   * rescheduled or cancelled. What the queue shows its callers leaves it out (pendingBefore,
   * pendingCount), so nothing can tell: the order is the same total order over the same events.
   */
  private firing: QueuedEvent | null = null;
  /** Inside run(): a handler may not call it again. */
  private running = false;

  get now(): number {
    return this._now;
  }

  /** Events fired so far (for the benchmark). */
  get processed(): number {
    return this._processed;
  }

  /** Events still queued (cancelled ones are not). */
  get pendingCount(): number {
    return this.queue.size - (this.firing !== null ? 1 : 0);
  }

  /** Schedule `fire(arg)` at absolute time `time`; throws on a time in the past or not finite. */
  at<A>(time: number, fire: (arg: A) => void, arg?: A, priority: number = DEFAULT_PRIORITY): EventHandle {
    if (!(time >= this._now) || time === Infinity) {
      throw new Error(`event scheduled in the past or at an invalid time: ${time} (now ${this._now})`);
    }
    const ev: QueuedEvent = { time, priority, seq: this.seq++, cancelled: false, fire, arg, index: -1 };
    this.queue.push(ev);
    return ev;
  }

  /**
   * `at()` again with an event that has fired (its handler is running, or ran) instead of a new one:
   * the same checks and a fresh sequence number, so the order is exactly that of a new `at()`
   * (SPEC §1). For a caller that schedules one event after another and holds no other handle to
   * them (an arrival source, a repeating timer): no allocation per event. Throws when `ev` is still
   * queued or was cancelled (a cancelled handle may be kept by its owner: reusing it could be cancelled again).
   */
  reschedule<A>(ev: EventHandle, time: number, fire: (arg: A) => void, arg?: A, priority: number = DEFAULT_PRIORITY): EventHandle {
    const firing = ev === this.firing;
    if ((ev.index >= 0 && !firing) || ev.cancelled) throw new Error('reschedule(): the event is still queued or was cancelled');
    if (!(time >= this._now) || time === Infinity) {
      throw new Error(`event scheduled in the past or at an invalid time: ${time} (now ${this._now})`);
    }
    ev.time = time;
    ev.priority = priority;
    ev.seq = this.seq++;
    ev.fire = fire;
    ev.arg = arg;
    if (firing) {
      this.firing = null;
      this.queue.update(ev);
    } else {
      this.queue.push(ev);
    }
    return ev;
  }

  /** Schedule `fire(arg)` after `delay` seconds (delay ≥ 0). */
  after<A>(delay: number, fire: (arg: A) => void, arg?: A, priority: number = DEFAULT_PRIORITY): EventHandle {
    if (!(delay >= 0)) throw new Error(`negative or invalid delay: ${delay}`);
    return this.at(this._now + delay, fire, arg, priority);
  }

  /**
   * Whether an event of a lower priority than `priority` will still run at this instant (the queue's
   * next event is now and below it). When not, an
   * event scheduled now at `priority` would run before anything else that is already queued at that
   * priority or later only by sequence, so a caller may do its work inline instead.
   */
  pendingBefore(priority: number): boolean {
    const top = this.firing !== null ? this.queue.peekExcept(this.firing) : this.queue.peek();
    return top !== undefined && top.time === this._now && top.priority < priority;
  }

  cancel(ev: EventHandle | null | undefined): void {
    if (!ev) return;
    if (ev === this.firing) this.firing = null;
    ev.cancelled = true;
    this.queue.remove(ev);
    // The caller may keep the handle (a request's `end`): drop what it holds, so a handle kept
    // after its timer was cancelled (a chain call's timeout_sec, a request's deadline) does not
    // keep its request alive.
    ev.fire = NOOP;
    ev.arg = undefined;
  }

  /**
   * `fire(t)` at `first`, then `period` after each firing: the next occurrence is scheduled
   * when `fire` returns, at now + period. So events that `fire` schedules for the next tick's
   * instant run before it, and a `cancel()` from inside `fire` stops the loop. This is the
   * model's hand-written loop (`fire(); sim.after(period, tick)`) as one call. (A ticker that queues
   * the next tick before `fire` and lands on first + k × period would change same-instant order and
   * the times' last bits: the golden outputs pin this one.)
   */
  repeat(first: number, period: number, fire: (t: number) => void, priority: number = DEFAULT_PRIORITY): Repeating {
    if (!(period > 0) || period === Infinity) throw new Error(`repeat(): invalid period ${period}`);
    let stopped = false;
    let next: EventHandle | null = null;
    const tick = () => {
      const fired = next!;
      next = null;
      fire(this._now);
      // The fired event comes back as the next occurrence (no handle to it escapes this closure).
      if (!stopped) next = this.reschedule(fired, this._now + period, tick, undefined, priority);
    };
    next = this.at(first, tick, undefined, priority);
    return {
      cancel: () => {
        stopped = true;
        this.cancel(next);
      },
    };
  }

  /** A set of timers a component owns, cancelled together (a container's probes, a replica's phases). */
  group(): TimerGroup {
    return new TimerGroup(this);
  }

  /** Process events with time < until, then set the clock to until. */
  run(until: number): void {
    if (!(until > this._now)) throw new Error(`run(until=${until}) must be after now (${this._now})`);
    // From inside a handler the running event may still be in the heap (see `firing`): it would fire again.
    if (this.running) throw new Error('run() called from inside an event handler');
    this.running = true;
    const q = this.queue;
    try {
      for (;;) {
        const top = q.peek();
        if (top === undefined || top.time >= until) break;
        this._now = top.time;
        this._processed++;
        this.firing = top;
        try {
          top.fire(top.arg);
        } finally {
          // Not rescheduled nor cancelled by its handler: it leaves the heap now (usually still the top).
          if (this.firing !== null) {
            this.firing = null;
            q.remove(top);
          }
        }
      }
    } finally {
      this.running = false;
    }
    this._now = until;
  }
}

/** Timers scheduled through a group are cancelled by one `cancelAll()`; fired ones drop out of it. */
export class TimerGroup {
  private live = new Set<{ cancel(): void }>();

  constructor(private readonly sim: Simulation) {}

  at<A>(time: number, fire: (arg: A) => void, arg?: A, priority?: number): EventHandle {
    const h: EventHandle = this.sim.at(
      time,
      (a: A) => {
        this.live.delete(handle);
        fire(a);
      },
      arg,
      priority,
    );
    const handle = { cancel: () => this.sim.cancel(h) };
    this.live.add(handle);
    return h;
  }

  after<A>(delay: number, fire: (arg: A) => void, arg?: A, priority?: number): EventHandle {
    if (!(delay >= 0)) throw new Error(`negative or invalid delay: ${delay}`);
    return this.at(this.sim.now + delay, fire, arg, priority);
  }

  repeat(first: number, period: number, fire: (t: number) => void, priority?: number): Repeating {
    const r = this.sim.repeat(first, period, fire, priority);
    const handle = {
      cancel: () => {
        this.live.delete(handle);
        r.cancel();
      },
    };
    this.live.add(handle);
    return handle;
  }

  /** Timers of this group still pending. */
  get size(): number {
    return this.live.size;
  }

  cancelAll(): void {
    for (const h of this.live) h.cancel();
    this.live.clear();
  }
}
