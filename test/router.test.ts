import { describe, expect, it } from 'vitest';
import type { Config } from '../src/model/config.js';
import { config, runCollect } from './helpers/run-model.js';

/** Hand-worked router cases (SPEC §5): requests at 0.5, 1.5, 2.5, … unless said otherwise. */
function warm(replicas: number, change: (c: Config) => void): Config {
  return config((c) => {
    c.duration = 300;
    c.deployment.initial_state = 'warm';
    c.deployment.autoscaling = { ...c.deployment.autoscaling, min_replica: replicas, max_replica: replicas };
    c.output.requests = true;
    change(c);
  });
}

describe('router', () => {
  it('least in-flight below the target, ties to the lowest id', () => {
    const { requests } = runCollect(
      warm(3, (c) => {
        c.deployment.autoscaling.concurrency_target = 2;
        c.deployment.service_time = { dist: 'constant', value: 100 };
        c.traffic = [{ kind: 'constant', rate: 1, start: 0.5, end: 6 }];
      }),
    );
    // 0.5 → 0; 1.5 → 1; 2.5 → 2; then all have 1: 3.5 → 0, 4.5 → 1, 5.5 → 2.
    expect(requests.sort((a, b) => a.id - b.id).map((r) => r.replica)).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('a replica runs predict_concurrency at once; the rest of its target waits inside it', () => {
    const { requests } = runCollect(
      warm(1, (c) => {
        c.deployment.autoscaling.concurrency_target = 3;
        c.deployment.runtime.predict_concurrency = 1;
        c.deployment.service_time = { dist: 'constant', value: 10 };
        c.traffic = [{ kind: 'constant', rate: 1, start: 0.5, end: 3 }];
      }),
    );
    // All three are dispatched at arrival (target 3) and served one after another: done at 10.5, 20.5, 30.5.
    const byId = requests.sort((a, b) => a.id - b.id);
    expect(byId.map((r) => r.dispatched)).toEqual([0.5, 1.5, 2.5]);
    expect(byId.map((r) => r.finished)).toEqual([10.5, 20.5, 30.5]);
  });

  it('a request still queued at request.timeout fails with 500 and is not retried', () => {
    const { requests, summary } = runCollect(
      config((c) => {
        c.duration = 300;
        c.deployment.autoscaling = { ...c.deployment.autoscaling, min_replica: 1, max_replica: 1 };
        c.deployment.startup.load = { dist: 'constant', value: 1000 }; // never ready in this run
        c.deployment.runtime.health_checks.restart_check_delay_seconds = 1800 - 1800; // default thresholds: no restart before 1800
        c.request.timeout = 30;
        c.traffic = [{ kind: 'constant', rate: 1, start: 0.5, end: 1 }];
        c.output.requests = true;
      }),
    );
    expect(requests).toEqual([{ id: 0, arrival: 0.5, dispatched: null, replica: null, finished: 30.5, status: 500, attempts: 1, latency: 30 }]);
    expect(summary.requests.retried_attempts).toBe(0);
  });

  it('a dispatched request past request.timeout fails with 504, retried with back-off until max_total', () => {
    // 0.5: dispatched, runs 100 s > 30 s → 504 at 30.5 → retry after 0.5 s → 31.0 (0.5 s after arrival + 60 s
    // budget allows it) → 504 at 61.0 → the next retry would be at 61.75, past 0.5 + 60 → final 504 at 61.0.
    const { requests, summary } = runCollect(
      warm(1, (c) => {
        c.deployment.service_time = { dist: 'constant', value: 100 };
        c.request.timeout = 30;
        c.request.retry.max_total = 60;
        c.traffic = [{ kind: 'constant', rate: 1, start: 0.5, end: 1 }];
      }),
    );
    expect(requests).toEqual([{ id: 0, arrival: 0.5, dispatched: 31, replica: 0, finished: 61, status: 504, attempts: 2, latency: 60.5 }]);
    expect(summary.requests.retried_attempts).toBe(1);
    expect(summary.requests.by_status).toEqual({ '504': 1 });
  });

  it('with max_queue, an arrival that finds the queue full fails with 429', () => {
    const { summary, requests } = runCollect(
      warm(1, (c) => {
        c.deployment.service_time = { dist: 'constant', value: 10 };
        c.request.max_queue = 1;
        c.traffic = [{ kind: 'constant', rate: 1, start: 0.5, end: 3 }];
      }),
    );
    // 0.5 dispatched; 1.5 queued (queue full at 1); 2.5 shed.
    expect(requests.find((r) => r.id === 2)).toMatchObject({ status: 429, finished: 2.5, latency: 0 });
    expect(summary.requests.by_status).toEqual({ '429': 1 });
    expect(summary.requests.succeeded).toBe(2);
  });

  it('a crashed container fails its in-flight requests with 503; the router retries them elsewhere', () => {
    const { summary, requests } = runCollect(
      warm(2, (c) => {
        c.deployment.service_time = { dist: 'constant', value: 20 };
        c.deployment.startup.load = { dist: 'constant', value: 30 }; // the restarted container loads until 35
        c.traffic = [{ kind: 'constant', rate: 1, start: 0.5, end: 1 }];
        c.faults = [{ kind: 'crash', at: 5, mtbf: null, duration: null, probability: 0, factor: 1, after: 0, replica: { kind: 'index', index: 0 } }];
      }),
    );
    // Dispatched to replica 0 at 0.5, killed at 5 → 503 → retry 0.5 s later on replica 1 → done at 25.5.
    expect(requests).toEqual([{ id: 0, arrival: 0.5, dispatched: 5.5, replica: 1, finished: 25.5, status: 200, attempts: 2, latency: 25 }]);
    expect(summary.requests.failed).toBe(0);
  });

  it('conservation: arrived = succeeded + failed + in flight at the end', () => {
    const { summary, requests } = runCollect(
      warm(2, (c) => {
        c.deployment.service_time = { dist: 'lognormal', median: 5, sigma: 1 };
        c.request.timeout = 20;
        c.traffic = [{ kind: 'poisson', rate: 0.6, start: 0, end: null }];
        c.faults = [{ kind: 'hang', at: 60, mtbf: 50, duration: null, probability: 0, factor: 1, after: 0, replica: { kind: 'random' } }];
      }),
    );
    const r = summary.requests;
    expect(r.arrived).toBe(r.succeeded + r.failed + r.in_flight_at_end);
    expect(requests.length).toBe(r.arrived);
    expect(requests.filter((q) => q.status === null).length).toBe(r.in_flight_at_end);
  });
});

describe('max_queue: 0', () => {
  it('sheds only requests that would wait: an idle replica still takes an arrival', () => {
    const { summary } = runCollect(
      warm(1, (c) => {
        c.deployment.service_time = { dist: 'constant', value: 0.5 };
        c.request.max_queue = 0;
        // Every 1 s, 0.5 s of work: the replica is always idle when the next one arrives.
        c.traffic = [
          { kind: 'constant', rate: 1, start: 0.5, end: 100 },
          // Two at once at 200.25: the first is served, the second would wait and is shed.
          { kind: 'constant', rate: 1, start: 200.25, end: 200.5 },
          { kind: 'constant', rate: 1, start: 200.25, end: 200.5 },
        ];
      }),
    );
    expect(summary.requests.by_status).toEqual({ '429': 1 });
    expect(summary.requests.succeeded).toBe(101);
  });
});
