import { describe, expect, it } from 'vitest';
import { Autoscaler, type ScaleDecision } from '../src/model/autoscaling/autoscaler.js';
import { basetenAutoscaler } from '../src/model/autoscaling/baseten.js';
import type { InFlightMetrics } from '../src/model/autoscaling/policy.js';
import { defaultConfig } from '../src/scenario/defaults.js';

/** The driver between a policy and a service: reads the window, reports the decision with its inputs, then applies it. */
function setup(avg: number, current: number) {
  const cfg = { ...defaultConfig().deployment.autoscaling, min_replica: 0, max_replica: 10, concurrency_target: 1, target_utilization_percentage: 100, scale_down_delay: 0 };
  const log: string[] = [];
  const asked: number[] = [];
  const metrics: InFlightMetrics = {
    current: avg,
    average: (now) => (asked.push(now), avg),
  };
  const target = {
    current,
    scaleUp: (n: number) => log.push(`up ${n}`),
    scaleDown: (n: number) => log.push(`down ${n}`),
  };
  const a = new Autoscaler(basetenAutoscaler, cfg, metrics, target, (d: ScaleDecision) => log.push(`report ${d.kind} ${d.from}→${d.to} avg=${d.avgInFlight} desired=${d.desired}`), current);
  return { a, log, asked };
}

describe('Autoscaler (driver)', () => {
  it('asks the metrics for the window average at the tick, reports, then scales up', () => {
    const { a, log, asked } = setup(3.5, 1);
    a.tick(20);
    expect(asked).toEqual([20]);
    expect(log).toEqual(['report up 1→4 avg=3.5 desired=4', 'up 3']);
    expect(a.desired).toBe(4);
    expect(a.lastAverage).toBe(3.5);
  });

  it('scales down; no action reports nothing', () => {
    const down = setup(1, 3);
    down.a.tick(10);
    expect(down.log).toEqual(['report down 3→2 avg=1 desired=1', 'down 1']);
    const steady = setup(2, 2);
    steady.a.tick(10);
    expect(steady.log).toEqual([]);
    expect(steady.a.desired).toBe(2);
  });
});
