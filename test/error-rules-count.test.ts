import { describe, expect, it } from 'vitest';
import { checkInvariants, formatViolations } from '../src/check/invariants.js';
import type { Config } from '../src/model/config.js';
import { config, eventTimes, runCollect } from './helpers/run-model.js';

/**
 * SPEC §4: the error rules count the responses predict() returned (200, or a 500 it raised); the
 * router's answers (504 after request.timeout, a queue-timeout 500) and kills (503) are not counted.
 */
const oneAt = (t: number): Config['traffic'][number] => ({ kind: 'constant', rate: 1, start: t, end: t + 0.5 });

describe('SPEC §4: a 504 from the router does not count against is_healthy', () => {
  // Warm replica, is_healthy error_count threshold 1, stop after 30 s (3 checks at 0, 10, ...),
  // restart after 60 s (6). Service 20 s, request.timeout 10 s, no retries.
  // Requests at 1, 15, 30 are dispatched at once and end with 504 at 11, 25, 40 (their deadlines):
  // not counted, so every check up to 50 passes.
  // error_rate (probability 1) at 50: the request at 55 fails with a 500 predict() raised at 55.05
  // (error_latency): 1 error → checks at 60, 70, 80 fail → traffic stopped at 80 (failures=3); the 6th
  // failed check would be at 110, after the end (100).
  // (Counting the 504 at 11 would have failed the checks at 20, 30, 40: a stop at 40.)
  const cfg = config((c) => {
    c.duration = 100;
    c.deployment.initial_state = 'warm';
    c.deployment.autoscaling = { ...c.deployment.autoscaling, min_replica: 1, max_replica: 1 };
    c.deployment.runtime.health_checks.stop_traffic_threshold_seconds = 30;
    c.deployment.runtime.health_checks.restart_threshold_seconds = 60;
    c.deployment.is_healthy = { rule: 'error_count', threshold: 1 };
    c.deployment.service_time = { dist: 'constant', value: 20 };
    c.request.timeout = 10;
    c.request.retry = { ...c.request.retry, statuses: [] };
    c.traffic = [oneAt(1), oneAt(15), oneAt(30), oneAt(55)];
    c.faults = [{ kind: 'error_rate', at: 50, mtbf: null, duration: null, probability: 1, factor: 1, after: 0, replica: { kind: 'index', index: 0 } }];
  });
  const out = runCollect(cfg);

  it('three 504s leave the replica healthy; the one 500 stops its traffic at 80', () => {
    expect(out.requests.map((q) => [q.arrival, q.dispatched, q.finished, q.status])).toEqual([
      [1, 1, 11, 504],
      [15, 15, 25, 504],
      [30, 30, 40, 504],
      [55, 55, 55.05, 500],
    ]);
    expect(eventTimes(out.events, 'traffic_stopped', 0)).toEqual([80]);
    expect(eventTimes(out.events, 'restart', 0)).toEqual([]);
    expect(out.summary.health.faults).toEqual([
      { kind: 'error_rate', replica: 0, at: 50, traffic_stopped_at: 80, restarted_at: null, restarts: 0, preempted_at: null, routable_again_at: null, failed_requests_before_stop: 1 },
    ]);
  });

  it('the checker agrees', () => {
    const v = checkInvariants({ config: cfg, summary: out.summary, events: out.events, requests: out.requests, samples: out.timeline });
    expect(v, formatViolations(v)).toEqual([]);
  });
});
