import type { ScaleDecision } from '../autoscaling/autoscaler.js';
import type { Clock } from '../billing.js';
import type { FaultKind } from '../config.js';
import type { ReplicaState, RestartCause } from '../replica.js';
import type { EventRow, Sinks } from '../summary.js';

/** events.csv: one row per replica, routing, fault and scaling event; `detail` is formatted here only. */
export class EventLog {
  constructor(
    private readonly clock: Clock,
    private readonly sink: Sinks['event'],
  ) {}

  replicaState(replica: number, from: ReplicaState | '', to: ReplicaState): void {
    this.emit(replica, 'state', from, to);
  }

  routable(replica: number, resumed: boolean): void {
    this.emit(replica, resumed ? 'traffic_resumed' : 'routable', '', '');
  }

  trafficStopped(replica: number, failures: number): void {
    this.emit(replica, 'traffic_stopped', '', '', `failures=${failures}`);
  }

  restarted(replica: number, cause: RestartCause, backoff: number): void {
    this.emit(replica, 'restart', '', '', `cause=${cause};backoff=${backoff}`);
  }

  faultHit(replica: number, kind: FaultKind): void {
    this.emit(replica, 'fault', '', '', `kind=${kind}`);
  }

  scaled(d: ScaleDecision): void {
    this.emit(null, d.kind === 'up' ? 'scale_up' : 'scale_down', d.from, d.to, `avg_in_flight=${round3(d.avgInFlight)};desired=${d.desired}`);
  }

  private emit(replica: number | null, event: EventRow['event'], from: string | number, to: string | number, detail = ''): void {
    this.sink?.({ t: this.clock.now, replica, event, from, to, detail });
  }
}

export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
