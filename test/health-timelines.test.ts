import { describe, expect, it } from 'vitest';
import type { Config } from '../src/model/config.js';
import { config, eventTimes, runCollect } from './helpers/run-model.js';

/**
 * Hand-worked timelines: every expected time below was computed on paper from
 * SPEC §2–§4 (probe period 10 s, aligned phase, checks at container start +
 * delay + k·10 s, threshold T = ceil(T/10) consecutive failures), not read off a run.
 */

function oneWarmReplica(change: (c: Config) => void): Config {
  return config((c) => {
    c.duration = 400;
    c.deployment.initial_state = 'warm';
    c.deployment.autoscaling = { ...c.deployment.autoscaling, min_replica: 1, max_replica: 1 };
    c.deployment.runtime.health_checks.stop_traffic_threshold_seconds = 30;
    c.deployment.runtime.health_checks.restart_threshold_seconds = 60;
    c.deployment.startup.load = { dist: 'constant', value: 25 };
    c.deployment.service_time = { dist: 'constant', value: 0.5 };
    // Arrivals at 0.5, 1.5, 2.5, …: never on a probe tick, so no ties to reason about.
    c.traffic = [{ kind: 'constant', rate: 1, start: 0.5, end: null }];
    change(c);
  });
}

describe('a sticky CUDA error caught by a custom after_fault rule', () => {
  // Warm container started at 0: checks at 0, 10, 20, …
  // cuda_error at 95 → checks at 100, 110, 120 fail → traffic stops at 120 (3 checks = 30 s).
  // Liveness: 6th failure at 150 → restart (first restart: no back-off) → new container at 150,
  // load 25 s → ready at 175 → checks at 150, 160, 170 fail (loading), 180 passes → routable at 180.
  const cfg = oneWarmReplica((c) => {
    c.deployment.is_healthy = { rule: 'after_fault', fault: 'cuda_error' };
    c.faults = [{ kind: 'cuda_error', at: 95, mtbf: null, duration: null, probability: 0, factor: 1, after: 0, replica: { kind: 'index', index: 0 } }];
  });
  const { summary, events } = runCollect(cfg);

  it('stops traffic at 120 s, restarts at 150 s, is routable again at 180 s', () => {
    expect(eventTimes(events, 'traffic_stopped', 0)).toEqual([120]);
    expect(eventTimes(events, 'restart', 0)).toEqual([150]);
    expect(events.find((e) => e.event === 'restart')!.detail).toBe('cause=liveness;backoff=0');
    expect(eventTimes(events, 'routable', 0)).toEqual([0, 180]);
    const states = events.filter((e) => e.event === 'state' && e.t > 100).map((e) => `${e.t} ${e.from}→${e.to}`);
    expect(states).toEqual(['150 ready→backoff', '150 backoff→loading', '175 loading→ready']);
  });

  it('records the fault with its stop, restart and recovery, and the 25 requests that failed before the stop', () => {
    // Arrivals at 95.5 … 119.5 hit the broken container: 25 fail with 500.
    expect(summary.health.faults).toEqual([
      { kind: 'cuda_error', replica: 0, at: 95, traffic_stopped_at: 120, restarted_at: 150, restarts: 1, preempted_at: null, routable_again_at: 180, failed_requests_before_stop: 25 },
    ]);
    expect(summary.requests.by_status).toEqual({ '500': 25 });
    // Requests that arrived while traffic was stopped waited in the router and were served after 180.
    expect(summary.requests.failed).toBe(25);
    expect(summary.replicas.traffic_stops).toBe(1);
    expect(summary.replicas.restarts).toBe(1);
  });
});

describe('a slow load under baseten-2025', () => {
  // Load takes 120 s; checks fail while loading; restart threshold 60 s = 6 checks.
  function slowLoad(delay: number): Config {
    return config((c) => {
      c.duration = 1000;
      c.deployment.autoscaling = { ...c.deployment.autoscaling, min_replica: 1, max_replica: 1 };
      c.deployment.runtime.health_checks = {
        stop_traffic_threshold_seconds: 30,
        restart_threshold_seconds: 60,
        restart_check_delay_seconds: delay,
        startup_threshold_seconds: null,
      };
      c.deployment.startup.load = { dist: 'constant', value: 120 };
      c.traffic = [];
    });
  }

  it('crash-loops without a delay: restarts mid-load with the CrashLoopBackOff sequence', () => {
    // Container at 0: fails at 0…50 → restart at 50 (back-off 0) → container at 50 → restart at 100
    // (back-off 10) → 110 → 160 (20) → 180 → 230 (40) → 270 → 320 (80) → 400 → 450 (160) → 610 → 660 (300)
    // → container at 960 would fail at 1010, past the horizon.
    const { events, summary } = runCollect(slowLoad(0));
    expect(eventTimes(events, 'restart', 0)).toEqual([50, 100, 160, 230, 320, 450, 660]);
    expect(events.filter((e) => e.event === 'restart').map((e) => e.detail)).toEqual([
      'cause=liveness;backoff=0',
      'cause=liveness;backoff=10',
      'cause=liveness;backoff=20',
      'cause=liveness;backoff=40',
      'cause=liveness;backoff=80',
      'cause=liveness;backoff=160',
      'cause=liveness;backoff=300',
    ]);
    expect(eventTimes(events, 'routable', 0)).toEqual([]);
    expect(summary.replicas.restarts).toBe(7);
  });

  it('a 90 s delay cures it: checks start at 90, fail at 90–110, pass at 120 when the load is done', () => {
    const { events } = runCollect(slowLoad(90));
    expect(eventTimes(events, 'restart', 0)).toEqual([]);
    expect(eventTimes(events, 'routable', 0)).toEqual([120]);
    // Three failed checks reach the stop-traffic count, but a replica that never served has no traffic to stop.
    expect(eventTimes(events, 'traffic_stopped', 0)).toEqual([]);
  });
});

describe('the same slow load under baseten-2026 with a startup probe', () => {
  function with2026(startup: number): Config {
    return config((c) => {
      c.duration = 1000;
      c.platform = 'baseten-2026';
      c.deployment.autoscaling = { ...c.deployment.autoscaling, min_replica: 1, max_replica: 1 };
      c.deployment.runtime.health_checks = {
        stop_traffic_threshold_seconds: 30,
        restart_threshold_seconds: 60,
        restart_check_delay_seconds: 0,
        startup_threshold_seconds: startup,
      };
      c.deployment.startup.load = { dist: 'constant', value: 120 };
      c.traffic = [];
    });
  }

  it('startup_threshold 300 s: the startup probe fails at 0…110 and passes at 120; no restart', () => {
    const { events } = runCollect(with2026(300));
    expect(eventTimes(events, 'restart', 0)).toEqual([]);
    expect(eventTimes(events, 'routable', 0)).toEqual([120]);
  });

  it('startup_threshold 100 s: the 10th startup failure, at 90 s, restarts the container (cause=startup)', () => {
    // Restart at 90 (no wait) → new container at 90 → its 10th failure at 180 → restart (wait 10 s).
    const { events } = runCollect(with2026(100));
    expect(eventTimes(events, 'restart', 0).slice(0, 2)).toEqual([90, 180]);
    expect(events.find((e) => e.event === 'restart')!.detail).toBe('cause=startup;backoff=0');
  });
});

describe('a crash loop', () => {
  it('restarts with back-off 0, 10, 20, 40, 80, 160, 300, 300 s', () => {
    // Every container crashes 30 s after it starts. Restarts at 30 (wait 0) → start 30 → 60 (10) → 70 → 100 (20)
    // → 120 → 150 (40) → 190 → 220 (80) → 300 → 330 (160) → 490 → 520 (300) → 820 → 850 (300) → 1150.
    const cfg = config((c) => {
      c.duration = 1100;
      c.deployment.initial_state = 'warm';
      c.deployment.autoscaling = { ...c.deployment.autoscaling, min_replica: 1, max_replica: 1 };
      c.deployment.startup.load = { dist: 'constant', value: 5 };
      c.faults = [{ kind: 'crash_loop', at: 0, mtbf: null, duration: null, probability: 0, factor: 1, after: 30, replica: { kind: 'all' } }];
    });
    const { events } = runCollect(cfg);
    expect(eventTimes(events, 'restart', 0)).toEqual([30, 60, 100, 150, 220, 330, 520, 850]);
    expect(events.filter((e) => e.event === 'restart').map((e) => e.detail.replace('cause=crash;backoff=', ''))).toEqual(
      ['0', '10', '20', '40', '80', '160', '300', '300'],
    );
  });
});

describe('a hang caught by probe timeouts', () => {
  // Hang at 95. Checks at 100, 110, 120 time out; each failure is known 1 s later (probe_timeout),
  // so traffic stops at 121. The 6th timeout (check at 150) restarts the container at 151.
  // New container at 151, load 25 s → ready at 176; checks at 151, 161, 171 fail, 181 passes.
  const cfg = oneWarmReplica((c) => {
    c.faults = [{ kind: 'hang', at: 95, mtbf: null, duration: null, probability: 0, factor: 1, after: 0, replica: { kind: 'index', index: 0 } }];
  });
  const { events, summary } = runCollect(cfg);

  it('stops traffic at 121 s, restarts at 151 s, routable again at 181 s', () => {
    expect(eventTimes(events, 'traffic_stopped', 0)).toEqual([121]);
    expect(eventTimes(events, 'restart', 0)).toEqual([151]);
    expect(eventTimes(events, 'routable', 0)).toEqual([0, 181]);
  });

  it('requests stuck in the hung process fail with 503 at the kill and are retried, so none is lost', () => {
    // Without custom health logic the hung replica takes one request (concurrency target 1) at 95.5;
    // it is killed at 151 and retried on the new container.
    expect(summary.requests.failed).toBe(0);
    expect(summary.requests.retried_attempts).toBeGreaterThanOrEqual(1);
  });
});

describe('a transient error rate and an error_window rule', () => {
  // 2 requests/s at 0.25, 0.75, …; every request fails 500 during [100, 104): 8 errors, at 100.30 … 103.80.
  function burstOfErrors(threshold: number, stop: number, restart: number): Config {
    return oneWarmReplica((c) => {
      c.deployment.runtime.health_checks.stop_traffic_threshold_seconds = stop;
      c.deployment.runtime.health_checks.restart_threshold_seconds = restart;
      c.deployment.is_healthy = { rule: 'error_window', threshold, window: 30 };
      c.traffic = [{ kind: 'constant', rate: 2, start: 0.25, end: null }];
      c.deployment.service_time = { dist: 'constant', value: 0.1 };
      c.faults = [{ kind: 'error_rate', at: 100, mtbf: null, duration: 4, probability: 1, factor: 1, after: 0, replica: { kind: 'all' } }];
    });
  }

  it('with a threshold above the burst (10 in 30 s) it rides the burst out: no stop, no restart', () => {
    const { events, summary } = runCollect(burstOfErrors(10, 30, 60));
    expect(eventTimes(events, 'traffic_stopped')).toEqual([]);
    expect(eventTimes(events, 'restart')).toEqual([]);
    expect(summary.requests.by_status).toEqual({ '500': 8 });
  });

  it('with threshold 5: unhealthy at 110, 120, 130 → traffic stops at 130; errors age out by 140 → resumes; no restart', () => {
    // At 140 the window (110, 140] holds no error, so the check passes and traffic resumes.
    const { events } = runCollect(burstOfErrors(5, 30, 60));
    expect(eventTimes(events, 'traffic_stopped', 0)).toEqual([130]);
    expect(eventTimes(events, 'traffic_resumed', 0)).toEqual([140]);
    expect(eventTimes(events, 'restart')).toEqual([]);
  });
});
