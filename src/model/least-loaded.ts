import type { Replica } from './replica.js';

/**
 * pickReplica's answer (pick-replica.ts: the routable replica with the fewest in-flight requests
 * below the concurrency target, ties to the lowest id) kept up to date instead of scanned for.
 * The scan read every routable replica once or twice per request: with 50–80 replicas a third of
 * the engine's time on bench/week.yaml, most of it after a service end with requests queued
 * (one scan finds the freed replica, a second finds none).
 *
 * Per load level (in-flight count) below the target, a bitset over the routable replicas'
 * positions (the routable list is sorted by id, so the lowest set bit is the lowest id), the
 * number of replicas at each level, and the lowest level in use. A load change moves one bit;
 * a change of the routable set (rare: a probe, a kill) indexes it again. test/least-loaded.test.ts
 * checks every answer against pickReplica over random sequences of changes.
 */
export class LeastLoaded {
  private replicas: readonly Replica[] = [];
  /** Per level, one bit per position in `replicas`. */
  private bits: Int32Array[] = [];
  private counts: number[] = [];
  private words = 0;
  /** The lowest level with a replica on it; Infinity when none is below the target. */
  private min = Infinity;

  constructor(private readonly target: number) {}

  /** The routable replicas, sorted by id, changed: index them again (positions in `routePos`). */
  reset(routable: readonly Replica[]): void {
    this.replicas = routable;
    const words = (routable.length + 31) >>> 5;
    if (words !== this.words) {
      this.bits = [];
      this.counts = [];
      this.words = words;
    } else {
      for (let l = 0; l < this.counts.length; l++) if (this.counts[l] !== 0) this.bits[l]!.fill(0);
    }
    this.counts.fill(0);
    this.min = Infinity;
    for (let i = 0; i < routable.length; i++) {
      const r = routable[i]!;
      r.routePos = i;
      this.put(i, r.inFlight);
    }
  }

  /** A routable replica's in-flight count changed from `before` (to r.inFlight). */
  moved(r: Replica, before: number): void {
    const after = r.inFlight;
    const pos = r.routePos;
    if (before < this.target) {
      this.bits[before]![pos >>> 5]! &= ~(1 << (pos & 31));
      this.counts[before]!--;
    }
    this.put(pos, after);
    if (before === this.min && this.counts[before] === 0) {
      let l = before + 1;
      while (l < this.counts.length && this.counts[l] === 0) l++;
      this.min = l < this.counts.length ? l : Infinity;
    }
  }

  /** pickReplica(routable, target). */
  pick(): Replica | null {
    if (this.min === Infinity) return null;
    const b = this.bits[this.min]!;
    for (let w = 0; w < this.words; w++) {
      const x = b[w]!;
      if (x !== 0) return this.replicas[(w << 5) + 31 - Math.clz32(x & -x)]!;
    }
    throw new Error('LeastLoaded: a level counted replicas but had none');
  }

  private put(pos: number, level: number): void {
    if (level >= this.target) return; // full: never picked
    while (this.counts.length <= level) {
      this.counts.push(0);
      this.bits.push(new Int32Array(this.words));
    }
    this.bits[level]![pos >>> 5]! |= 1 << (pos & 31);
    this.counts[level]!++;
    if (level < this.min) this.min = level;
  }
}
