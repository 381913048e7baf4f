/**
 * A bounded log-bucketed histogram for latency percentiles: memory is fixed
 * whatever the number of requests. Buckets are RATIO = 1.02 wide, and a
 * percentile is reported at the bucket's geometric middle, so it is within
 * ±1 % of the exact order statistic (for values in [MIN, MAX]; values outside
 * are clamped into the end buckets). Mean and max are kept exactly.
 */
const MIN = 1e-4; // 0.1 ms
const MAX = 1e7; // ~116 days
const RATIO = 1.02;
const LOG_RATIO = Math.log(RATIO);
const BUCKETS = Math.ceil(Math.log(MAX / MIN) / LOG_RATIO) + 1;

export class LatencyHistogram {
  private counts = new Float64Array(BUCKETS);
  private n = 0;
  private sum = 0;
  private _max = -Infinity;

  get count(): number {
    return this.n;
  }

  add(x: number): void {
    this.addInBucket(x, bucketOf(x));
  }

  /** add(x) with its bucket already found (`bucketOf(x)`): one latency goes into two histograms, one log. */
  addInBucket(x: number, bucket: number): void {
    this.n++;
    this.sum += x;
    if (x > this._max) this._max = x;
    this.counts[bucket]!++;
  }

  mean(): number | null {
    return this.n > 0 ? this.sum / this.n : null;
  }

  max(): number | null {
    return this.n > 0 ? this._max : null;
  }

  /** The q-quantile (0 < q ≤ 1), nearest-rank on the buckets; null when empty. */
  quantile(q: number): number | null {
    if (this.n === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.n));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(bucketMiddle(i), this._max);
    }
    return this._max;
  }

  reset(): void {
    if (this.n === 0) return;
    this.counts.fill(0);
    this.n = 0;
    this.sum = 0;
    this._max = -Infinity;
  }
}

/** The bucket of x (its log, the costly part of an add). */
export function bucketOf(x: number): number {
  if (!(x > MIN)) return 0;
  const i = Math.floor(Math.log(x / MIN) / LOG_RATIO) + 1;
  return i < BUCKETS ? i : BUCKETS - 1;
}

/** Bucket i ≥ 1 holds (MIN·R^(i−1), MIN·R^i]; its geometric middle is MIN·R^(i−½). */
function bucketMiddle(i: number): number {
  return i === 0 ? MIN : MIN * Math.pow(RATIO, i - 0.5);
}
