import type { Replica } from './replica.js';

/**
 * The router's choice [request-lifecycle]: the routable replica with the fewest
 * in-flight requests among those below the concurrency target; ties go to the
 * lowest id. Null when every replica is at target (the request waits in the queue).
 * `routable` is kept sorted by id.
 */
export function pickReplica(routable: readonly Replica[], concurrencyTarget: number): Replica | null {
  let best: Replica | null = null;
  for (let i = 0; i < routable.length; i++) {
    const r = routable[i]!;
    if (r.inFlight < concurrencyTarget && (best === null || r.inFlight < best.inFlight)) {
      best = r;
      if (r.inFlight === 0) break; // none can have fewer, and a later one has a higher id
    }
  }
  return best;
}

/** The wait before retry n (1-based) of a 502/503/504: initial × multiplier^(n−1), capped. */
export function retryDelay(n: number, initial: number, multiplier: number, maxInterval: number): number {
  return Math.min(maxInterval, initial * Math.pow(multiplier, n - 1));
}
