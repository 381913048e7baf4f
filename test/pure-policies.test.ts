import { describe, expect, it } from 'vitest';
import { stream } from '../src/engine/random.js';
import { Simulation } from '../src/engine/simulation.js';
import { pickTargets } from '../src/model/faults.js';
import { isHealthy, newHealthMemory, recordResponse } from '../src/model/health-rules.js';
import { LatencyHistogram } from '../src/model/latency-histogram.js';
import { pickReplica, retryDelay } from '../src/model/pick-replica.js';
import { failedOut, newCounter, observe } from '../src/model/probe-counter.js';
import { pickForRemoval } from '../src/model/removal-order.js';
import { newReplica, type Replica, type ReplicaState } from '../src/model/replica.js';

/** The model's small pure policies, each on its own (the simulation tests cover them wired together). */
const sim = new Simulation();
function replica(id: number, state: ReplicaState = 'ready', patch: Partial<Replica> = {}): Replica {
  return Object.assign(newReplica(id, state, sim.group()), patch);
}

describe('pickReplica: least in-flight below the target, ties to the lowest id', () => {
  it('chooses the least loaded; null when all are at target', () => {
    const rs = [replica(0, 'ready', { inFlight: 2 }), replica(1, 'ready', { inFlight: 1 }), replica(2, 'ready', { inFlight: 1 })];
    expect(pickReplica(rs, 3)?.id).toBe(1);
    expect(pickReplica(rs, 1)).toBeNull();
    expect(pickReplica([], 5)).toBeNull();
  });
});

describe('retryDelay: initial × multiplier^(n−1), capped', () => {
  it.each([
    [1, 0.5],
    [2, 1],
    [3, 2],
    [5, 5],
  ])('retry %i waits %s s', (n, d) => expect(retryDelay(n, 0.5, 2, 5)).toBe(d));
});

describe('pickForRemoval: not ready, then traffic-stopped, then more restarts, then newest', () => {
  it('orders the ReplicaSet way', () => {
    const rs = [
      replica(0, 'ready', { routable: true, restarts: 0 }),
      replica(1, 'ready', { routable: true, restarts: 2 }),
      replica(2, 'ready', { routable: false, trafficStopped: true }),
      replica(3, 'loading'),
      replica(4, 'ready', { routable: true, restarts: 0 }),
    ];
    expect(pickForRemoval(rs, 5).map((r) => r.id)).toEqual([3, 2, 1, 4, 0]);
    expect(pickForRemoval(rs, 2).map((r) => r.id)).toEqual([3, 2]);
  });
});

describe('health rules: what is_healthy() sees', () => {
  it('no rule: healthy; consecutive_errors resets on a success', () => {
    const m = newHealthMemory();
    expect(isHealthy(m, null, 0)).toBe(true);
    const rule = { rule: 'consecutive_errors', threshold: 2 } as const;
    recordResponse(m, rule, 1, 500, 0.1);
    recordResponse(m, rule, 2, 200, 0.1);
    recordResponse(m, rule, 3, 503, 0.1);
    expect(isHealthy(m, rule, 3)).toBe(true);
    recordResponse(m, rule, 4, 500, 0.1);
    expect(isHealthy(m, rule, 4)).toBe(false);
  });

  it('error_window forgets errors older than the window', () => {
    const m = newHealthMemory();
    const rule = { rule: 'error_window', threshold: 2, window: 10 } as const;
    recordResponse(m, rule, 1, 500, 0.1);
    recordResponse(m, rule, 5, 500, 0.1);
    expect(isHealthy(m, rule, 6)).toBe(false);
    expect(isHealthy(m, rule, 11.5)).toBe(true);
  });
});

describe('LatencyHistogram: percentiles within ±1 %, mean and max exact', () => {
  it('reports 1..1000', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 1000; i++) h.add(i / 1000);
    expect(h.count).toBe(1000);
    expect(h.mean()).toBeCloseTo(0.5005, 12);
    expect(h.max()).toBe(1);
    expect(Math.abs(h.quantile(0.5)! / 0.5 - 1)).toBeLessThan(0.011);
    expect(Math.abs(h.quantile(0.99)! / 0.99 - 1)).toBeLessThan(0.011);
    h.reset();
    expect(h.quantile(0.5)).toBeNull();
  });
});

describe('probe counters: the startup probe fails out after its threshold', () => {
  it('failedOut once threshold failures run in a row, never after a pass', () => {
    let c = newCounter(false);
    for (let i = 1; i <= 3; i++) {
      c = observe(c, false, 3).next;
      expect(failedOut(c, 3)).toBe(i >= 3);
    }
    c = observe(c, true, 3).next;
    expect(failedOut(c, 3)).toBe(false);
  });
});

describe('pickTargets: which replicas a fault occurrence hits', () => {
  const all = [replica(0, 'terminated'), replica(1), replica(2), replica(3), replica(4)];
  const live = all.slice(1);

  it('index: the replica with that creation index, if it is current', () => {
    const rng = stream(1, 'faults/0');
    expect(pickTargets({ kind: 'index', index: 2 }, all, live, rng).map((r) => r.id)).toEqual([2]);
    expect(pickTargets({ kind: 'index', index: 0 }, all, live, rng)).toEqual([]);
    expect(pickTargets({ kind: 'index', index: 9 }, all, live, rng)).toEqual([]);
  });

  it('all, random, fraction (sorted by id); random draws nothing when none is live', () => {
    expect(pickTargets({ kind: 'all' }, all, live, stream(1, 'x')).map((r) => r.id)).toEqual([1, 2, 3, 4]);
    expect(pickTargets({ kind: 'random' }, all, live, stream(1, 'x'))).toHaveLength(1);
    const half = pickTargets({ kind: 'fraction', fraction: 0.5 }, all, live, stream(1, 'x')).map((r) => r.id);
    expect(half).toHaveLength(2);
    expect([...half].sort((a, b) => a - b)).toEqual(half);
    let draws = 0;
    expect(pickTargets({ kind: 'random' }, all, [], () => (draws++, 0.5))).toEqual([]);
    expect(draws).toBe(0);
  });
});
