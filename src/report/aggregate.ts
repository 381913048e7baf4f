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
  const agg = new TimelineAggregator(rows.length, maxBuckets);
  for (const r of rows) agg.add(r);
  return agg.finish();
}

/**
 * aggregateTimeline one row at a time, for rows streamed from timeline.csv: only the bucket
 * being filled is held. `total` is the number of rows that will come (it sets the bucket size).
 */
export class TimelineAggregator {
  private readonly b: Buckets;
  private readonly byStatus = new Map<string, number[]>(FAILED_STATUSES.map((s) => [s, []]));
  private readonly other: number[] = [];
  private prevEnd = 0;
  private acc = newAccumulator();

  constructor(
    private readonly total: number,
    maxBuckets: number,
  ) {
    const rowsPerBucket = Math.max(1, Math.ceil(total / Math.max(1, maxBuckets)));
    const n = Math.ceil(total / rowsPerBucket);
    this.b = {
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
  }

  add(r: TimelineRow): void {
    const a = this.acc;
    a.m++;
    a.arrivals += r.arrivals ?? 0;
    a.succeeded += r.succeeded ?? 0;
    a.failed += r.failed ?? 0;
    FAILED_STATUSES.forEach((s, k) => {
      a.statusSums[k]! += r[`failed_${s}`] ?? 0;
    });
    a.replicas += r.replicas ?? 0;
    a.starting += r.starting ?? 0;
    const rt = r.routable ?? 0;
    const st = r.traffic_stopped ?? 0;
    a.routable += rt;
    a.stopped += st;
    a.waiting += Math.max(0, (r.ready ?? 0) - rt - st);
    a.backoff += r.backoff ?? 0;
    if (r.desired != null) {
      a.desired = a.desired === null ? r.desired : Math.max(a.desired, r.desired);
      a.desiredMin = a.desiredMin === null ? r.desired : Math.min(a.desiredMin, r.desired);
      a.desiredSum += r.desired;
      a.desiredN++;
    }
    a.inFlight = Math.max(a.inFlight, r.in_flight ?? 0);
    a.queued = Math.max(a.queued, r.queued ?? 0);
    if (r.latency_p50 != null) a.p50s.push(r.latency_p50);
    if (r.latency_p99 != null) a.p99 = a.p99 === null ? r.latency_p99 : Math.max(a.p99, r.latency_p99);
    if (r.cost != null) a.cost = r.cost;
    if (r.billed_minutes != null) a.billed = r.billed_minutes;
    a.lastT = r.t;
    if (a.m === this.b.rowsPerBucket) this.close();
  }

  /** The buckets; throws when the rows added are not the `total` promised (a file changed between its two reads). */
  finish(): Buckets {
    if (this.acc.m > 0) this.close();
    const b = this.b;
    if (b.t1.length !== b.n) throw new Error(`timeline: ${b.n} buckets expected of ${this.total} rows, got ${b.t1.length}`);
    for (const s of FAILED_STATUSES) {
      const values = this.byStatus.get(s)!;
      if (values.some((v) => v > 0)) b.failedBy.push({ status: s, values });
    }
    if (this.other.some((v) => v > 0)) b.failedBy.push({ status: 'other', values: this.other });
    return b;
  }

  private close(): void {
    const { b, acc: a } = this;
    const m = a.m;
    const t1 = a.lastT ?? this.prevEnd;
    b.t0.push(this.prevEnd);
    b.t1.push(t1);
    this.prevEnd = t1;
    b.arrivals.push(a.arrivals);
    b.succeeded.push(a.succeeded);
    b.failed.push(a.failed);
    FAILED_STATUSES.forEach((s, k) => this.byStatus.get(s)!.push(a.statusSums[k]!));
    this.other.push(Math.max(0, a.failed - a.statusSums.reduce((x, v) => x + v, 0)));
    b.replicas.push(a.replicas / m);
    b.starting.push(a.starting / m);
    b.waiting.push(a.waiting / m);
    b.routable.push(a.routable / m);
    b.traffic_stopped.push(a.stopped / m);
    b.backoff.push(a.backoff / m);
    b.desired.push(a.desired);
    b.desiredMin.push(a.desiredMin);
    b.desiredMean.push(a.desiredN > 0 ? a.desiredSum / a.desiredN : null);
    b.in_flight.push(a.inFlight);
    b.queued.push(a.queued);
    b.p50.push(median(a.p50s));
    b.p99.push(a.p99);
    b.cost.push(a.cost);
    b.billed_minutes.push(a.billed);
    this.acc = newAccumulator();
  }
}

/** One bucket's running sums, maxima and last values. */
function newAccumulator() {
  return {
    m: 0,
    arrivals: 0,
    succeeded: 0,
    failed: 0,
    statusSums: FAILED_STATUSES.map(() => 0),
    replicas: 0,
    starting: 0,
    waiting: 0,
    routable: 0,
    stopped: 0,
    backoff: 0,
    desired: null as number | null,
    desiredMin: null as number | null,
    desiredSum: 0,
    desiredN: 0,
    inFlight: 0,
    queued: 0,
    p50s: [] as number[],
    p99: null as number | null,
    cost: null as number | null,
    billed: null as number | null,
    lastT: null as number | null,
  };
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
