import type { TimelineRow } from '../model/summary.js';

/** The failure statuses the timeline breaks out; anything else in `failed` is "other". */
export const FAILED_STATUSES = ['429', '500', '502', '503', '504'] as const;

/**
 * The timeline bucketed to the page's resolution: at most `maxBuckets` consecutive runs of
 * rows, so a 7-day run at 10 s (60,480 rows) draws as ~1,000 points per series, like a
 * 10-minute run. Column-oriented: `series.x[i]` is bucket i, covering (t0[i], t1[i]].
 *
 * Counters are summed (charts divide by the bucket's length to get a rate); replica
 * counts are time means over the bucket, so the stacked states still add up to the mean
 * replica count; `in_flight`, `queued` are maxima and `desired` has its max, min and mean (a spike must not average
 * away); p50 is the median of the rows' p50s and p99 the maximum of their p99s (percentiles
 * do not combine exactly; these err on the visible side); cumulative columns take the
 * bucket's last value.
 */
export interface Buckets {
  n: number;
  /** Timeline rows per bucket (1 = no aggregation). */
  rowsPerBucket: number;
  t0: number[];
  t1: number[];
  arrivals: number[];
  succeeded: number[];
  failed: number[];
  /** Failures by status, only statuses that occur, plus `other` when failed exceeds their sum. */
  failedBy: { status: string; values: number[] }[];
  replicas: number[];
  starting: number[];
  /** Ready but neither routable nor traffic-stopped (waiting for the first passing check). */
  waiting: number[];
  routable: number[];
  traffic_stopped: number[];
  backoff: number[];
  desired: (number | null)[];
  /** The bucket's smallest desired count (with `desired`, the band the autoscaler moved in). */
  desiredMin: (number | null)[];
  /** The mean desired count over the bucket's rows. */
  desiredMean: (number | null)[];
  in_flight: number[];
  queued: number[];
  p50: (number | null)[];
  p99: (number | null)[];
  cost: (number | null)[];
  billed_minutes: (number | null)[];
}

export function aggregateTimeline(rows: readonly TimelineRow[], maxBuckets: number): Buckets {
  const rowsPerBucket = Math.max(1, Math.ceil(rows.length / Math.max(1, maxBuckets)));
  const n = Math.ceil(rows.length / rowsPerBucket);
  const b: Buckets = {
    n,
    rowsPerBucket,
    t0: [],
    t1: [],
    arrivals: [],
    succeeded: [],
    failed: [],
    failedBy: [],
    replicas: [],
    starting: [],
    waiting: [],
    routable: [],
    traffic_stopped: [],
    backoff: [],
    desired: [],
    desiredMin: [],
    desiredMean: [],
    in_flight: [],
    queued: [],
    p50: [],
    p99: [],
    cost: [],
    billed_minutes: [],
  };
  const byStatus = new Map<string, number[]>(FAILED_STATUSES.map((s) => [s, []]));
  const other: number[] = [];
  let prevEnd = 0;
  for (let j = 0; j < n; j++) {
    const lo = j * rowsPerBucket;
    const hi = Math.min(rows.length, lo + rowsPerBucket);
    const m = hi - lo;
    let arrivals = 0;
    let succeeded = 0;
    let failed = 0;
    const statusSums = FAILED_STATUSES.map(() => 0);
    let replicas = 0;
    let starting = 0;
    let waiting = 0;
    let routable = 0;
    let stopped = 0;
    let backoff = 0;
    let desired: number | null = null;
    let desiredMin: number | null = null;
    let desiredSum = 0;
    let desiredN = 0;
    let inFlight = 0;
    let queued = 0;
    const p50s: number[] = [];
    let p99: number | null = null;
    let cost: number | null = null;
    let billed: number | null = null;
    for (let i = lo; i < hi; i++) {
      const r = rows[i]!;
      arrivals += r.arrivals ?? 0;
      succeeded += r.succeeded ?? 0;
      failed += r.failed ?? 0;
      FAILED_STATUSES.forEach((s, k) => {
        statusSums[k]! += r[`failed_${s}`] ?? 0;
      });
      replicas += r.replicas ?? 0;
      starting += r.starting ?? 0;
      const rt = r.routable ?? 0;
      const st = r.traffic_stopped ?? 0;
      routable += rt;
      stopped += st;
      waiting += Math.max(0, (r.ready ?? 0) - rt - st);
      backoff += r.backoff ?? 0;
      if (r.desired != null) {
        desired = desired === null ? r.desired : Math.max(desired, r.desired);
        desiredMin = desiredMin === null ? r.desired : Math.min(desiredMin, r.desired);
        desiredSum += r.desired;
        desiredN++;
      }
      inFlight = Math.max(inFlight, r.in_flight ?? 0);
      queued = Math.max(queued, r.queued ?? 0);
      if (r.latency_p50 != null) p50s.push(r.latency_p50);
      if (r.latency_p99 != null) p99 = p99 === null ? r.latency_p99 : Math.max(p99, r.latency_p99);
      if (r.cost != null) cost = r.cost;
      if (r.billed_minutes != null) billed = r.billed_minutes;
    }
    const t1 = rows[hi - 1]!.t ?? prevEnd;
    b.t0.push(prevEnd);
    b.t1.push(t1);
    prevEnd = t1;
    b.arrivals.push(arrivals);
    b.succeeded.push(succeeded);
    b.failed.push(failed);
    FAILED_STATUSES.forEach((s, k) => byStatus.get(s)!.push(statusSums[k]!));
    other.push(Math.max(0, failed - statusSums.reduce((a, v) => a + v, 0)));
    b.replicas.push(replicas / m);
    b.starting.push(starting / m);
    b.waiting.push(waiting / m);
    b.routable.push(routable / m);
    b.traffic_stopped.push(stopped / m);
    b.backoff.push(backoff / m);
    b.desired.push(desired);
    b.desiredMin.push(desiredMin);
    b.desiredMean.push(desiredN > 0 ? desiredSum / desiredN : null);
    b.in_flight.push(inFlight);
    b.queued.push(queued);
    b.p50.push(median(p50s));
    b.p99.push(p99);
    b.cost.push(cost);
    b.billed_minutes.push(billed);
  }
  for (const s of FAILED_STATUSES) {
    const values = byStatus.get(s)!;
    if (values.some((v) => v > 0)) b.failedBy.push({ status: s, values });
  }
  if (other.some((v) => v > 0)) b.failedBy.push({ status: 'other', values: other });
  return b;
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
