import type { InFlightMetrics } from './policy.js';

/** Numbers stored per change point: its time, the running integral there, the value from there on. */
const STRIDE = 3;

/**
 * Time-weighted average of a piecewise-constant signal (in-flight requests)
 * over a trailing window. Keeps the running integral at each change point and
 * drops points older than the window, so memory is bounded by the changes in
 * one window and each query is a binary search.
 *
 * The points live in one ring of doubles (t, integral, value per point), not in three
 * growing arrays: the signal changes twice per request (~200 times a second on the day
 * benchmark), and the arrays' re-growth and compaction copies were 10 % of a run and most
 * of what reached the old generation. The ring doubles when full and is never copied otherwise.
 */
export class InFlightWindow implements InFlightMetrics {
  private ring = new Float64Array(STRIDE * 1024);
  /** Capacity in points (a power of two) − 1. */
  private mask = 1023;
  /** Index of the oldest kept point, and the number of points kept (≥ 1: the point at t = 0 first). */
  private head = 0;
  private count = 1;
  private value = 0;
  private lastT = 0;
  private integral = 0;

  constructor(private readonly window: number) {}

  get current(): number {
    return this.value;
  }

  set(now: number, value: number): void {
    if (value === this.value) return;
    this.integral += this.value * (now - this.lastT);
    this.lastT = now;
    this.value = value;
    if (this.count > this.mask) this.grow();
    const k = ((this.head + this.count) & this.mask) * STRIDE;
    this.ring[k] = now;
    this.ring[k + 1] = this.integral;
    this.ring[k + 2] = value;
    this.count++;
  }

  /** The average over [max(0, now − window), now]; 0 at t = 0. */
  average(now: number): number {
    const from = Math.max(0, now - this.window);
    this.prune(from);
    const span = now - from;
    if (span <= 0) return this.value;
    return (this.integralAt(now) - this.integralAt(from)) / span;
  }

  /** The i-th kept point's offset in the ring (0 = oldest). */
  private at(i: number): number {
    return ((this.head + i) & this.mask) * STRIDE;
  }

  private integralAt(t: number): number {
    if (t >= this.lastT) return this.integral + this.value * (t - this.lastT);
    // Last change point ≤ t; the signal is constant from there.
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.ring[this.at(mid)]! <= t) lo = mid;
      else hi = mid - 1;
    }
    const k = this.at(lo);
    return this.ring[k + 1]! + this.ring[k + 2]! * (t - this.ring[k]!);
  }

  private prune(from: number): void {
    // Keep the last point ≤ from.
    while (this.count > 1 && this.ring[this.at(1)]! <= from) {
      this.head = (this.head + 1) & this.mask;
      this.count--;
    }
  }

  /** Twice the capacity, the kept points copied oldest first. */
  private grow(): void {
    const cap = (this.mask + 1) * 2;
    const next = new Float64Array(STRIDE * cap);
    for (let i = 0; i < this.count; i++) next.set(this.ring.subarray(this.at(i), this.at(i) + STRIDE), i * STRIDE);
    this.ring = next;
    this.mask = cap - 1;
    this.head = 0;
  }
}
