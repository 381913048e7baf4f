import { describe, expect, it } from 'vitest';
import { type Config } from '../src/model/config.js';
import { defaultConfig } from '../src/scenario/defaults.js';
import type { EventRow, RequestRow, Summary } from '../src/model/summary.js';
import { replay, type Found } from '../src/check/replay.js';
import type { RunOutputs } from '../src/check/violations.js';
import { checkAgreement } from '../src/check/invariants/agreement.js';
import { checkAutoscaler } from '../src/check/invariants/autoscaler.js';
import { checkBilling } from '../src/check/invariants/billing.js';
import { checkConservation } from '../src/check/invariants/conservation.js';
import { checkProbes } from '../src/check/invariants/probes.js';
import { checkRouting } from '../src/check/invariants/routing.js';
import { checkTimeOrder } from '../src/check/invariants/time-order.js';

/**
 * Each invariant file on its own, against a hand-made timeline: one cold replica (0) loads by 30 s,
 * hangs at 100 s, stops traffic at 130 s (3 failed checks of 10 s for a 30 s threshold), restarts at
 * 160 s (6 for 60 s), is routable again at 190 s; one request at 35 s takes 1 s.
 */
function config(): Config {
  const c = defaultConfig();
  c.duration = 600;
  c.deployment.runtime.health_checks.stop_traffic_threshold_seconds = 30;
  c.deployment.runtime.health_checks.restart_threshold_seconds = 60;
  return c;
}

const st = (t: number, replica: number, from: string | null, to: string): EventRow => ({ t, replica, event: 'state', from, to, detail: '' });
const ev = (t: number, replica: number | null, event: EventRow['event'], detail = '', from: number | null = null, to: number | null = null): EventRow => ({ t, replica, event, from, to, detail });

function events(): EventRow[] {
  return [
    st(0, 0, null, 'scheduling'),
    st(0, 0, 'scheduling', 'pulling'),
    st(0, 0, 'pulling', 'loading'),
    st(30, 0, 'loading', 'ready'),
    ev(30, 0, 'routable'),
    ev(100, 0, 'fault', 'kind=hang'),
    ev(130, 0, 'traffic_stopped', 'failures=3'),
    ev(160, 0, 'restart', 'cause=liveness;backoff=0'),
    st(160, 0, 'ready', 'backoff'),
    st(160, 0, 'backoff', 'loading'),
    st(190, 0, 'loading', 'ready'),
    ev(190, 0, 'routable'),
  ];
}

const request: RequestRow = { id: 0, arrival: 35, dispatched: 35, replica: 0, finished: 36, status: 200, attempts: 1, latency: 1 };

function summary(): Summary {
  return {
    scenario: 't',
    seed: 1,
    duration_s: 600,
    platform: 'baseten-2025',
    requests: { arrived: 1, succeeded: 1, failed: 0, in_flight_at_end: 0, retried_attempts: 0, by_status: {} },
    availability: 1,
    latency_s: { mean: 1, p50: 1, p90: 1, p95: 1, p99: 1, max: 1 },
    queue_wait_s: { mean: 0, p99: 0 },
    replicas: { created: 1, peak: 1, mean: 1, restarts: 1, cold_starts: 2, traffic_stops: 1 },
    health: {
      faults: [{ kind: 'hang', replica: 0, at: 100, traffic_stopped_at: 130, restarted_at: 160, preempted_at: null, routable_again_at: 190, failed_requests_before_stop: 0 }],
    },
    // 0–600 s = 10 min; routable 30–130 and 190–600 s, so 90 s (1.5 min) billed while not serving.
    billing: { billed_minutes: 10, cost: 1.0833, cost_per_1k_succeeded: 1083.3, minutes_not_serving: 1.5, price_per_minute: 0.10833 },
    warnings: [],
  };
}

type Parts = { config: Config; summary: Summary; events: EventRow[]; requests: RequestRow[] };

function run(change: (r: Parts) => void = () => {}): RunOutputs {
  const r: Parts = { config: config(), summary: summary(), events: events(), requests: [{ ...request }] };
  change(r);
  return r;
}

const messages = (found: Found[]): string[] => found.map((f) => `${f.v.invariant}: ${f.v.message}`);
const check = (family: (rp: ReturnType<typeof replay>) => Found[], r: RunOutputs): string[] => messages(family(replay(r, 1e-6, 200)));

/** Insert a row before the first row later than it. */
function insert(rows: EventRow[], row: EventRow): void {
  const i = rows.findIndex((e) => e.t > row.t);
  rows.splice(i < 0 ? rows.length : i, 0, row);
}

describe('replay(run) rebuilds each replica from the rows', () => {
  it('routability changes, billed span and the gauges after each row', () => {
    const rp = replay(run(), 1e-6, 200);
    const r = rp.tracks.get(0)!;
    expect(r.changes.map((c) => [c.t, c.routable, c.reason])).toEqual([
      [30, true, 'became routable at 30 s'],
      [130, false, 'stopped traffic at 130 s'],
      [190, true, 'became routable at 190 s'],
    ]);
    expect([r.billStart, r.billEnd, r.restarts, r.containerStart, r.lastPass]).toEqual([0, null, 1, 160, 190]);
    expect([rp.peak, rp.restartRows, rp.stopRows]).toEqual([1, 1, 1]);
    expect(rp.faults).toEqual([{ kind: 'hang', replica: 0, at: 100, stop: 130, restart: 160, preempted: null, again: 190 }]);
    expect(rp.history.map((g) => g.routable)).toEqual([0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1]);
  });

  it('each step holds the replica just before and just after its row', () => {
    const rp = replay(run(), 1e-6, 200);
    const stop = rp.steps[6]!;
    expect(stop.e.event).toBe('traffic_stopped');
    expect([stop.before!.routable, stop.before!.stopped, stop.after!.routable, stop.after!.stopped]).toEqual([true, false, false, true]);
    expect(rp.steps[0]!.before).toBeNull();
    expect(rp.steps[0]!.after!.state).toBe('scheduling');
  });
});

describe('each invariant file passes the hand-made timeline and catches a break in it', () => {
  it('time-order: rows going backwards, a request dispatched before it arrived (invariant 9)', () => {
    expect(check(checkTimeOrder, run())).toEqual([]);
    const bad = check(
      checkTimeOrder,
      run((r) => {
        r.events.push(ev(150, 0, 'fault', 'kind=slowdown'));
        r.requests[0]!.dispatched = 34;
      }),
    );
    expect(bad).toEqual(['9: event row 13 (fault, replica 0) at 150 s comes after a row at 190 s: time went backwards', '9: request 0: dispatched 34 s is before arrival 35 s']);
  });

  it('routing: a request dispatched to a traffic-stopped replica (invariant 1)', () => {
    expect(check(checkRouting, run())).toEqual([]);
    const bad = check(
      checkRouting,
      run((r) => Object.assign(r.requests[0]!, { arrival: 140, dispatched: 140, finished: 141 })),
    );
    expect(bad).toEqual(['1: request 0 dispatched at 140 s to replica 0, which stopped traffic at 130 s']);
  });

  it('probes: a hung replica still taking traffic past its stop deadline (invariant 2)', () => {
    expect(check(checkProbes, run())).toEqual([]);
    const bad = check(
      checkProbes,
      run((r) => {
        r.events = r.events.filter((e) => e.event !== 'traffic_stopped');
      }),
    );
    expect(bad).toEqual(['2: replica 0 still took traffic at 131 s: after the hang at 100 s every check fails, so 3 failed checks (stop_traffic_threshold_seconds 30) stop it by then']);
  });

  it('probes: failures= is checked against the run of failed checks the rows show, not the configured count (invariant 2)', () => {
    // No hang: traffic stops at 130 s and resumes at 140 s (a pass); a second stop needs 3 more failed checks, at 150, 160, 170 s.
    const second = (at: number) =>
      run((r) => {
        r.events = r.events.filter((e) => e.t < 150 && e.event !== 'fault');
        r.events.push(ev(140, 0, 'traffic_resumed'), ev(at, 0, 'traffic_stopped', 'failures=3'));
        r.config.duration = 200;
        r.config.faults = [];
      });
    expect(check(checkProbes, second(170))).toEqual([]);
    // failures=3 is the threshold's count, yet the rows allow at most 2 checks since the pass at 140 s.
    const bad = check(checkProbes, second(160));
    expect(bad).toEqual([
      '2: replica 0 stopped traffic at 160 s with failures=3, but the rows give a run of 0–2 failed checks (at most 2 checks since the last pass at 140 s)',
      '2: replica 0 stopped traffic at 160 s, 10 s too early: 3 failed checks need until 170 s (last passing check at 140 s + 3 × 10 s)',
    ]);
  });

  it('probes: the back-off resets 600 s after the last restart; a gap within rounding of 600 s may show either (SPEC §2)', () => {
    // A second restart after the one at 160 s: backoff=0 is a reset, right only when 600 s have passed.
    const again = (at: number, backoff: number) =>
      run((r) => {
        r.config.duration = 1000;
        r.events.push(ev(at, 0, 'restart', `cause=liveness;backoff=${backoff}`), st(at, 0, 'ready', 'backoff'), st(at, 0, 'backoff', 'loading'));
      });
    const backoff = (r: RunOutputs) => check(checkProbes, r).filter((m) => m.includes('CrashLoopBackOff'));
    expect(backoff(again(760, 0))).toEqual([]); // 600 s later: reset
    expect(backoff(again(759, 0))).toEqual(['3: replica 0 restarted at 759 s with backoff=0; CrashLoopBackOff gives 10 s (restart 2 of a loop)']);
    expect(backoff(again(759, 10))).toEqual([]);
    // 1.5e-6 s short of 600 (tolerance 1e-6): within two tolerances, either reading is accepted.
    expect(backoff(again(760 - 1.5e-6, 0))).toEqual([]);
    expect(backoff(again(760 - 1.5e-6, 10))).toEqual([]);
  });

  it('autoscaler: more replicas than max_replica, a scale-up past desired (invariant 5)', () => {
    expect(check(checkAutoscaler, run())).toEqual([]);
    const bad = check(
      checkAutoscaler,
      run((r) => {
        insert(r.events, ev(200, null, 'scale_up', 'avg_in_flight=0;desired=1', 1, 2));
        insert(r.events, st(200, 1, null, 'scheduling'));
      }),
    );
    expect(bad).toEqual(['5: scale_up at 200 s to 2; desired=1 (a scale-up adds desired − current at once)', '5: 2 replicas up at 200 s, above max_replica 1']);
  });

  it('conservation: arrived ≠ succeeded + failed + in flight (invariant 6)', () => {
    expect(check(checkConservation, run())).toEqual([]);
    const bad = check(
      checkConservation,
      run((r) => {
        r.summary.requests.arrived = 2;
      }),
    );
    expect(bad).toEqual(['6: arrived 2 ≠ succeeded 1 + failed 0 + in flight at end 0 (= 1; off by 1)', '6: summary requests.arrived = 2 but requests rows give 1']);
  });

  it('billing: a billed minute missing, and cost that is not minutes × price (invariant 7)', () => {
    expect(check(checkBilling, run())).toEqual([]);
    const bad = check(
      checkBilling,
      run((r) => {
        r.summary.billing.billed_minutes = 9;
      }),
    );
    expect(bad).toEqual([
      '7: billed_minutes 9 but state rows give 10 (1 missing; replica 0: 0 s–600 s = 600 s → 10 min)',
      '7: billing.cost 1.0833 ≠ billed_minutes 9 × price 0.10833 = 0.97497 (off by 0.10833)',
    ]);
  });

  it('agreement: summary counts and fault records that disagree with the rows (invariant 0)', () => {
    expect(check(checkAgreement, run())).toEqual([]);
    const bad = check(
      checkAgreement,
      run((r) => {
        r.summary.replicas.traffic_stops = 2;
        r.summary.health.faults[0]!.restarted_at = null;
      }),
    );
    expect(bad).toEqual([
      '0: summary replicas.traffic_stops = 2 but the events give 1',
      '0: summary health.faults[0] (hang on replica 0 at 100 s): restarted_at null (events: 160)',
    ]);
  });
});
