import { EventQueue, type QueuedEvent } from './event-queue.js';

/** A handle to a scheduled event; `cancel()` makes it a no-op. */
export type EventHandle = QueuedEvent;

/**
 * The clock and the event queue; nothing domain-specific.
 *
 * Horizon (SPEC §1): `run(until)` processes every event with time < until and
 * leaves the clock at `until`; an event at exactly `until` is not processed.
 */
export class Simulation {
  private queue = new EventQueue();
  private seq = 0;
  private _now = 0;
  private _processed = 0;

  get now(): number {
    return this._now;
  }

  /** Events fired so far (for the benchmark). */
  get processed(): number {
    return this._processed;
  }

  /** Schedule `fire(arg)` at absolute time `time`; throws on a time in the past or not finite. */
  at<A>(time: number, fire: (arg: A) => void, arg?: A): EventHandle {
    if (!(time >= this._now) || time === Infinity) {
      throw new Error(`event scheduled in the past or at an invalid time: ${time} (now ${this._now})`);
    }
    const ev: QueuedEvent = { time, seq: this.seq++, cancelled: false, fire, arg };
    this.queue.push(ev);
    return ev;
  }

  /** Schedule `fire(arg)` after `delay` seconds (delay ≥ 0). */
  after<A>(delay: number, fire: (arg: A) => void, arg?: A): EventHandle {
    if (!(delay >= 0)) throw new Error(`negative or invalid delay: ${delay}`);
    return this.at(this._now + delay, fire, arg);
  }

  cancel(ev: EventHandle | null | undefined): void {
    if (ev) ev.cancelled = true;
  }

  /** Process events with time < until, then set the clock to until. */
  run(until: number): void {
    if (!(until > this._now)) throw new Error(`run(until=${until}) must be after now (${this._now})`);
    const q = this.queue;
    for (;;) {
      const top = q.peek();
      if (top === undefined || top.time >= until) break;
      q.pop();
      if (top.cancelled) continue;
      this._now = top.time;
      this._processed++;
      top.fire(top.arg);
    }
    this._now = until;
  }
}
