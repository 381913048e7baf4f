import type { Config } from './config.js';
import type { Replica, ReplicaState } from './replica.js';

/** What the meter reads of the engine: the time. */
export interface Clock {
  readonly now: number;
}

/** Billing applies except to development deployments under baseten-2026 (SPEC §2). */
export function billingApplies(cfg: Config): boolean {
  return !(cfg.deployment.environment === 'development' && cfg.platform === 'baseten-2026');
}

/** Billed states (SPEC §2): container running or backing off; not scheduling, pulling or draining. */
export function isBilledState(s: ReplicaState): boolean {
  return s === 'loading' || s === 'ready' || s === 'backoff';
}

/** Per replica, partial minutes round up [billing]. The epsilon absorbs float noise (120.0000001 s is 2 minutes). */
export function billedMinutes(seconds: number): number {
  return seconds <= 0 ? 0 : Math.ceil(seconds / 60 - 1e-9);
}

/**
 * Billed uptime of a service's replicas. The time is kept on each replica
 * (`billedFrom`, `billedSeconds`, `notServingSeconds`, `billMark`); the meter
 * accrues it up to now and must be called before any change of state or routability.
 */
export class Meter {
  /** Minutes of replicas removed so far (each rounded up when it closed). */
  private closedMinutes = 0;

  constructor(
    private readonly clock: Clock,
    readonly on: boolean,
  ) {}

  /** The replica's first container starts: billing begins (once). */
  start(r: Replica): void {
    if (r.billedFrom === null) {
      r.billedFrom = this.clock.now;
      r.billMark = this.clock.now;
    }
  }

  /** Accrue billed time up to now. */
  bill(r: Replica): void {
    const now = this.clock.now;
    if (r.billedFrom !== null && isBilledState(r.state)) {
      const dt = now - r.billMark;
      r.billedSeconds += dt;
      if (!r.routable) r.notServingSeconds += dt;
    }
    r.billMark = now;
  }

  /** The replica leaves (scale-down, preemption): its minutes are final. */
  close(r: Replica): void {
    this.bill(r);
    if (r.billedFrom !== null) this.closedMinutes += billedMinutes(r.billedSeconds);
  }

  /** Billed minutes so far (the timeline's column). */
  minutesNow(replicas: readonly Replica[]): number {
    let m = this.closedMinutes;
    for (const r of replicas) {
      if (r.billedFrom === null || !isBilledState(r.state)) continue;
      this.bill(r);
      m += billedMinutes(r.billedSeconds);
    }
    return this.on ? m : 0;
  }

  /** At the horizon: billed minutes and minutes not serving, over every replica ever created. */
  totals(replicas: readonly Replica[]): { billed: number; notServing: number } {
    let billed = 0;
    let notServing = 0;
    for (const r of replicas) {
      this.bill(r);
      if (r.billedFrom !== null) {
        billed += billedMinutes(r.billedSeconds);
        notServing += r.notServingSeconds / 60;
      }
    }
    return this.on ? { billed, notServing } : { billed: 0, notServing: 0 };
  }
}
