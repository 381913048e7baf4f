import type { Clock } from './billing.js';
import type { Config, FaultKind } from './config.js';
import { LatencyHistogram } from './latency-histogram.js';
import type { Replica, ReplicaState, Request, RestartCause } from './replica.js';
import type { EventRow, FaultRecord, Sinks, Summary, TimelineRow } from './summary.js';

const OK = 200;

/** Outcomes a fault record waits for, stamped with the first time each happens. */
type FaultMark = 'traffic_stopped_at' | 'restarted_at' | 'routable_again_at';

/** What the timeline and the summary read of the service when they are written. */
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
  billingTotals(): { billed: number; notServing: number };
  /** Requests not ended at the horizon, by id. */
  liveRequests(): Request[];
}

/**
 * The run's accounting, folded from what the parts report (state changes, routability,
 * traffic stops, restarts with their cause, fault hits, finished requests, scale decisions):
 * the events, requests and timeline sinks, and the summary's counters. It decides nothing.
 */
export class Records {
  private arrived = 0;
  private succeeded = 0;
  private failed = 0;
  private retried = 0;
  private byStatus = new Map<number, number>();
  private latency = new LatencyHistogram();
  private queueWait = new LatencyHistogram();
  private restarts = 0;
  private trafficStops = 0;
  private coldStarts = 0;
  private peak = 0;
  private count = 0;
  private replicaSeconds = 0;
  private lastCountChange = 0;
  private faults: FaultRecord[] = [];
  private warnings: string[] = [];

  // Per sample interval.
  private iv = { arrivals: 0, succeeded: 0, failed: 0, byStatus: new Map<number, number>() };
  private ivLatency = new LatencyHistogram();

  constructor(
    private readonly clock: Clock,
    private readonly cfg: Config,
    private readonly sinks: Sinks,
  ) {}

  // ───────────────────────── replicas ─────────────────────────

  replicaState(r: Replica, from: ReplicaState | '', to: ReplicaState): void {
    this.emit(r.id, 'state', from, to);
  }

  /** The number of current replicas changed (the mean and the peak integrate it). */
  replicaCount(count: number): void {
    const now = this.clock.now;
    this.replicaSeconds += this.count * (now - this.lastCountChange);
    this.lastCountChange = now;
    this.count = count;
    if (count > this.peak) this.peak = count;
  }

  coldStart(): void {
    this.coldStarts++;
  }

  /** Readiness passed: first time in this container (`routable`) or again (`traffic_resumed`). */
  routable(r: Replica, resumed: boolean): void {
    this.emit(r.id, resumed ? 'traffic_resumed' : 'routable', '', '');
    this.markFaults(r, 'routable_again_at');
  }

  trafficStopped(r: Replica, failures: number): void {
    this.trafficStops++;
    this.emit(r.id, 'traffic_stopped', '', '', `failures=${failures}`);
    this.markFaults(r, 'traffic_stopped_at');
  }

  restarted(r: Replica, cause: RestartCause, backoff: number): void {
    this.restarts++;
    this.emit(r.id, 'restart', '', '', `cause=${cause};backoff=${backoff}`);
    this.markFaults(r, 'restarted_at');
  }

  /** The replica is gone at once (preemption): its faults count as restarted. */
  lost(r: Replica): void {
    this.markFaults(r, 'restarted_at');
  }

  scaled(kind: 'up' | 'down', from: number, to: number, avgInFlight: number, desired: number): void {
    this.emit(null, kind === 'up' ? 'scale_up' : 'scale_down', from, to, `avg_in_flight=${round(avgInFlight)};desired=${desired}`);
  }

  // ───────────────────────── faults ─────────────────────────

  faultHit(r: Replica, kind: FaultKind): void {
    this.emit(r.id, 'fault', '', '', `kind=${kind}`);
    const rec: FaultRecord = {
      kind,
      replica: r.id,
      at: this.clock.now,
      traffic_stopped_at: null,
      restarted_at: null,
      routable_again_at: null,
      failed_requests_before_stop: 0,
    };
    this.faults.push(rec);
    r.openFaults.push(rec);
  }

  /** A fault that found nothing to hit. */
  faultMissed(kind: FaultKind, who: string): void {
    this.warnings.push(`fault ${kind} at ${round(this.clock.now)} s: ${who}; nothing happened`);
  }

  /** An attempt failed on this replica (5xx, or killed with it). */
  replicaFailure(r: Replica): void {
    for (const rec of r.openFaults) {
      if (rec.traffic_stopped_at === null && rec.restarted_at === null) rec.failed_requests_before_stop++;
    }
  }

  /** Stamp the open fault records of a replica with the first time of each outcome. */
  private markFaults(r: Replica, field: FaultMark): void {
    const now = this.clock.now;
    for (const rec of r.openFaults) {
      if (field === 'routable_again_at') {
        if (rec.traffic_stopped_at === null && rec.restarted_at === null) continue;
      }
      if (rec[field] === null) rec[field] = now;
    }
    if (field === 'routable_again_at') r.openFaults = r.openFaults.filter((rec) => rec.routable_again_at === null);
  }

  // ───────────────────────── requests ─────────────────────────

  arrival(): void {
    this.arrived++;
    this.iv.arrivals++;
  }

  retry(): void {
    this.retried++;
  }

  /** The request's final response. */
  finished(req: Request, status: number): void {
    const now = this.clock.now;
    const latency = now - req.arrival;
    if (status === OK) {
      this.succeeded++;
      this.iv.succeeded++;
      this.latency.add(latency);
      this.ivLatency.add(latency);
    } else {
      this.failed++;
      this.iv.failed++;
      this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
      this.iv.byStatus.set(status, (this.iv.byStatus.get(status) ?? 0) + 1);
    }
    this.queueWait.add(req.queueWait);
    this.sinks.request?.({
      id: req.id,
      arrival: req.arrival,
      dispatched: req.dispatchedAt,
      replica: req.replica,
      finished: now,
      status,
      attempts: req.attempts,
      latency,
    });
  }

  // ───────────────────────── outputs ─────────────────────────

  private emit(replica: number | null, event: EventRow['event'], from: string | number, to: string | number, detail = ''): void {
    this.sinks.event?.({ t: this.clock.now, replica, event, from, to, detail });
  }

  /** One timeline row for the interval ending now. */
  sample(s: ServiceView): void {
    if (!this.sinks.sample) {
      this.resetInterval();
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
    const billed = s.billedMinutesNow();
    const st = this.iv.byStatus;
    const row: TimelineRow = {
      t: this.clock.now,
      arrivals: this.iv.arrivals,
      succeeded: this.iv.succeeded,
      failed: this.iv.failed,
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
      cost: billed * this.cfg.deployment.instance.price_per_minute,
      latency_p50: this.ivLatency.quantile(0.5),
      latency_p99: this.ivLatency.quantile(0.99),
      failed_429: st.get(429) ?? 0,
      failed_500: st.get(500) ?? 0,
      failed_502: st.get(502) ?? 0,
      failed_503: st.get(503) ?? 0,
      failed_504: st.get(504) ?? 0,
    };
    this.resetInterval();
    this.sinks.sample(row);
  }

  private resetInterval(): void {
    this.iv.arrivals = 0;
    this.iv.succeeded = 0;
    this.iv.failed = 0;
    this.iv.byStatus.clear();
    this.ivLatency.reset();
  }

  /** Close the run at the horizon (the clock is at `duration`): the last row, the requests still in flight, the summary. */
  finish(s: ServiceView): Summary {
    const cfg = this.cfg;
    const end = this.clock.now;
    // Samples fire at k·dt < duration, so the row at the horizon is always still to write.
    this.sample(s);
    const price = cfg.deployment.instance.price_per_minute;
    const { billed, notServing } = s.billingTotals();
    const live = s.liveRequests();
    for (const req of live) {
      this.sinks.request?.({
        id: req.id,
        arrival: req.arrival,
        dispatched: req.dispatchedAt,
        replica: req.replica,
        finished: null,
        status: null,
        attempts: req.attempts,
        latency: null,
      });
    }
    this.replicaCount(this.count);
    const inFlightEnd = live.length;
    const finished = this.arrived - inFlightEnd;
    const cost = billed * price;
    const byStatus: Record<string, number> = {};
    for (const k of [...this.byStatus.keys()].sort((a, b) => a - b)) byStatus[String(k)] = this.byStatus.get(k)!;
    return {
      scenario: cfg.name,
      seed: cfg.seed,
      duration_s: cfg.duration,
      platform: cfg.platform,
      requests: {
        arrived: this.arrived,
        succeeded: this.succeeded,
        failed: this.failed,
        in_flight_at_end: inFlightEnd,
        retried_attempts: this.retried,
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
        created: s.replicas.length,
        peak: this.peak,
        mean: end > 0 ? this.replicaSeconds / end : 0,
        restarts: this.restarts,
        cold_starts: this.coldStarts,
        traffic_stops: this.trafficStops,
      },
      health: { faults: this.faults },
      billing: {
        billed_minutes: billed,
        cost,
        cost_per_1k_succeeded: this.succeeded > 0 ? (cost / this.succeeded) * 1000 : null,
        minutes_not_serving: notServing,
        price_per_minute: price,
      },
      warnings: this.warnings,
    };
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
