import { describe, expect, it } from 'vitest';
import { checkInvariants, formatViolations } from '../src/check/invariants.js';
import type { Fault } from '../src/model/config.js';
import { config, runCollect } from './helpers/run-model.js';

/** SPEC §9: a preemption reports `preempted_at` and `restarted_at: null`, on its own record and on the record of an earlier fault whose episode it ends. */
const f = (kind: Fault['kind'], at: number): Fault => ({ kind, at, mtbf: null, duration: null, probability: 0, factor: 1, after: 0, replica: { kind: 'index', index: 0 } });

describe('SPEC §9 fault records: preempted_at', () => {
  // Warm replica (checks at 0, 10, ...), stop after 30 s (3 checks), restart after 60 s (6).
  // cuda_error at 5 (after_fault rule): checks 10, 20, 30 fail → traffic stopped at 30.
  // Arrivals at 7, 17, 27 hit the broken container: 3 × 500 before the stop.
  // Preemption at 45 (before the liveness restart at 60): the replica is lost.
  // cuda_error record: stopped 30, restarted null, preempted 45, never routable again, 3 failed.
  // preemption record: at 45, preempted 45, everything else null, 0 failed.
  const cfg = config((c) => {
    c.duration = 60;
    c.deployment.initial_state = 'warm';
    c.deployment.autoscaling = { ...c.deployment.autoscaling, min_replica: 1, max_replica: 1 };
    c.deployment.runtime.health_checks.stop_traffic_threshold_seconds = 30;
    c.deployment.runtime.health_checks.restart_threshold_seconds = 60;
    c.deployment.is_healthy = { rule: 'after_fault', fault: 'cuda_error' };
    c.traffic = [{ kind: 'constant', rate: 0.1, start: 7, end: 30 }];
    c.faults = [f('cuda_error', 5), f('preemption', 45)];
  });
  const out = runCollect(cfg);

  it('both records carry preempted_at 45 and restarted_at null', () => {
    expect(out.summary.health.faults).toEqual([
      { kind: 'cuda_error', replica: 0, at: 5, traffic_stopped_at: 30, restarted_at: null, restarts: 0, preempted_at: 45, routable_again_at: null, failed_requests_before_stop: 3 },
      { kind: 'preemption', replica: 0, at: 45, traffic_stopped_at: null, restarted_at: null, restarts: 0, preempted_at: 45, routable_again_at: null, failed_requests_before_stop: 0 },
    ]);
    expect(out.summary.requests.by_status).toEqual({ '500': 3 });
  });

  it('the checker rebuilds the same records from the rows', () => {
    const v = checkInvariants({ config: cfg, summary: out.summary, events: out.events, requests: out.requests, samples: out.timeline });
    expect(v, formatViolations(v)).toEqual([]);
    const wrong = structuredClone(out.summary);
    wrong.health.faults[0]!.restarted_at = 45;
    wrong.health.faults[0]!.preempted_at = null;
    const w = checkInvariants({ config: cfg, summary: wrong, events: out.events, requests: out.requests, samples: out.timeline });
    expect(w.map((x) => x.message)).toEqual([
      'summary health.faults[0] (cuda_error on replica 0 at 5 s): restarted_at 45 (events: null); preempted_at null (events: 45)',
    ]);
  });
});
