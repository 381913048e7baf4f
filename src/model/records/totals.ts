import type { Clock } from '../billing.js';
import { LatencyHistogram } from '../latency-histogram.js';
import type { Summary } from '../summary.js';

const OK = 200;

/** The summary's run-long counters: requests by outcome, latency and queue wait, replica counts. */
export class Totals {
  arrived = 0;
  succeeded = 0;
  failed = 0;
  retried = 0;
  /** Failed with the router's 500: still in its queue at `request.timeout` (part of `failed` and by_status 500). */
  queueTimeouts = 0;
  restarts = 0;
  trafficStops = 0;
  coldStarts = 0;
  private byStatus = new Map<number, number>();
  private latency = new LatencyHistogram();
  private queueWait = new LatencyHistogram();
  private peak = 0;
  private count = 0;
  private replicaSeconds = 0;
  private lastCountChange = 0;

  constructor(private readonly clock: Clock) {}

  /** The number of current replicas changed (the mean and the peak integrate it). */
  replicaCount(count: number): void {
    const now = this.clock.now;
    this.replicaSeconds += this.count * (now - this.lastCountChange);
    this.lastCountChange = now;
    this.count = count;
    if (count > this.peak) this.peak = count;
  }

  /** `bucket`: the latency's bucket (bucketOf), found once for this and the timeline. */
  finished(latency: number, bucket: number, queueWait: number, status: number): void {
    if (status === OK) {
      this.succeeded++;
      this.latency.addInBucket(latency, bucket);
    } else {
      this.failed++;
      this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    }
    this.queueWait.add(queueWait);
  }

  /** At the horizon, with the requests still in flight and the replicas ever created. */
  summarize(inFlightEnd: number, created: number): Pick<Summary, 'requests' | 'availability' | 'latency_s' | 'queue_wait_s' | 'replicas'> {
    this.replicaCount(this.count);
    const end = this.clock.now;
    const finished = this.arrived - inFlightEnd;
    const byStatus: Record<string, number> = {};
    for (const k of [...this.byStatus.keys()].sort((a, b) => a - b)) byStatus[String(k)] = this.byStatus.get(k)!;
    return {
      requests: {
        arrived: this.arrived,
        succeeded: this.succeeded,
        failed: this.failed,
        in_flight_at_end: inFlightEnd,
        retried_attempts: this.retried,
        queue_timeouts: this.queueTimeouts,
        by_status: byStatus,
      },
      availability: finished > 0 ? this.succeeded / finished : null,
      latency_s: {
        mean: this.latency.mean(),
        p50: this.latency.quantile(0.5),
        p90: this.latency.quantile(0.9),
        p95: this.latency.quantile(0.95),
        p99: this.latency.quantile(0.99),
        max: this.latency.max(),
      },
      queue_wait_s: { mean: this.queueWait.mean(), p99: this.queueWait.quantile(0.99) },
      replicas: {
        created,
        peak: this.peak,
        mean: end > 0 ? this.replicaSeconds / end : 0,
        restarts: this.restarts,
        cold_starts: this.coldStarts,
        traffic_stops: this.trafficStops,
      },
    };
  }
}
