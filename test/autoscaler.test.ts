import { describe, expect, it } from 'vitest';
import { decide, desiredReplicas, INITIAL_AUTOSCALER_STATE, type AutoscalerState } from '../src/model/autoscaler.js';
import { type Autoscaling } from '../src/model/config.js';
import { defaultConfig } from '../src/scenario/defaults.js';
import { config, eventTimes, runCollect } from './helpers/run-model.js';

function scaling(change: Partial<Autoscaling>): Autoscaling {
  return { ...defaultConfig().deployment.autoscaling, ...change };
}

describe('desiredReplicas', () => {
  it('the docs: target 10 at 70 % with 25 in flight → ceil(25 / 7) = 4', () => {
    expect(desiredReplicas(25, scaling({ concurrency_target: 10, target_utilization_percentage: 70, max_replica: 100 }))).toBe(4);
  });
  it('an exact multiple does not round up (25 in flight, 2.5 per replica → 10)', () => {
    expect(desiredReplicas(25, scaling({ concurrency_target: 5, target_utilization_percentage: 50, max_replica: 100 }))).toBe(10);
  });
  it('is clamped to [min, max]', () => {
    const cfg = scaling({ min_replica: 2, max_replica: 3 });
    expect(desiredReplicas(0, cfg)).toBe(2);
    expect(desiredReplicas(1000, cfg)).toBe(3);
  });
});

describe('decide', () => {
  const cfg = scaling({ min_replica: 1, max_replica: 10, scale_down_delay: 900, max_scale_down_rate: 50 });
  const step = (s: AutoscalerState, now: number, avg: number, current: number) => decide(s, { now, avgInFlight: avg, inFlightNow: avg, current }, cfg);

  it('scales up at once by desired − current', () => {
    const d = step(INITIAL_AUTOSCALER_STATE, 10, 5, 2); // ceil(5 / 0.7) = 8
    expect(d.action).toEqual({ kind: 'up', count: 6 });
  });

  it('the docs: eight replicas with no load drain to four, then two, then one, a full delay apart', () => {
    let s = INITIAL_AUTOSCALER_STATE;
    let current = 8;
    const removals: string[] = [];
    for (let t = 0; t <= 4000; t += 10) {
      const d = step(s, t, 0, current);
      s = d.state;
      if (d.action.kind === 'down') {
        current -= d.action.count;
        removals.push(`${t}: -${d.action.count} → ${current}`);
      }
    }
    expect(removals).toEqual(['900: -4 → 4', '1800: -2 → 2', '2700: -1 → 1']);
  });

  it('load that returns inside the delay cancels the countdown', () => {
    let s = step(INITIAL_AUTOSCALER_STATE, 0, 0, 4).state; // countdown starts at 0
    s = step(s, 500, 0, 4).state;
    expect(s.belowSince).toBe(0);
    s = step(s, 600, 2.8, 4).state; // ceil(2.8 / 0.7) = 4 = current: cancelled
    expect(s.belowSince).toBeNull();
    const d = step(s, 900, 0, 4); // would have fired at 900; now the countdown only starts
    expect(d.action.kind).toBe('none');
    expect(d.state.belowSince).toBe(900);
    expect(step(d.state, 1800, 0, 4).action).toEqual({ kind: 'down', count: 2 });
  });

  it('never removes more than max(1, floor(current × rate)) in one step', () => {
    const d = decide({ belowSince: 0 }, { now: 900, avgInFlight: 0, inFlightNow: 0, current: 3 }, scaling({ min_replica: 0, max_replica: 10, max_scale_down_rate: 10 }));
    expect(d.action).toEqual({ kind: 'down', count: 1 });
  });

  it('a request waiting at zero replicas asks for one even when the window average rounds to zero', () => {
    const d = decide(INITIAL_AUTOSCALER_STATE, { now: 5, avgInFlight: 0, inFlightNow: 1, current: 0 }, scaling({ min_replica: 0, max_replica: 3 }));
    expect(d.action).toEqual({ kind: 'up', count: 1 });
  });
});

describe('the autoscaler in the model', () => {
  it('constant load: in flight 6, desired 6, the four extra replicas go at 310 s and stop being billed', () => {
    // 2 requests/s at 0, 0.5, …, each 3 s: in flight climbs 1…6 over [0, 3) and stays 6.
    // At t = 10 the window (10 s so far) averages (0.5·(1+…+6) + 7·6) / 10 = 5.25 → desired 6 < 10:
    // countdown from 10; at 10 + 300 = 310 remove min(10 − 6, floor(10 · 50 %)) = 4 (the newest: 9, 8, 7, 6).
    const cfg = config((c) => {
      c.duration = 600;
      c.deployment.initial_state = 'warm';
      c.deployment.initial_replicas = 10;
      c.deployment.autoscaling = { ...c.deployment.autoscaling, min_replica: 0, max_replica: 10, target_utilization_percentage: 100, scale_down_delay: 300 };
      c.deployment.service_time = { dist: 'constant', value: 3 };
      c.traffic = [{ kind: 'constant', rate: 2, start: 0, end: null }];
    });
    const { events, timeline, summary } = runCollect(cfg);
    const scale = events.filter((e) => e.event === 'scale_down' || e.event === 'scale_up');
    expect(scale.map((e) => `${e.t} ${e.event} ${e.from}→${e.to}`)).toEqual(['310 scale_down 10→6']);
    expect(scale[0]!.detail).toBe('avg_in_flight=6;desired=6');
    expect(events.filter((e) => e.event === 'state' && e.to === 'terminated').map((e) => e.replica)).toEqual([9, 8, 7, 6]);
    const at10 = timeline.find((r) => r.t === 10)!;
    expect(at10.window_avg_in_flight).toBeCloseTo(5.25, 9);
    expect(at10.desired).toBe(6);
    expect(timeline.at(-1)!.replicas).toBe(6);
    // Billing: six replicas 600 s = 10 min each, four removed at 310 s = 6 min each (drain not billed).
    expect(summary.billing.billed_minutes).toBe(6 * 10 + 4 * 6);
    expect(summary.requests.failed).toBe(0);
  });

  describe('scale to zero with a failing replica, and the first request after zero', () => {
    // Traffic [0, 100) at 1/s, 0.5 s each. A CUDA error at 150 (after the traffic) fails the custom check at
    // 150, 160, 170 → traffic stops at 170; the restart threshold (1800 s) is never reached.
    // The window [100, 160] holds no request → desired 0 at 160; 300 s later, at 460, the replica goes,
    // failing checks or not. A request at 1000 finds no replica: the activator scales up at once;
    // schedule 5 s + pull 10 s → container at 1015, load 30 s → ready at 1045, checked at 1045 → routable;
    // the request is served at 1045 and finishes at 1045.5: latency 45.5 s, all of it queue wait.
    // That wait is in flight too: at 1050 the window [990, 1050] averages 45.5 / 60 = 0.758 in flight,
    // and 0.758 / 0.7 rounds up to 2, so a second replica starts (container at 1065) — the cold start
    // itself asks for more capacity, as on the platform.
    const cfg = config((c) => {
      c.duration = 1200;
      c.deployment.initial_state = 'warm';
      c.deployment.autoscaling = { ...c.deployment.autoscaling, min_replica: 0, max_replica: 2, scale_down_delay: 300 };
      c.deployment.runtime.health_checks.stop_traffic_threshold_seconds = 30;
      c.deployment.is_healthy = { rule: 'after_fault', fault: 'cuda_error' };
      c.deployment.startup = { schedule: { dist: 'constant', value: 5 }, image_pull: { dist: 'constant', value: 10 }, load: { dist: 'constant', value: 30 }, load_failure_probability: 0 };
      c.deployment.service_time = { dist: 'constant', value: 0.5 };
      c.traffic = [
        { kind: 'constant', rate: 1, start: 0, end: 100 },
        { kind: 'constant', rate: 1, start: 1000, end: 1001 },
      ];
      c.faults = [{ kind: 'cuda_error', at: 150, mtbf: null, duration: null, probability: 0, factor: 1, after: 0, replica: { kind: 'index', index: 0 } }];
      c.output.requests = true;
    });
    const { events, requests, summary } = runCollect(cfg);

    it('scales to zero 300 s after desired fell to 0, with traffic stopped', () => {
      expect(eventTimes(events, 'traffic_stopped', 0)).toEqual([170]);
      const scale = events.filter((e) => e.event.startsWith('scale_')).map((e) => `${e.t} ${e.event} ${e.from}→${e.to}`);
      expect(scale).toEqual(['460 scale_down 1→0', '1000 scale_up 0→1', '1050 scale_up 1→2']);
      expect(events.find((e) => e.t === 1050 && e.event === 'scale_up')!.detail).toBe('avg_in_flight=0.758;desired=2');
    });

    it('the first request after zero waits for the whole cold start', () => {
      const last = requests.find((r) => r.arrival === 1000)!;
      expect(last.dispatched).toBe(1045);
      expect(last.latency).toBeCloseTo(45.5, 9);
      expect(summary.latency_s.max).toBeCloseTo(45.5, 9);
      expect(summary.replicas.cold_starts).toBe(2);
    });

    it('bills the warm replica until 460 s (8 min), the new ones from their container starts: 1015–1200 (4 min), 1065–1200 (3 min)', () => {
      expect(summary.billing.billed_minutes).toBe(8 + 4 + 3);
    });
  });

  it('a failing replica during a spike: stopped traffic raises in-flight and the autoscaler adds replicas', () => {
    // Two warm replicas at 1 request/s of 1 s each (average in flight ≈ 1, desired 2). Replica 0 gets a CUDA error
    // and its traffic stops at 70; everything goes to replica 1 until load queues and the autoscaler adds one.
    const cfg = config((c) => {
      c.duration = 900;
      c.deployment.initial_state = 'warm';
      c.deployment.initial_replicas = 2;
      c.deployment.autoscaling = { ...c.deployment.autoscaling, min_replica: 2, max_replica: 4, target_utilization_percentage: 100, scale_down_delay: 600 };
      c.deployment.runtime.health_checks.stop_traffic_threshold_seconds = 30;
      c.deployment.is_healthy = { rule: 'after_fault', fault: 'cuda_error' };
      c.deployment.startup.load = { dist: 'constant', value: 30 };
      c.deployment.service_time = { dist: 'constant', value: 1.5 };
      c.traffic = [{ kind: 'constant', rate: 1, start: 0.25, end: null }];
      c.faults = [{ kind: 'cuda_error', at: 45, mtbf: null, duration: null, probability: 0, factor: 1, after: 0, replica: { kind: 'index', index: 0 } }];
    });
    const { events, summary } = runCollect(cfg);
    expect(eventTimes(events, 'traffic_stopped', 0)).toEqual([70]);
    const ups = events.filter((e) => e.event === 'scale_up');
    expect(ups.length).toBeGreaterThan(0);
    expect(ups[0]!.t).toBeGreaterThan(70);
    expect(summary.replicas.peak).toBeGreaterThan(2);
  });

  it('never goes below min_replica or above max_replica', () => {
    const cfg = config((c) => {
      c.duration = 3600;
      c.deployment.autoscaling = { ...c.deployment.autoscaling, min_replica: 1, max_replica: 3, scale_down_delay: 60 };
      c.deployment.startup.load = { dist: 'constant', value: 20 };
      c.deployment.service_time = { dist: 'exponential', mean: 2 };
      c.traffic = [
        { kind: 'burst', at: 600, duration: 300, rate: 20, start: 0, end: null },
        { kind: 'poisson', rate: 0.05, start: 0, end: null },
      ];
    });
    const { timeline } = runCollect(cfg);
    expect(Math.min(...timeline.map((r) => r.replicas!))).toBe(1);
    expect(Math.max(...timeline.map((r) => r.replicas!))).toBe(3);
  });
});
