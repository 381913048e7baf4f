import type { ScaleDecision } from '../autoscaling/autoscaler.js';
import type { Clock } from '../billing.js';
import type { Config, FaultKind } from '../config.js';
import type { ReplicaState, Request, RestartCause } from '../replica.js';
import type { FaultMiss, ProbeName, ServiceReports } from '../reports.js';
import type { RequestRow, Sinks, Summary } from '../summary.js';
import { bucketOf } from '../latency-histogram.js';
import { EventLog } from './event-log.js';
import { FaultLog } from './fault-log.js';
import { LogFeed } from './log-feed.js';
import { Timeline, type ServiceView } from './timeline.js';
import { Totals } from './totals.js';

const OK = 200;

/** What the summary reads of the service at the horizon, besides a timeline row. */
export interface FinalView extends ServiceView {
  billingTotals(): { billed: number; notServing: number };
  /** Requests not ended at the horizon, by id. */
  liveRequests(): Request[];
}

/**
 * The run's accounting: folds the service's reports into the outputs: events.csv
 * (EventLog), the timeline (Timeline), requests.csv (rows written here), the summary
 * (Totals, FaultLog) and, when its sink is attached, logs.txt (LogFeed). It decides nothing;
 * each report goes to the folds that use it.
 */
export class Records implements ServiceReports {
  private readonly events: EventLog;
  private readonly faults: FaultLog;
  private readonly timeline: Timeline;
  private readonly totals: Totals;
  private readonly requestSink: Sinks['request'];
  /** null without a log sink: then no report builds a log entry. */
  private readonly logs: LogFeed | null;

  constructor(
    private readonly clock: Clock,
    private readonly cfg: Config,
    sinks: Sinks,
  ) {
    this.events = new EventLog(clock, sinks.event);
    this.faults = new FaultLog(clock);
    this.timeline = new Timeline(clock, cfg.deployment.instance.price_per_minute, sinks.sample);
    this.totals = new Totals(clock);
    this.requestSink = sinks.request;
    this.logs = sinks.log ? new LogFeed(clock, sinks.log) : null;
  }

  // ── replicas ──
  replicaState(replica: number, from: ReplicaState | '', to: ReplicaState): void {
    this.events.replicaState(replica, from, to);
    this.logs?.replicaState(replica, from, to);
  }
  replicaCount(current: number): void {
    this.totals.replicaCount(current);
  }
  coldStart(_replica: number): void {
    this.totals.coldStarts++;
  }
  lost(replica: number): void {
    this.faults.preempted(replica);
    this.logs?.lost(replica);
  }
  restarted(replica: number, cause: RestartCause, backoff: number, count: number): void {
    this.totals.restarts++;
    this.events.restarted(replica, cause, backoff);
    this.faults.restarted(replica);
    this.logs?.restarted(replica, cause, backoff, count);
  }
  // ── routing ──
  routable(replica: number, resumed: boolean): void {
    this.events.routable(replica, resumed);
    this.faults.routable(replica);
    this.logs?.routable(replica, resumed);
  }
  trafficStopped(replica: number, failures: number): void {
    this.totals.trafficStops++;
    this.events.trafficStopped(replica, failures);
    this.faults.trafficStopped(replica);
    this.logs?.trafficStopped(replica, failures);
  }
  checkFailed(replica: number, probe: ProbeName): void {
    this.logs?.checkFailed(replica, probe);
  }
  // ── faults ──
  faultHit(replica: number, kind: FaultKind): void {
    this.events.faultHit(replica, kind);
    this.faults.hit(replica, kind);
    this.logs?.faultHit(replica, kind);
  }
  faultMissed(kind: FaultKind, miss: FaultMiss): void {
    this.faults.missed(kind, miss);
  }
  // ── autoscaler ──
  scaled(d: ScaleDecision): void {
    this.events.scaled(d);
    this.logs?.scaled(d);
  }
  // ── requests ──
  arrival(): void {
    this.totals.arrived++;
    this.timeline.arrival();
  }
  retry(_req: Request): void {
    this.totals.retried++;
  }
  queueTimedOut(_req: Request): void {
    this.totals.queueTimeouts++;
  }
  attemptFailedOn(replica: number): void {
    this.faults.attemptFailedOn(replica);
  }
  finished(req: Request, status: number): void {
    const now = this.clock.now;
    const latency = now - req.arrival;
    const bucket = status === OK ? bucketOf(latency) : 0;
    this.totals.finished(latency, bucket, req.queueWait, status);
    this.timeline.finished(latency, bucket, status);
    this.requestSink?.(requestRow(req, now, status, latency));
  }

  /** One timeline row for the interval ending now. */
  sample(s: ServiceView): void {
    this.timeline.sample(s);
  }

  /** Close the run at the horizon (the clock is at `duration`): the last row, the requests still in flight, the summary. */
  finish(s: FinalView): Summary {
    const cfg = this.cfg;
    // Samples fire at k·dt < duration, so the row at the horizon is always still to write.
    this.timeline.sample(s);
    const price = cfg.deployment.instance.price_per_minute;
    const { billed, notServing } = s.billingTotals();
    const live = s.liveRequests();
    for (const req of live) this.requestSink?.(requestRow(req, null, null, null));
    const t = this.totals.summarize(live.length, s.replicas.length);
    const cost = billed * price;
    return {
      scenario: cfg.name,
      seed: cfg.seed,
      duration_s: cfg.duration,
      platform: cfg.platform,
      ...t,
      health: { faults: this.faults.records },
      billing: {
        billed_minutes: billed,
        cost,
        cost_per_1k_succeeded: this.totals.succeeded > 0 ? (cost / this.totals.succeeded) * 1000 : null,
        minutes_not_serving: notServing,
        price_per_minute: price,
      },
      warnings: this.faults.warnings,
    };
  }
}

function requestRow(req: Request, finished: number | null, status: number | null, latency: number | null): RequestRow {
  return {
    id: req.id,
    arrival: req.arrival,
    dispatched: req.dispatchedAt,
    replica: req.replica,
    finished,
    status,
    attempts: req.attempts,
    latency,
    ...(req.parent !== null ? { parent: req.parent } : {}),
  };
}
