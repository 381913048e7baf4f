/**
 * The statistics of a sweep: means, Student-t confidence intervals and paired differences.
 * Everything here is a pure function of plain number arrays, in the order given (sums are
 * taken left to right, so the same inputs give the same bits whatever produced them).
 */

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
    d.push(y - x);
  }
  return meanCi(d, confidence);
}

// ---------------------------------------------------------------------------------------------
// Student t quantile, from the regularized incomplete beta function (Numerical Recipes §6.4).

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms: ~15 significant digits). */
export function lnGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaCf(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  const front = Math.exp(lnFront);
  // The continued fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry otherwise.
  if (x < (a + 1) / (a + b + 2)) return (front * betaCf(a, b, x)) / a;
  return 1 - (front * betaCf(b, a, 1 - x)) / b;
}

/** P(T ≤ t) for Student's t with `dof` degrees of freedom. */
export function tCdf(t: number, dof: number): number {
  const tail = 0.5 * incompleteBeta(dof / (dof + t * t), dof / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/**
 * The p-quantile of Student's t with `dof` degrees of freedom (dof ≥ 1), by bisection on the CDF
 * (monotone, so bisection cannot miss; 200 halvings reach the float resolution).
 * E.g. tQuantile(0.975, 4) = 2.7764, tQuantile(0.975, 1) = 12.706.
 */
export function tQuantile(p: number, dof: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`tQuantile: p = ${p}, must be in (0, 1)`);
  if (!(dof >= 1)) throw new Error(`tQuantile: dof = ${dof}, must be ≥ 1`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -tQuantile(1 - p, dof);
  let lo = 0;
  let hi = 1;
  while (tCdf(hi, dof) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-14 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (tCdf(mid, dof) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
