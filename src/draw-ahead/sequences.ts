import { stream } from '../engine/random.js';
import type { Dist, Traffic } from '../model/config.js';
import { sampler } from '../model/distributions.js';
import { arrivalProcess } from '../model/traffic.js';

/**
 * A sequence of draws that depends on nothing but the scenario: a traffic entry's arrival times
 * (stream `arrivals/<i>`), or a deployment's service times (stream `service`, one per request in
 * arrival order, SPEC §1's common random numbers). Plain data, so a worker thread can rebuild
 * the same sequence from it.
 */
export type DrawSpec =
  | { kind: 'arrivals'; seed: number | string; index: number; traffic: Traffic; horizon: number }
  | { kind: 'service'; seed: number | string; dist: Dist };

/** The sequence's values one by one; NaN once it has ended (arrivals past the horizon). */
export function generator(spec: DrawSpec): () => number {
  if (spec.kind === 'arrivals') {
    const p = arrivalProcess(spec.traffic, stream(spec.seed, `arrivals/${spec.index}`), spec.horizon);
    return () => p.next() ?? NaN;
  }
  const s = sampler(spec.dist, stream(spec.seed, 'service'));
  return () => s();
}

/**
 * Whether drawing `spec` ahead can help: it must draw random numbers (a constant or a token-based
 * service time does not), and carry no per-arrival data (a trace's token counts come with its rows).
 */
export function worthDrawingAhead(spec: DrawSpec): boolean {
  if (spec.kind === 'arrivals') return spec.traffic.kind !== 'trace' && spec.traffic.kind !== 'constant';
  return spec.dist.dist !== 'constant' && spec.dist.dist !== 'tokens';
}
