import type { Clock } from '../billing.js';
import type { FaultKind } from '../config.js';
import type { FaultMiss } from '../reports.js';
import type { FaultRecord } from '../summary.js';
import { round3 } from './event-log.js';

/** Outcomes a fault record waits for, stamped with the first time each happens. */
type Outcome = 'traffic_stopped_at' | 'restarted_at' | 'routable_again_at' | 'preempted_at';

/** The summary's fault records (what each fault led to) and the warnings of faults that hit nothing. */
export class FaultLog {
  readonly records: FaultRecord[] = [];
  readonly warnings: string[] = [];
  /** Per replica, the records still waiting for a stop, a restart or routability. */
  private open = new Map<number, FaultRecord[]>();
  /** Per replica, the crash_loop records: they count restarts to the end of the run (the fault outlives routable windows). */
  private looping = new Map<number, FaultRecord[]>();

  constructor(private readonly clock: Clock) {}

  hit(replica: number, kind: FaultKind): void {
    const rec: FaultRecord = {
      kind,
      replica,
      at: this.clock.now,
      traffic_stopped_at: null,
      restarted_at: null,
      restarts: 0,
      preempted_at: null,
      routable_again_at: null,
      failed_requests_before_stop: 0,
    };
    this.records.push(rec);
    const open = this.open.get(replica);
    if (open) open.push(rec);
    else this.open.set(replica, [rec]);
    if (kind === 'crash_loop') this.looping.set(replica, [...(this.looping.get(replica) ?? []), rec]);
  }

  missed(kind: FaultKind, miss: FaultMiss): void {
    const why =
      'target' in miss
        ? `${miss.target.kind === 'index' ? `replica ${miss.target.index}` : `replica: ${miss.target.kind}`} does not exist at that time`
        : `replica ${miss.replica} has no running container (${miss.state})`;
    this.warnings.push(`fault ${kind} at ${round3(this.clock.now)} s: ${why}; nothing happened`);
  }

  /** A failed attempt counts against the faults not yet followed by a stop or a restart. */
  attemptFailedOn(replica: number): void {
    const open = this.open.get(replica);
    if (!open) return;
    for (const rec of open) {
      if (rec.traffic_stopped_at === null && rec.restarted_at === null && rec.preempted_at === null) rec.failed_requests_before_stop++;
    }
  }

  trafficStopped(replica: number): void {
    this.mark(replica, 'traffic_stopped_at');
  }

  /** Every restart counts on the records still open, and on the replica's crash_loop records whether open or not. */
  restarted(replica: number): void {
    this.mark(replica, 'restarted_at');
    const counted = new Set<FaultRecord>([...(this.open.get(replica) ?? []), ...(this.looping.get(replica) ?? [])]);
    for (const rec of counted) rec.restarts = (rec.restarts ?? 0) + 1;
  }

  /** The replica is lost (preemption): the episode of every open record ends, no restart; the replica is gone. */
  preempted(replica: number): void {
    this.mark(replica, 'preempted_at');
    this.open.delete(replica);
    this.looping.delete(replica);
  }

  /** Routable again: closes the records that had a stop or a restart. */
  routable(replica: number): void {
    const open = this.open.get(replica);
    if (!open) return;
    this.mark(replica, 'routable_again_at');
    const still = open.filter((rec) => rec.routable_again_at === null);
    if (still.length > 0) this.open.set(replica, still);
    else this.open.delete(replica);
  }

  private mark(replica: number, field: Outcome): void {
    const open = this.open.get(replica);
    if (!open) return;
    const now = this.clock.now;
    for (const rec of open) {
      if (field === 'routable_again_at' && rec.traffic_stopped_at === null && rec.restarted_at === null) continue;
      if (rec[field] === null) rec[field] = now;
    }
  }
}
