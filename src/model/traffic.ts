import { exponential, type Rng } from '../engine/random.js';
import type { Traffic } from './config.js';
import type { Tokens } from './distributions.js';

/**
 * A traffic process yields arrival times one at a time (so memory does not grow
 * with the number of requests). `next()` returns the next arrival at or after the
 * previous one, or null when the process is exhausted (past its end or the horizon).
 */
export interface ArrivalProcess {
  next(): number | null;
  /** Token counts of the arrival last returned (trace only). */
  tokens(): Tokens | undefined;
}

export function arrivalProcess(tr: Traffic, rng: Rng, horizon: number): ArrivalProcess {
  const start = tr.start;
  const end = Math.min(tr.end ?? Infinity, horizon);
  const none: ArrivalProcess = { next: () => null, tokens: () => undefined };
  if (!(end > start)) return none;
  switch (tr.kind) {
    case 'poisson':
      return piecewisePoisson([{ at: start, rate: tr.rate }], start, end, rng);
    case 'schedule':
      return piecewisePoisson(tr.steps, start, end, rng);
    case 'burst': {
      const s = Math.max(start, tr.at);
      return piecewisePoisson([{ at: s, rate: tr.rate }], s, Math.min(end, tr.at + tr.duration), rng);
    }
    case 'diurnal':
      return diurnal(tr.mean, tr.amplitude, tr.period, tr.peak_at, start, end, rng);
    case 'constant': {
      // start, start + 1/rate, ...: computed from the index so rounding never drifts.
      let i = 0;
      const gap = 1 / tr.rate;
      return {
        next() {
          const t = start + i * gap;
          i++;
          return t < end ? t : null;
        },
        tokens: () => undefined,
      };
    }
    case 'trace': {
      const rows = tr.rows;
      let i = 0;
      let last: Tokens | undefined;
      return {
        next() {
          if (i >= rows.offsets.length) return null;
          const t = start + rows.offsets[i]! / tr.speedup;
          if (!(t < end)) return null;
          last = { input: rows.input_tokens[i]!, output: rows.output_tokens[i]! };
          i++;
          return t;
        },
        tokens: () => last,
      };
    }
  }
}

/**
 * Poisson arrivals whose rate is constant between steps. At a step boundary the
 * draw restarts from the boundary, which is exact because the exponential is memoryless.
 */
function piecewisePoisson(steps: { at: number; rate: number }[], start: number, end: number, rng: Rng): ArrivalProcess {
  let t = start;
  let k = 0; // index of the step in force at t
  while (k + 1 < steps.length && steps[k + 1]!.at <= t) k++;
  return {
    next() {
      for (;;) {
        const rate = steps[k]!.at <= t ? steps[k]!.rate : 0;
        const boundary = k + 1 < steps.length ? steps[k + 1]!.at : Infinity;
        const cand = rate > 0 ? t + exponential(rng, 1 / rate) : Infinity;
        if (cand < boundary) {
          t = cand;
          return t < end ? t : null;
        }
        if (boundary >= end) return null;
        t = boundary;
        k++;
      }
    },
    tokens: () => undefined,
  };
}

/** Non-homogeneous Poisson by thinning: rate(t) = mean + amplitude·cos(2π(t − peak_at)/period). */
function diurnal(mean: number, amplitude: number, period: number, peakAt: number, start: number, end: number, rng: Rng): ArrivalProcess {
  const max = mean + amplitude;
  // Every rate(t) is at least `floor` as computed in floating point (cos ≥ −1, and rounding is
  // monotone: fl(amplitude·cos) ≥ −amplitude, so fl(mean + fl(amplitude·cos)) ≥ fl(mean − amplitude)).
  // A candidate under it is accepted without its cosine (a third of them at mean 100 ± 50): the
  // same decision as the full test, so the same arrivals.
  const floor = mean - Math.abs(amplitude);
  let t = start;
  return {
    next() {
      if (max <= 0) return null;
      for (;;) {
        t += exponential(rng, 1 / max);
        if (!(t < end)) return null;
        const u = rng() * max;
        if (u < floor) return t;
        const rate = mean + amplitude * Math.cos((2 * Math.PI * (t - peakAt)) / period);
        if (u < rate) return t;
      }
    },
    tokens: () => undefined,
  };
}
