import { describe, expect, it } from 'vitest';
import { checkInvariants, formatViolations } from '../src/check/invariants.js';
import type { Fault } from '../src/model/config.js';
import { pickForRemoval } from '../src/model/removal-order.js';
import { newReplica, type Container } from '../src/model/replica.js';
import { newHealthMemory } from '../src/model/health-rules.js';
import { newCounter } from '../src/model/probe-counter.js';
import { Simulation } from '../src/engine/simulation.js';
import { config, eventTimes, runCollect } from './helpers/run-model.js';

/**
 * SPEC §6 removal order: not yet ready first (scheduling, pulling, loading, backoff, and loaded but
 * not yet passed its first readiness check), then traffic-stopped, then more restarts, then the newest.
 */

const f = (kind: Fault['kind'], at: number, index: number): Fault => ({ kind, at, mtbf: null, duration: null, probability: 0, factor: 1, after: 0, replica: { kind: 'index', index } });

describe('SPEC §6: a loaded replica that has not passed a check goes before a traffic-stopped one', () => {
  // Two warm replicas (checks at 0, 10, ...), min 1, max 2, no traffic: desired 1 from the tick at
  // 10, scale_down_delay 80 → one scale-down at 90. Load 25 s, stop after 1 failed check (10 s),
  // restart threshold 1800 s (never). is_healthy: after_fault cuda_error.
  // Replica 0: crash at 1 → restart 1 (back-off 0), container 1, loaded 26, checks 1, 11, 21 fail,
  //   31 passes (routable); crash at 32 → restart 2 (back-off 10), container 42, loaded 67, checks
  //   42–62 fail, 72 passes; cuda_error at 73 → check 82 fails → traffic stopped at 82.
  // Replica 1: crash at 64 → restart 1 (back-off 0), container 64, loaded 89; checks 64, 74, 84 fail,
  //   the next is 94.
  // At the decision at 90: replica 0 traffic-stopped with 2 restarts, replica 1 loaded with 1 restart
  // but not yet past a check → not yet ready → replica 1 goes (terminating, terminated at 90: idle).
  // (Ranking it with the traffic-stopped, the 2 restarts of replica 0 would have removed replica 0.)
  const cfg = config((c) => {
    c.duration = 120;
    c.deployment.initial_state = 'warm';
    c.deployment.initial_replicas = 2;
    c.deployment.autoscaling = { ...c.deployment.autoscaling, min_replica: 1, max_replica: 2, scale_down_delay: 80 };
    c.deployment.runtime.health_checks.stop_traffic_threshold_seconds = 10;
    c.deployment.startup.load = { dist: 'constant', value: 25 };
    c.deployment.is_healthy = { rule: 'after_fault', fault: 'cuda_error' };
    c.faults = [f('crash', 1, 0), f('crash', 32, 0), f('cuda_error', 73, 0), f('crash', 64, 1)];
  });
  const { events, summary, requests, timeline } = runCollect(cfg);

  it('removes replica 1 at 90', () => {
    expect(eventTimes(events, 'restart', 0)).toEqual([1, 32]);
    expect(eventTimes(events, 'traffic_stopped', 0)).toEqual([82]);
    expect(eventTimes(events, 'restart', 1)).toEqual([64]);
    expect(events.filter((e) => e.event === 'scale_down').map((e) => [e.t, e.from, e.to])).toEqual([[90, 2, 1]]);
    const gone = events.filter((e) => e.event === 'state' && (e.to === 'terminating' || e.to === 'terminated')).map((e) => [e.t, e.replica, e.to]);
    expect(gone).toEqual([
      [90, 1, 'terminating'],
      [90, 1, 'terminated'],
    ]);
  });

  it('the checker agrees', () => {
    const v = checkInvariants({ config: cfg, summary, events, requests, samples: timeline });
    expect(v, formatViolations(v)).toEqual([]);
  });
});

describe('pickForRemoval ranks', () => {
  const sim = new Simulation();
  const container = (everRoutable: boolean): Container => ({
    startedAt: 0,
    alive: true,
    loaded: true,
    hung: false,
    cudaError: false,
    errorRate: null,
    slowdown: null,
    health: newHealthMemory(),
    readiness: newCounter(false),
    liveness: newCounter(true),
    startup: null,
    everRoutable,
    timers: sim.group(),
  });
  it('backoff, loaded-not-passed (either restarts) before traffic-stopped before routable', () => {
    const rs = [
      Object.assign(newReplica(0, 'ready', sim.group()), { routable: true, container: container(true) }),
      Object.assign(newReplica(1, 'ready', sim.group()), { trafficStopped: true, restarts: 3, container: container(true) }),
      Object.assign(newReplica(2, 'ready', sim.group()), { restarts: 1, container: container(false) }),
      Object.assign(newReplica(3, 'backoff', sim.group()), { restarts: 0 }),
    ];
    // Rank 0: replica 2 (1 restart) then 3 (0 restarts); rank 1: replica 1; rank 2: replica 0.
    expect(pickForRemoval(rs, 4).map((r) => r.id)).toEqual([2, 3, 1, 0]);
  });
});
