/**
 * The statistics of a sweep: means, Student-t confidence intervals and paired differences.
 * Everything here is a pure function of plain number arrays, in the order given (sums are
 * taken left to right, so the same inputs give the same bits whatever produced them).
 */

import studentTQuantile from '@stdlib/stats-base-dists-t-quantile';

/** Two-sided confidence level of every interval we print. */
export const CONFIDENCE = 0.95;

export interface Estimate {
  /** Number of values the estimate is based on. */
  n: number;
  /** Mean, or null when n = 0. */
  mean: number | null;
  /** Bounds of the confidence interval of the mean; null when n < 2 (no spread to estimate). */
  low: number | null;
  high: number | null;
}

export function mean(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  let sum = 0;
  for (const x of xs) sum += x;
  return sum / xs.length;
}

/** Sample standard deviation (n − 1 in the denominator); null when n < 2. */
export function sampleSd(xs: readonly number[]): number | null {
  const m = mean(xs);
  if (m === null || xs.length < 2) return null;
  let ss = 0;
  for (const x of xs) ss += (x - m) * (x - m);
  return Math.sqrt(ss / (xs.length - 1));
}

/**
 * Mean and confidence interval: mean ± t(1 − α/2, n − 1) · s / √n.
 * E.g. [1, 2, 3, 4, 5]: mean 3, s = 1.5811, t(0.975, 4) = 2.7764 → 3 ± 1.9632.
 */
export function meanCi(xs: readonly number[], confidence = CONFIDENCE): Estimate {
  const n = xs.length;
  const m = mean(xs);
  const s = sampleSd(xs);
  if (m === null || s === null) return { n, mean: m, low: null, high: null };
  // All values equal: a zero-width interval, exactly (no rounding noise from t · 0).
  if (s === 0) return { n, mean: m, low: m, high: m };
  const half = tQuantile(1 - (1 - confidence) / 2, n - 1) * (s / Math.sqrt(n));
  return { n, mean: m, low: m - half, high: m + half };
}

/**
 * Paired difference b − a over the pairs where both values exist (same seed in both variants:
 * the common random numbers cancel and the interval is much narrower than the unpaired one).
 * A variant compared with itself gives differences of exactly 0 and a 0-width interval.
 */
export function pairedDiff(a: readonly (number | null)[], b: readonly (number | null)[], confidence = CONFIDENCE): Estimate {
  if (a.length !== b.length) throw new Error(`pairedDiff: ${a.length} vs ${b.length} values`);
  const d: number[] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === null || x === undefined || y === null || y === undefined) continue;
    // The values are kept to 10 significant digits (fmtNum): a difference below that is rounding
    // noise, not a difference (10.21 − 10.21 read back as 7.5e-10 would print as a change).
    const diff = y - x;
    d.push(Math.abs(diff) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y)) ? 0 : diff);
  }
  return meanCi(d, confidence);
}

/**
 * The p-quantile of Student's t with `dof` degrees of freedom (dof ≥ 1), from stdlib (its inverse
 * incomplete beta: exact to ~1e-15). E.g. tQuantile(0.975, 4) = 2.7764, tQuantile(0.975, 1) = 12.706.
 */
export function tQuantile(p: number, dof: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`tQuantile: p = ${p}, must be in (0, 1)`);
  if (!(dof >= 1)) throw new Error(`tQuantile: dof = ${dof}, must be ≥ 1`);
  return studentTQuantile(p, dof);
}
