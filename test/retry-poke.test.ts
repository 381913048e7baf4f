import { describe, expect, it } from 'vitest';
import { checkInvariants, formatViolations } from '../src/check/invariants.js';
import { config, eventTimes, runCollect } from './helpers/run-model.js';

/**
 * SPEC §6: a request entering the router queue (an arrival or a retry) that finds no current
 * replica triggers a decision at once, inline (the activator's poke).
 */
describe('SPEC §6: a retry that finds no replica pokes the autoscaler', () => {
  // One warm replica, min 0, max 1, service 10 s. Request 0 arrives at 0.5, runs 0.5–10.5.
  // Preemption at 1: the replica is gone (0 current), request 0 fails with 503 and is retried after
  // 0.5 s (retry.initial). At 1.5 it re-enters the queue, finds no replica → decision at once:
  // avg in flight over 0–1.5 = (1.0 − 0.5) / 1.5 = 0.333 → desired ceil(0.333 / 0.7) = 1 → scale_up
  // 0 → 1 at 1.5 (not on a tick: the next is 10). Replica 1 cold, schedule/pull 0 → loading at 1.5,
  // load 5 → ready 6.5; checks at 1.5 (fails, loading), 11.5 passes → routable 11.5 → request 0
  // dispatched at 11.5, done at 21.5: 200 after 2 attempts, latency 21.
  // (Without the poke the tick at 10 would have created it: routable at 20, done at 30.)
  const cfg = config((c) => {
    c.duration = 60;
    c.deployment.initial_state = 'warm';
    c.deployment.initial_replicas = 1;
    c.deployment.autoscaling = { ...c.deployment.autoscaling, min_replica: 0, max_replica: 1 };
    c.deployment.startup.load = { dist: 'constant', value: 5 };
    c.deployment.service_time = { dist: 'constant', value: 10 };
    c.traffic = [{ kind: 'constant', rate: 1, start: 0.5, end: 1 }];
    c.faults = [{ kind: 'preemption', at: 1, mtbf: null, duration: null, probability: 0, factor: 1, after: 0, replica: { kind: 'index', index: 0 } }];
  });
  const { events, requests, summary, timeline } = runCollect(cfg);

  it('scales up at 1.5 s, the instant the retry re-enters the queue', () => {
    expect(events.filter((e) => e.event === 'scale_up').map((e) => [e.t, e.from, e.to, e.detail])).toEqual([[1.5, 0, 1, 'avg_in_flight=0.333;desired=1']]);
    expect(eventTimes(events, 'routable', 1)).toEqual([11.5]);
    expect(requests.map((q) => [q.id, q.arrival, q.dispatched, q.replica, q.finished, q.status, q.attempts])).toEqual([[0, 0.5, 11.5, 1, 21.5, 200, 2]]);
    expect(summary.requests.retried_attempts).toBe(1);
  });

  it('the checker agrees', () => {
    const v = checkInvariants({ config: cfg, summary, events, requests, samples: timeline });
    expect(v, formatViolations(v)).toEqual([]);
  });
});
