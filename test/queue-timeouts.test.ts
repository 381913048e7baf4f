import { describe, expect, it } from 'vitest';
import type { Config } from '../src/model/config.js';
import { checkInvariants } from '../src/check/invariants.js';
import { formatSummary } from '../src/cli/format-summary.js';
import { headerHtml } from '../src/report/header.js';
import { config, runCollect, type Collected } from './helpers/run-model.js';

/**
 * requests.queue_timeouts (SPEC §5): the 500s the router gives to requests still in its queue
 * `request.timeout` after entering it, told apart from a replica's 500s. One replica, startup
 * 0 + 0 + load 95 s, probes every 10 s, request.timeout 30 s, service 1 s unless said otherwise.
 */
function oneReplica(change: (c: Config) => void): Config {
  return config((c) => {
    c.duration = 300;
    c.deployment.autoscaling = { ...c.deployment.autoscaling, min_replica: 1, max_replica: 1 };
    c.deployment.startup = { ...c.deployment.startup, schedule: { dist: 'constant', value: 0 }, image_pull: { dist: 'constant', value: 0 }, load: { dist: 'constant', value: 95 } };
    c.deployment.service_time = { dist: 'constant', value: 1 };
    c.request.timeout = 30;
    c.output.requests = true;
    change(c);
  });
}

/** The outputs agree (invariant 0 included) and the checker sees a doctored count. */
function agreementViolations(r: Collected & { cfg: Config }, queueTimeouts?: number): string[] {
  const summary = queueTimeouts === undefined ? r.summary : { ...r.summary, requests: { ...r.summary.requests, queue_timeouts: queueTimeouts } };
  return checkInvariants({ config: r.cfg, summary, events: r.events, requests: r.requests, samples: r.timeline }).map((v) => v.message);
}

describe('requests.queue_timeouts', () => {
  it('a cold replica ready at 100 s: the 7 arrivals of 5–65 s wait past their 30 s timeout (500), the rest are served', () => {
    // Load ends at 95 s; the readiness probe ticks at 100 s: routable then. Arrivals every 10 s
    // from 5 s; each fails at arrival + 30 s if still queued: 5→35, 15→45, …, 65→95 (all before
    // 100): 7 queue timeouts. 75 s has its deadline at 105 s: dispatched at 100 s, succeeds.
    const cfg = oneReplica((c) => {
      c.deployment.initial_state = 'cold';
      c.traffic = [{ kind: 'constant', rate: 0.1, start: 5, end: 200 }];
    });
    const r = { ...runCollect(cfg), cfg };
    const failed = r.requests.filter((q) => q.status === 500);
    expect(failed.map((q) => [q.arrival, q.dispatched, q.finished])).toEqual([5, 15, 25, 35, 45, 55, 65].map((a) => [a, null, a + 30]));
    expect(r.summary.requests).toMatchObject({ arrived: 20, succeeded: 13, failed: 7, queue_timeouts: 7, by_status: { '500': 7 } });
    expect(formatSummary(r.summary, 'out')).toContain('20 arrived · 13 succeeded · 7 failed (500: 7, of which 7 waited in the queue past request.timeout)');
    expect(headerHtml(cfg, r.summary)).toContain('7 <small>(500: 7, of which 7 waited in the queue past request.timeout)</small>');
    expect(agreementViolations(r)).toEqual([]);
    expect(agreementViolations(r, 6)).toEqual(['summary requests.queue_timeouts = 6 but the requests rows with status 500 give 7 (never dispatched)']);
  });

  it('waiting again after a retry counts too: preempted at 10 s, retried at 10.5 s, no replica until 110 s → 500 at 40.5 s', () => {
    // Warm replica 0 takes the request at 5 s (service 50 s); preemption at 10 s loses it (503,
    // retried after 0.5 s); the replacement is cold (load 95 s, routable at 110 s), so the retry
    // waits in the queue from 10.5 s to its deadline 10.5 + 30 = 40.5 s: the router's 500.
    const cfg = oneReplica((c) => {
      c.deployment.initial_state = 'warm';
      c.deployment.service_time = { dist: 'constant', value: 50 };
      c.traffic = [{ kind: 'constant', rate: 1, start: 5, end: 6 }];
      c.faults = [{ kind: 'preemption', at: 10, mtbf: null, duration: null, probability: 0, factor: 1, after: 0, replica: { kind: 'index', index: 0 } }];
    });
    const r = { ...runCollect(cfg), cfg };
    expect(r.requests).toEqual([{ id: 0, arrival: 5, dispatched: 5, replica: 0, finished: 40.5, status: 500, attempts: 2, latency: 35.5 }]);
    expect(r.summary.requests).toMatchObject({ failed: 1, retried_attempts: 1, queue_timeouts: 1, by_status: { '500': 1 } });
    expect(agreementViolations(r)).toEqual([]);
    expect(agreementViolations(r, 2)).toEqual([
      'summary requests.queue_timeouts = 2 but by_status has only 1 with 500',
      'summary requests.queue_timeouts = 2 but the requests rows with status 500 give between 0 and 1 (0 never dispatched, 1 retried before)',
    ]);
  });

  it("500s from a replica's fault (cuda_error) are not queue timeouts", () => {
    // Warm replica 0 hits a CUDA error at 20 s: every request it takes from then on fails with 500
    // (the 30 min thresholds keep it routable). Arrivals at 5, 15, …, 95: 25–95 fail, 8 of them.
    const cfg = oneReplica((c) => {
      c.deployment.initial_state = 'warm';
      c.deployment.is_healthy = { rule: 'after_fault', fault: 'cuda_error' };
      c.traffic = [{ kind: 'constant', rate: 0.1, start: 5, end: 100 }];
      c.faults = [{ kind: 'cuda_error', at: 20, mtbf: null, duration: null, probability: 0, factor: 1, after: 0, replica: { kind: 'index', index: 0 } }];
    });
    const r = { ...runCollect(cfg), cfg };
    expect(r.summary.requests).toMatchObject({ arrived: 10, succeeded: 2, failed: 8, queue_timeouts: 0, by_status: { '500': 8 } });
    const line = formatSummary(r.summary, 'out').split('\n')[1]!;
    expect(line).toContain('8 failed (500: 8)');
    expect(line).not.toContain('waited in the queue');
    expect(headerHtml(cfg, r.summary)).not.toContain('waited in the queue');
    expect(agreementViolations(r)).toEqual([]);
  });
});
