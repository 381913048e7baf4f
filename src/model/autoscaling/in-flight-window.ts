import type { InFlightMetrics } from './policy.js';

/**
 * Time-weighted average of a piecewise-constant signal (in-flight requests)
 * over a trailing window. Keeps the running integral at each change point and
 * drops points older than the window, so memory is bounded by the changes in
 * one window and each query is a binary search.
 */
export class InFlightWindow implements InFlightMetrics {
  private ts: number[] = [];
  private integrals: number[] = [];
  /** The signal's value from ts[i] on. */
  private values: number[] = [];
  private head = 0;
  private value = 0;
  private lastT = 0;
  private integral = 0;

  constructor(private readonly window: number) {
    this.ts.push(0);
    this.integrals.push(0);
    this.values.push(0);
  }

  get current(): number {
    return this.value;
  }

  set(now: number, value: number): void {
    if (value === this.value) return;
    this.integral += this.value * (now - this.lastT);
    this.lastT = now;
    this.value = value;
    this.ts.push(now);
    this.integrals.push(this.integral);
    this.values.push(value);
  }

  /** The average over [max(0, now − window), now]; 0 at t = 0. */
  average(now: number): number {
    const from = Math.max(0, now - this.window);
    this.prune(from);
    const span = now - from;
    if (span <= 0) return this.value;
    return (this.integralAt(now) - this.integralAt(from)) / span;
  }

  private integralAt(t: number): number {
    if (t >= this.lastT) return this.integral + this.value * (t - this.lastT);
    // Last change point ≤ t; the signal is constant from there.
    let lo = this.head;
    let hi = this.ts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.ts[mid]! <= t) lo = mid;
      else hi = mid - 1;
    }
    return this.integrals[lo]! + this.values[lo]! * (t - this.ts[lo]!);
  }

  private prune(from: number): void {
    // Keep the last point ≤ from; compact the arrays now and then.
    while (this.head + 1 < this.ts.length && this.ts[this.head + 1]! <= from) this.head++;
    if (this.head > 4096 && this.head * 2 > this.ts.length) {
      this.ts = this.ts.slice(this.head);
      this.integrals = this.integrals.slice(this.head);
      this.values = this.values.slice(this.head);
      this.head = 0;
    }
  }
}
