import { stream } from '../engine/random.js';
import type { Dist, Traffic } from '../model/config.js';
import { sampler } from '../model/distributions.js';
import { arrivalProcess, type ArrivalProcess } from '../model/traffic.js';

/**
 * A sequence of draws that depends on nothing but the scenario: a traffic entry's arrival times
 * (stream `arrivals/<i>`), or a deployment's service times (stream `service`, one per request in
 * arrival order, SPEC §1's common random numbers). Plain data, so a worker thread can rebuild
 * the same sequence from it.
 */
export type DrawSpec =
  | { kind: 'arrivals'; seed: number | string; index: number; traffic: Traffic; horizon: number }
  | { kind: 'service'; seed: number | string; dist: Dist };

/** Traffic entry `index`'s arrivals from its own stream `arrivals/<index>` (SPEC §1), in place or in the worker. */
export function arrivalsOf(seed: number | string, index: number, traffic: Traffic, horizon: number): ArrivalProcess {
  return arrivalProcess(traffic, stream(seed, `arrivals/${index}`), horizon);
}

/** The sequence's values one by one; NaN once it has ended (arrivals past the horizon). */
export function generator(spec: DrawSpec): () => number {
  if (spec.kind === 'arrivals') {
    const p = arrivalsOf(spec.seed, spec.index, spec.traffic, spec.horizon);
    return () => p.next() ?? NaN;
  }
  const s = sampler(spec.dist, stream(spec.seed, 'service'));
  return () => s();
}

/**
 * Whether drawing `spec` ahead pays for the thread: only a costly draw does. A lognormal service
 * time (two uniforms, a log, a square root, a cosine and an exponential) or diurnal arrivals
 * (thinning: ~1.5 candidates an arrival, each an exponential, a uniform and often a cosine) cost
 * several times reading a value from the ring: bench/day.yaml's engine runs 1.19× faster ahead.
 * A Poisson arrival or an exponential or uniform service time costs about what reading it does,
 * and the thread's start and its share of the two cores cost more: bench/mm10.yaml's `run` was
 * 0.77 s wall ahead against 0.72 s in place (median of 6), with 0.2 s more CPU. Constant and
 * token-based values draw nothing; a trace's token counts come with its rows.
 */
export function worthDrawingAhead(spec: DrawSpec): boolean {
  if (spec.kind === 'arrivals') return spec.traffic.kind === 'diurnal';
  return spec.dist.dist === 'lognormal';
}
