import type { ScaleDecision } from '../autoscaling/autoscaler.js';
import type { Clock } from '../billing.js';
import type { FaultKind } from '../config.js';
import type { ReplicaState, RestartCause } from '../replica.js';
import type { ProbeName } from '../reports.js';
import type { LogEntry } from '../summary.js';

/**
 * logs.txt's entries (SPEC §13): the reports a platform's logs would show, stamped with the
 * clock. Built only when a log sink is attached (Records holds none otherwise), so a run
 * without one allocates nothing for it.
 */
export class LogFeed {
  constructor(
    private readonly clock: Clock,
    private readonly sink: (entry: LogEntry) => void,
  ) {}

  checkFailed(replica: number, probe: ProbeName): void {
    this.sink({ t: this.clock.now, what: 'check_failed', replica, probe });
  }

  replicaState(replica: number, from: ReplicaState | '', to: ReplicaState): void {
    this.sink({ t: this.clock.now, what: 'state', replica, from, to });
  }

  routable(replica: number, resumed: boolean): void {
    this.sink({ t: this.clock.now, what: 'routable', replica, resumed });
  }

  trafficStopped(replica: number, failures: number): void {
    this.sink({ t: this.clock.now, what: 'traffic_stopped', replica, failures });
  }

  restarted(replica: number, cause: RestartCause, backoff: number, count: number): void {
    this.sink({ t: this.clock.now, what: 'restart', replica, cause, backoff, count });
  }

  faultHit(replica: number, kind: FaultKind): void {
    this.sink({ t: this.clock.now, what: 'fault', replica, kind });
  }

  lost(replica: number): void {
    this.sink({ t: this.clock.now, what: 'lost', replica });
  }

  scaled(d: ScaleDecision): void {
    this.sink({ t: this.clock.now, what: 'scale', direction: d.kind === 'up' ? 'up' : 'down', from: d.from, to: d.to, avgInFlight: d.avgInFlight, desired: d.desired });
  }
}
