import type { Clock } from '../billing.js';
import { LatencyHistogram } from '../latency-histogram.js';
import type { Replica } from '../replica.js';
import type { Sinks, TimelineRow } from '../summary.js';

const OK = 200;

/** What a timeline row reads of the service when it is written. */
export interface ServiceView {
  readonly replicas: readonly Replica[];
  /** Replicas not terminating. */
  readonly current: number;
  readonly inFlight: number;
  readonly queued: number;
  readonly routable: number;
  readonly desired: number;
  readonly windowAverage: number;
  billedMinutesNow(): number;
}

/** timeline.csv: per sample interval, the requests that arrived and ended, and the service's state at its end. */
export class Timeline {
  private arrivals = 0;
  private succeeded = 0;
  private failed = 0;
  private byStatus = new Map<number, number>();
  private latency = new LatencyHistogram();

  constructor(
    private readonly clock: Clock,
    private readonly pricePerMinute: number,
    private readonly sink: Sinks['sample'],
  ) {}

  arrival(): void {
    this.arrivals++;
  }

  /** `bucket`: the latency's bucket (bucketOf), found once for this and the totals. */
  finished(latency: number, bucket: number, status: number): void {
    if (status === OK) {
      this.succeeded++;
      this.latency.addInBucket(latency, bucket);
    } else {
      this.failed++;
      this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    }
  }

  /** One row for the interval ending now. */
  sample(s: ServiceView): void {
    if (!this.sink) {
      this.reset();
      return;
    }
    let starting = 0;
    let ready = 0;
    let stopped = 0;
    let backoff = 0;
    for (const r of s.replicas) {
      if (r.state === 'scheduling' || r.state === 'pulling' || r.state === 'loading') starting++;
      else if (r.state === 'ready') {
        ready++;
        if (r.trafficStopped) stopped++;
      } else if (r.state === 'backoff') backoff++;
    }
    // Only when a row is written: billing accrues in the same steps as before.
    const billed = s.billedMinutesNow();
    const st = this.byStatus;
    const row: TimelineRow = {
      t: this.clock.now,
      arrivals: this.arrivals,
      succeeded: this.succeeded,
      failed: this.failed,
      in_flight: s.inFlight,
      queued: s.queued,
      replicas: s.current,
      starting,
      ready,
      routable: s.routable,
      traffic_stopped: stopped,
      backoff,
      desired: s.desired,
      window_avg_in_flight: s.windowAverage,
      billed_minutes: billed,
      cost: billed * this.pricePerMinute,
      latency_p50: this.latency.quantile(0.5),
      latency_p99: this.latency.quantile(0.99),
      failed_429: st.get(429) ?? 0,
      failed_500: st.get(500) ?? 0,
      failed_502: st.get(502) ?? 0,
      failed_503: st.get(503) ?? 0,
      failed_504: st.get(504) ?? 0,
    };
    this.reset();
    this.sink(row);
  }

  private reset(): void {
    this.arrivals = 0;
    this.succeeded = 0;
    this.failed = 0;
    this.byStatus.clear();
    this.latency.reset();
  }
}
