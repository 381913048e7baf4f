import { describe, expect, it } from 'vitest';
import type { Config, Fault } from '../src/model/config.js';
import { config, eventTimes, runCollect } from './helpers/run-model.js';

/**
 * SPEC §1, the order of events at one instant: faults and phase ends, then request deadlines,
 * then health checks, then autoscaler decisions, then arrivals / retries / dispatch, then samples.
 * Every expected number below is worked by hand from that rule (probe period 10 s, aligned).
 */

const fault = (f: Partial<Fault> & Pick<Fault, 'kind'>): Fault => ({
  at: 0,
  mtbf: null,
  duration: null,
  probability: 0,
  factor: 1,
  after: 0,
  replica: { kind: 'index', index: 0 },
  ...f,
});

/** One arrival at exactly `t` (a constant source of one request). */
const oneAt = (t: number): Config['traffic'][number] => ({ kind: 'constant', rate: 1, start: t, end: t + 0.5 });

function warm(change: (c: Config) => void): Config {
  return config((c) => {
    c.duration = 200;
    c.deployment.initial_state = 'warm';
    c.deployment.autoscaling = { ...c.deployment.autoscaling, min_replica: 1, max_replica: 1 };
    c.deployment.runtime.health_checks.stop_traffic_threshold_seconds = 30;
    c.deployment.runtime.health_checks.restart_threshold_seconds = 60;
    c.deployment.startup.load = { dist: 'constant', value: 25 };
    change(c);
  });
}

describe('SPEC §1: a fault at t = 0 is seen by the check at t = 0', () => {
  // Warm container started at 0: checks at 0, 10, 20, ... The cuda_error at 0 runs before the
  // check at 0 (faults first), so the checks at 0, 10, 20 fail: 3 = 30 s / 10 s → traffic stopped
  // at 20 with failures=3. Liveness: 6 = 60 s / 10 s failures at 0, 10, 20, 30, 40, 50 → restart at
  // 50 (first restart: back-off 0) → new container at 50, load 25 s → ready at 75; its checks at
  // 50, 60, 70 fail (loading), 80 passes → routable again at 80.
  // (Before SPEC §1's order the fault ran after the check at 0: stop at 30, restart at 60.)
  const { events, summary } = runCollect(
    warm((c) => {
      c.deployment.is_healthy = { rule: 'after_fault', fault: 'cuda_error' };
      c.faults = [fault({ kind: 'cuda_error', at: 0 })];
    }),
  );

  it('stops traffic at 20 s after 3 failed checks and restarts at 50 s after 6', () => {
    expect(eventTimes(events, 'traffic_stopped', 0)).toEqual([20]);
    expect(events.find((e) => e.event === 'traffic_stopped')!.detail).toBe('failures=3');
    expect(eventTimes(events, 'restart', 0)).toEqual([50]);
    expect(events.find((e) => e.event === 'restart')!.detail).toBe('cause=liveness;backoff=0');
    expect(eventTimes(events, 'routable', 0)).toEqual([0, 80]);
    expect(summary.health.faults[0]).toMatchObject({ at: 0, traffic_stopped_at: 20, restarted_at: 50, preempted_at: null, routable_again_at: 80 });
  });
});

describe('SPEC §1: a request whose deadline is now fails before a replica freed now takes it', () => {
  // One warm replica, concurrency 1, service 10 s, request.timeout 10 s, no retries.
  // Request 0 arrives at 0: dispatched at 0, service ends at 10 = its deadline → 200 (ending at the
  // deadline is in time). Request 1 arrives at 0: queued, deadline 10. Request 2 arrives at 1:
  // queued, deadline 11. At 10: request 0's service ends (phase end) and frees the replica; then
  // request 1's deadline (deadline priority) fails it with 500, never dispatched; then dispatch
  // sends request 2 at 10; 10 + 10 > 11, so it ends with 504 at its deadline 11.
  const { requests, summary } = runCollect(
    warm((c) => {
      c.request.timeout = 10;
      c.request.retry = { ...c.request.retry, statuses: [] };
      c.deployment.service_time = { dist: 'constant', value: 10 };
      c.traffic = [oneAt(0), oneAt(0), oneAt(1)];
    }),
  );

  it('request 0 succeeds at 10, request 1 fails with 500 at 10 undispatched, request 2 gets a 504 at 11', () => {
    const rows = requests.map((q) => [q.id, q.arrival, q.dispatched, q.finished, q.status]);
    expect(rows).toEqual([
      [0, 0, 0, 10, 200],
      [1, 0, null, 10, 500],
      [2, 1, 10, 11, 504],
    ]);
    expect(summary.requests.by_status).toEqual({ '500': 1, '504': 1 });
  });
});

describe('SPEC §1: a request whose service ends at the instant of a health-check kill succeeds', () => {
  // Warm replica, restart threshold 30 s (3 checks), stop threshold 60 s (6: never reached first).
  // A slowdown (factor 1: no slower) at 5 that the after_fault rule watches: the check at 0 passes,
  // those at 10, 20, 30 fail → liveness restart at 30 (back-off 0).
  // One request arrives at 25, service 5 s → its service ends at 30, the instant of the kill: the
  // service end (phase end) runs before the check (check priority) → 200 in one attempt.
  // (Before, the check at 30, scheduled at 20, ran before the service end scheduled at 25: 503, retry.)
  const { requests, events } = runCollect(
    warm((c) => {
      c.deployment.runtime.health_checks.stop_traffic_threshold_seconds = 60;
      c.deployment.runtime.health_checks.restart_threshold_seconds = 30;
      c.deployment.startup.load = { dist: 'constant', value: 5 }; // new container at 30: check at 30 fails, 40 passes
      c.deployment.is_healthy = { rule: 'after_fault', fault: 'slowdown' };
      c.deployment.service_time = { dist: 'constant', value: 5 };
      c.faults = [fault({ kind: 'slowdown', at: 5, factor: 1 })];
      c.traffic = [oneAt(25)];
    }),
  );

  it('the request ends with 200 at 30 and the container restarts at 30', () => {
    expect(eventTimes(events, 'traffic_stopped', 0)).toEqual([]);
    expect(eventTimes(events, 'restart', 0)).toEqual([30]);
    expect(requests.map((q) => [q.arrival, q.dispatched, q.finished, q.status, q.attempts])).toEqual([[25, 25, 30, 200, 1]]);
  });
});

describe('SPEC §1: dispatch after every check of the instant', () => {
  // Two cold replicas (min = max = 2), schedule/pull 0, load 25 s → ready at 25; checks at 0, 10, 20
  // fail (loading), 30 passes on both. Requests arrive at 1 and 2 and wait. concurrency_target 2.
  // At 30 both checks run first (replica 0 then 1 routable), then one dispatch: request 0 → the
  // fewest in flight, ties to the lowest id → replica 0; request 1 → replica 1 (0 in flight vs 1).
  // (Dispatching inside replica 0's check would have sent both to replica 0, below its target 2.)
  const { requests, events } = runCollect(
    config((c) => {
      c.duration = 100;
      c.deployment.autoscaling = { ...c.deployment.autoscaling, min_replica: 2, max_replica: 2, concurrency_target: 2 };
      c.deployment.startup.load = { dist: 'constant', value: 25 };
      c.deployment.service_time = { dist: 'constant', value: 5 };
      c.traffic = [oneAt(1), oneAt(2)];
    }),
  );

  it('both replicas become routable at 30 and each gets one request at 30', () => {
    expect(eventTimes(events, 'routable')).toEqual([30, 30]);
    expect(requests.map((q) => [q.id, q.dispatched, q.replica, q.finished, q.status])).toEqual([
      [0, 30, 0, 35, 200],
      [1, 30, 1, 35, 200],
    ]);
  });
});
