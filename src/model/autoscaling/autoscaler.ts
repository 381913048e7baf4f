import type { Autoscaling } from '../config.js';
import type { AutoscalerPolicy, InFlightMetrics } from './policy.js';

/** What the autoscaler does to the service: count, add and remove replicas. */
export interface ScaleTarget {
  /** Replicas not terminating, whatever their state or health. */
  readonly current: number;
  scaleUp(count: number): void;
  scaleDown(count: number): void;
}

/** One applied decision, with its inputs (for the events record). */
export interface ScaleDecision {
  kind: 'up' | 'down';
  from: number;
  to: number;
  avgInFlight: number;
  desired: number;
}

/**
 * Runs a policy on the service: each tick asks the metrics for the window average,
 * lets the policy decide, reports the decision, then applies it.
 */
export class Autoscaler {
  private state: unknown;
  /** The last decision's desired count (the initial replicas before the first tick). */
  desired: number;
  /** The window average the last decision saw. */
  lastAverage = 0;

  constructor(
    private readonly policy: AutoscalerPolicy<unknown>,
    private readonly cfg: Autoscaling,
    private readonly metrics: InFlightMetrics,
    private readonly target: ScaleTarget,
    private readonly report: (d: ScaleDecision) => void,
    initialDesired: number,
  ) {
    this.state = policy.initial;
    this.desired = initialDesired;
  }

  tick(now: number): void {
    const avg = this.metrics.average(now);
    this.lastAverage = avg;
    const current = this.target.current;
    const d = this.policy.decide(this.state, { now, avgInFlight: avg, inFlightNow: this.metrics.current, current }, this.cfg);
    this.state = d.state;
    this.desired = d.desired;
    const a = d.action;
    if (a.kind === 'up') {
      this.report({ kind: 'up', from: current, to: current + a.count, avgInFlight: avg, desired: d.desired });
      this.target.scaleUp(a.count);
    } else if (a.kind === 'down') {
      this.report({ kind: 'down', from: current, to: current - a.count, avgInFlight: avg, desired: d.desired });
      this.target.scaleDown(a.count);
    }
  }
}
