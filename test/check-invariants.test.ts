import { describe, expect, it } from 'vitest';
import { stringify } from 'csv-stringify/sync';
import { type Config } from '../src/model/config.js';
import { defaultConfig } from '../src/scenario/defaults.js';
import { simulate } from '../src/run.js';
import type { EventRow, RequestRow, Summary } from '../src/model/summary.js';
import { EVENT_COLUMNS, REQUEST_COLUMNS } from '../src/model/summary.js';
import { checkInvariants, checkCount, type RunOutputs } from '../src/check/invariants.js';
import { parseCsv, parseEventsCsv, parseRequestsCsv } from '../src/check/read-outputs.js';

/**
 * A small hand-made run that obeys every invariant: one replica hangs at 100 s, stops traffic at
 * 130 s (3 checks of 10 s for a 30 s threshold), restarts at 160 s (6 checks for 60 s); a second
 * replica comes up at 200 s; at 400 s a scale-down removes replica 0 (more restarts go first).
 */
function config(): Config {
  const c = defaultConfig();
  c.duration = 600;
  c.deployment.runtime.health_checks.stop_traffic_threshold_seconds = 30;
  c.deployment.runtime.health_checks.restart_threshold_seconds = 60;
  c.deployment.autoscaling = { ...c.deployment.autoscaling, min_replica: 1, max_replica: 3, scale_down_delay: 60 };
  return c;
}

const st = (t: number, replica: number, from: string | null, to: string): EventRow => ({ t, replica, event: 'state', from, to, detail: '' });
const ev = (t: number, replica: number | null, event: EventRow['event'], detail = '', from: number | null = null, to: number | null = null): EventRow => ({
  t,
  replica,
  event,
  from,
  to,
  detail,
});

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
    ev(200, null, 'scale_up', 'avg_in_flight=0.983;desired=2', 1, 2), // request 3 in flight 141–200 s of the 60 s window
    st(200, 1, null, 'scheduling'),
    st(205, 1, 'scheduling', 'pulling'),
    st(210, 1, 'pulling', 'loading'),
    st(240, 1, 'loading', 'ready'),
    ev(240, 1, 'routable'),
    ev(400, null, 'scale_down', 'avg_in_flight=0;desired=1', 2, 1),
    st(400, 0, 'ready', 'terminating'),
    st(405, 0, 'terminating', 'terminated'),
  ];
}

const req = (id: number, arrival: number, dispatched: number | null, replica: number | null, finished: number | null, status: number | null): RequestRow => ({
  id,
  arrival,
  dispatched,
  replica,
  finished,
  status,
  attempts: 1,
  latency: finished === null ? null : finished - arrival,
});

function requests(): RequestRow[] {
  return [req(0, 35, 35, 0, 36, 200), req(3, 141, 190, 0, 200.5, 200), req(1, 250, 250, 0, 251, 200), req(2, 590, 590, 1, null, null)];
}

function summary(): Summary {
  return {
    scenario: 't',
    seed: 1,
    duration_s: 600,
    platform: 'baseten-2025',
    requests: { arrived: 4, succeeded: 3, failed: 0, in_flight_at_end: 1, retried_attempts: 0, by_status: {} },
    availability: 1,
    // Succeeded: requests 0 and 1 (1 s), 3 (59.5 s).
    latency_s: { mean: 20.5, p50: 1, p90: 59.5, p95: 59.5, p99: 59.5, max: 59.5 },
    queue_wait_s: { mean: 0, p99: 0 },
    replicas: { created: 2, peak: 2, mean: 1.3, restarts: 1, cold_starts: 2, traffic_stops: 1 },
    health: {
      faults: [{ kind: 'hang', replica: 0, at: 100, traffic_stopped_at: 130, restarted_at: 160, preempted_at: null, routable_again_at: 190, failed_requests_before_stop: 0 }],
    },
    // replica 0: 0–400 s = 6.67 → 7 min; replica 1: 210–600 s = 390 s → 7 min.
    billing: { billed_minutes: 14, cost: 1.5166, cost_per_1k_succeeded: 505.5, minutes_not_serving: 2, price_per_minute: 0.10833 },
    warnings: [],
  };
}

function run(change: (r: { config: Config; summary: Summary; events: EventRow[]; requests: RequestRow[] }) => void = () => {}): RunOutputs {
  const r = { config: config(), summary: summary(), events: events(), requests: requests() };
  change(r);
  // Tests doctor one thing at a time: keep latency_s consistent with the (possibly changed) requests.
  const lat = r.requests.filter((q) => q.status === 200 && q.finished !== null).map((q) => q.finished! - q.arrival).sort((a, b) => a - b);
  const at = (q: number): number | null => (lat.length ? lat[Math.max(1, Math.ceil(q * lat.length)) - 1]! : null);
  r.summary.latency_s = {
    mean: lat.length ? lat.reduce((a, x) => a + x, 0) / lat.length : null,
    p50: at(0.5),
    p90: at(0.9),
    p95: at(0.95),
    p99: at(0.99),
    max: lat.length ? lat[lat.length - 1]! : null,
  };
  return r;
}

/** Insert a row before the first row later than it, as the simulator would have written it. */
function insert(rows: EventRow[], row: EventRow): void {
  const i = rows.findIndex((e) => e.t > row.t);
  rows.splice(i < 0 ? rows.length : i, 0, row);
}

describe('checkInvariants', () => {
  it('accepts a run that obeys every invariant', () => {
    expect(checkInvariants(run())).toEqual([]);
  });

  it('checkCount(60, 10) is 6 and checkCount(61, 10) is 7 (threshold T = ceil(T / period) checks)', () => {
    expect(checkCount(60, 10)).toBe(6);
    expect(checkCount(61, 10)).toBe(7);
    expect(checkCount(0.3 * 100, 10)).toBe(3);
  });

  it('catches a request dispatched to a replica that had stopped traffic (invariant 1)', () => {
    const vs = checkInvariants(run((r) => r.requests.push(req(812, 131.2, 131.2, 0, 132, 200))), {});
    expect(vs.map((v) => v.invariant)).toContain(1);
    expect(vs.find((v) => v.invariant === 1)!.message).toBe('request 812 dispatched at 131.2 s to replica 0, which stopped traffic at 130 s');
  });

  it('catches a dispatch to a replica still loading, or not created yet (invariant 1)', () => {
    const vs = checkInvariants(
      run((r) => {
        r.requests.push(req(7, 220, 220, 1, 221, 200), req(8, 100, 100, 1, 101, 200));
        r.summary.requests.arrived += 2;
        r.summary.requests.succeeded += 2;
      }),
    );
    // (Replica 0 was idle both times, so the router's choice is wrong as well.)
    expect(vs.map((v) => v.message).filter((m) => !m.includes('the router picks'))).toEqual([
      'request 7 dispatched at 220 s to replica 1, which had not become routable since its creation at 200 s',
      'request 8 dispatched at 100 s to replica 1, which did not exist yet',
    ]);
  });

  it('catches the router choosing a full replica, a busier one, or leaving a request queued beside an idle one (invariant 1, SPEC §5)', () => {
    const vs = checkInvariants(
      run((r) => {
        r.requests.push(req(20, 300, 300, 0, 305, 200), req(21, 301, 301, 0, 306, 200), req(22, 310, 320, 1, 321, 200));
        r.summary.requests = { ...r.summary.requests, arrived: 7, succeeded: 6 };
      }),
    );
    expect(vs.map((v) => v.message)).toEqual([
      'request 21 dispatched at 301 s to replica 0, which already had 1 in flight, concurrency_target is 1',
      'request 22 dispatched at 320 s to replica 1 (0 in flight) although routable replica 0 had 0 and a lower id: the router picks the fewest in flight, ties to the lowest id',
      'request 22 arrived at 310 s and waited until 320 s with nobody ahead of it, although routable replica 0 had 0 in flight, below concurrency_target 1',
    ]);
    const busier = checkInvariants(
      run((r) => {
        r.config.deployment.autoscaling.concurrency_target = 3;
        r.requests.push(req(20, 300, 300, 0, 305, 200), req(21, 301, 301, 0, 306, 200));
        r.summary.requests = { ...r.summary.requests, arrived: 6, succeeded: 5 };
      }),
    );
    expect(busier.filter((v) => v.invariant === 1).map((v) => v.message)).toEqual([
      'request 21 dispatched at 301 s to replica 0 (1 in flight) although routable replica 1 had 0: the router picks the fewest in flight, ties to the lowest id',
    ]);
  });

  it('catches queue timeouts off request.timeout, shedding off max_queue, and a missing activator poke (invariants 1, 5)', () => {
    const vs = checkInvariants(
      run((r) => {
        r.config.request.timeout = 100;
        // Never dispatched, failed 500 after 60 s: the queue timeout is 100 s. Still in flight at the end, past its timeout.
        r.requests.push(req(30, 10, null, null, 70, 500), req(31, 400, null, null, null, null));
        r.summary.requests = { ...r.summary.requests, arrived: 6, failed: 1, in_flight_at_end: 2, by_status: { '500': 1 } };
      }),
    );
    expect(vs.filter((v) => v.invariant === 1).map((v) => v.message)).toEqual([
      'request 31 arrived at 400 s and waited until the end with nobody ahead of it, although routable replica 1 had 0 in flight, below concurrency_target 1',
      'request 30 failed with 500 at 70 s without being dispatched, 60 s after arriving; a queued request fails request.timeout = 100 s after arrival',
      'request 31 (arrived 400 s, one attempt) is still in flight at the end although its request.timeout ran out at 500 s',
    ]);
    const shed = checkInvariants(
      run((r) => {
        r.config.request.max_queue = 1;
        r.requests.push(req(40, 300, null, null, 300, 429));
        r.summary.requests = { ...r.summary.requests, arrived: 5, failed: 1, by_status: { '429': 1 } };
      }),
    );
    expect(shed.filter((v) => v.invariant === 1).map((v) => v.message)).toEqual(['request 40 was shed (429) at 300 s with 0 waiting in the queue, below max_queue 1']);
    // Scale to zero at 400 s, then an arrival at 450 s with no scale-up.
    const poke = checkInvariants(
      run((r) => {
        r.config.deployment.autoscaling.min_replica = 0;
        r.events = r.events.map((e) => (e.event === 'scale_down' ? { ...e, from: 2, to: 1 } : e));
        r.events.push(ev(500, null, 'scale_down', 'avg_in_flight=0;desired=0', 1, 0), st(500, 1, 'ready', 'terminating'), st(500, 1, 'terminating', 'terminated'));
        r.requests = r.requests.filter((q) => q.id !== 2);
        r.requests.push(req(50, 550, null, null, null, null));
        r.summary.billing = { ...r.summary.billing, billed_minutes: 12, cost: 12 * 0.10833, minutes_not_serving: 2 };
      }),
    );
    expect(poke.filter((v) => v.invariant === 5).map((v) => v.message)).toEqual([
      'request 50 arrived at 550 s to no replica and no scale-up followed at that instant (the activator\'s poke)',
    ]);
  });

  it('catches a container that outlives its crash_loop: every container crashes `after` s after it starts (invariant 3)', () => {
    const vs = checkInvariants(
      run((r) => {
        r.config.faults = [{ kind: 'crash_loop', at: 250, mtbf: null, duration: null, probability: 0, factor: 1, after: 20, replica: { kind: 'index', index: 1 } }];
        insert(r.events, ev(250, 1, 'fault', 'kind=crash_loop'));
        r.summary.health.faults.push({ kind: 'crash_loop', replica: 1, at: 250, traffic_stopped_at: null, restarted_at: null, preempted_at: null, routable_again_at: null, failed_requests_before_stop: 0 });
      }),
    );
    // Replica 1's container started at 210 s: 230 s has passed, so it crashes at once (250 s).
    expect(vs).toEqual([
      { invariant: 3, t: 250, message: "replica 1's container started at 210 s was still running at 250 s; under crash_loop (after 20 s; the smallest in force wins) it crashes then" },
    ]);
  });

  it('two crash_loops in force: the smallest after wins (SPEC §7; invariant 3)', () => {
    const vs = checkInvariants(
      run((r) => {
        const base = { mtbf: null, duration: null, probability: 0, factor: 1, replica: { kind: 'index' as const, index: 1 } };
        r.config.faults = [
          { ...base, kind: 'crash_loop', at: 240, after: 100 },
          { ...base, kind: 'crash_loop', at: 250, after: 20 },
        ];
        insert(r.events, ev(240, 1, 'fault', 'kind=crash_loop'));
        insert(r.events, ev(250, 1, 'fault', 'kind=crash_loop'));
        for (const at of [240, 250]) r.summary.health.faults.push({ kind: 'crash_loop', replica: 1, at, traffic_stopped_at: null, restarted_at: null, preempted_at: null, routable_again_at: null, failed_requests_before_stop: 0 });
      }),
    );
    // Container from 210: the loop at 240 (after 100) says crash by 310; the one at 250 (after 20)
    // finds it 40 s old, so at once: 250 s, the earlier of the two.
    expect(vs).toEqual([
      { invariant: 3, t: 250, message: "replica 1's container started at 210 s was still running at 250 s; under crash_loop (after 20 s; the smallest in force wins) it crashes then" },
    ]);
  });

  it('catches a container still loading past delay + restart threshold (baseten-2025: loading fails every check; invariant 3)', () => {
    const r = run();
    r.config.deployment.runtime.health_checks.restart_threshold_seconds = 30; // 3 checks: 0, 10, 20 s
    expect(checkInvariants(r).filter((v) => v.invariant === 3 && v.t === 21)).toEqual([
      {
        invariant: 3,
        t: 21,
        message: 'replica 0 was still loading at 21 s, container started at 0 s: loading fails every check, so 3 failed checks (delay 0 s + restart_threshold_seconds 30) restart it mid-load by then',
      },
    ]);
  });

  it('accepts a dispatch at exactly the time a replica becomes routable or stops (ties have no order)', () => {
    const vs = checkInvariants(
      run((r) => {
        // Request 9 goes out at the instant replica 0 stops; the fixture's request 3 at the instant it is routable again (190 s).
        r.requests.push(req(9, 130, 130, 0, 131, 200));
        r.summary.requests.arrived += 1;
        r.summary.requests.succeeded += 1;
      }),
    );
    expect(vs).toEqual([]);
  });

  it('catches a traffic stop before its failures could add up (invariant 2)', () => {
    const vs = checkInvariants(
      run((r) => {
        const i = r.events.findIndex((e) => e.event === 'traffic_stopped');
        r.events[i] = ev(120, 0, 'traffic_stopped', 'failures=3');
        r.events.splice(i, 1);
        insert(r.events, ev(50, 0, 'traffic_stopped', 'failures=3'));
      }),
    );
    expect(vs.filter((v) => v.invariant === 2)).toEqual([
      // The observed run (SPEC §3): checks at 40 and 50 since the pass at 30, 2 of the 3 the row claims.
      {
        invariant: 2,
        t: 50,
        message: "replica 0 stopped traffic at 50 s with failures=3, but the rows give a run of 0–2 failed checks (at most 2 checks since the last pass at 30 s)",
      },
      {
        invariant: 2,
        t: 50,
        message: 'replica 0 stopped traffic at 50 s, 10 s too early: 3 failed checks need until 60 s (last passing check at 30 s + 3 × 10 s)',
      },
    ]);
  });

  it('a warm replica is routable at creation without a check: its first checks start at container start (invariant 2)', () => {
    // Found by test:deep: warm, probe_phase random (phase 9.313 s), checks at 9.313, 19.313, 29.313 s.
    const warm = (stopAt: number): RunOutputs => {
      const c = config();
      c.deployment.initial_state = 'warm';
      c.assumptions.probe_phase = 'random';
      return {
        config: c,
        summary: { ...summary(), requests: { ...summary().requests, arrived: 0, succeeded: 0, in_flight_at_end: 0 }, billing: { ...summary().billing, billed_minutes: 10, cost: 1.0833 } },
        events: [st(0, 0, null, 'ready'), ev(0, 0, 'routable'), ev(0, 0, 'fault', 'kind=cuda_error'), ev(stopAt, 0, 'traffic_stopped', 'failures=3')],
        requests: [],
      };
    };
    const notAgreement = (vs: ReturnType<typeof checkInvariants>) => vs.filter((v) => v.invariant === 2);
    expect(notAgreement(checkInvariants(warm(29.313)))).toEqual([]);
    expect(notAgreement(checkInvariants(warm(19.313)))).toEqual([
      // Checks at 0 and 10 before 19.313: a run of at most 2.
      {
        invariant: 2,
        t: 19.313,
        message: "replica 0 stopped traffic at 19.313 s with failures=3, but the rows give a run of 0–2 failed checks (at most 2 checks since the container's first check at 0 s)",
      },
      {
        invariant: 2,
        t: 19.313,
        message: 'replica 0 stopped traffic at 19.313 s, 0.687 s too early: 3 failed checks need until 20 s (warm container start 0 s + (3 − 1) × 10 s)',
      },
    ]);
  });

  it('catches a replica routable before restart_check_delay_seconds, or while loading', () => {
    const r = run();
    r.config.deployment.runtime.health_checks.restart_check_delay_seconds = 40; // first check at 40 s, not 30 s
    r.config.deployment.runtime.health_checks.restart_threshold_seconds = 60;
    expect(checkInvariants(r).filter((v) => v.invariant === 2 && v.t === 30)).toEqual([
      { invariant: 2, t: 30, message: 'replica 0 became routable at 30 s, before its first readiness check at container start 0 s + delay 40 s = 40 s' },
    ]);
    const loading = run((x) => x.events.splice(3, 0, ev(20, 0, 'routable')));
    expect(checkInvariants(loading).filter((v) => v.invariant === 1)).toEqual([{ invariant: 1, t: 20, message: 'replica 0 became routable at 20 s while in state loading' }]);
  });

  it('catches a stop or a restart that comes too late after a hang: every check fails from then on (invariants 2, 3)', () => {
    // The hang at 100 s: checks fail from 110 s (timing out at 111 s); 3 of them stop traffic by
    // 131 s, 6 restart by 161 s. The base run stops at 130 s and restarts at 160 s: in time.
    expect(checkInvariants(run())).toEqual([]);
    const late = checkInvariants(
      run((r) => {
        r.events.find((e) => e.event === 'traffic_stopped')!.t = 140;
        r.events.sort((a, b) => a.t - b.t);
        r.summary.billing.minutes_not_serving = 110 / 60;
        r.summary.health.faults[0]!.traffic_stopped_at = 140;
      }),
    );
    expect(late).toEqual([
      { invariant: 2, t: 131, message: 'replica 0 still took traffic at 131 s: after the hang at 100 s every check fails, so 3 failed checks (stop_traffic_threshold_seconds 30) stop it by then' },
      // The observed run: the checks at 100 (the hang runs first, SPEC §1), 110, 120, 130 all timed out by 140.
      {
        invariant: 2,
        t: 140,
        message: 'replica 0 stopped traffic at 140 s with failures=3, but the rows give a run of 4–10 failed checks (at most 10 checks since the last pass at 30 s, at least 4 since the hang at 100 s (checks at 30 s + k × 10 s, known 1 s later))',
      },
    ]);
    const noRestart = checkInvariants(
      run((r) => {
        r.config.deployment.runtime.health_checks.restart_threshold_seconds = 40;
      }),
    );
    expect(noRestart.map((v) => v.message)).toContain(
      'replica 0 not restarted by 141 s: after the hang at 100 s every check fails, so 4 failed checks (restart_threshold_seconds 40) restart it by then',
    );
    const resumed = checkInvariants(run((r) => insert(r.events, ev(150, 0, 'traffic_resumed'))));
    expect(resumed.filter((v) => v.invariant === 2).map((v) => v.message)).toEqual(['replica 0 resumed traffic at 150 s, but every check of its container fails since the hang at 100 s']);
  });

  it('catches a traffic stop whose failure count is not the threshold count (invariant 2)', () => {
    const vs = checkInvariants(run((r) => (r.events.find((e) => e.event === 'traffic_stopped')!.detail = 'failures=2')));
    expect(vs.map((v) => v.invariant)).toEqual([2, 2]);
    expect(vs[0]!.message).toContain('requires 3');
    // ... nor the run the rows give: the hang at 100 s, checks at 100, 110, 120 (known 1 s later) before the stop at 130.
    expect(vs[1]!.message).toContain('failures=2, but the rows give a run of 3–9 failed checks');
  });

  it('a stop whose failures= is the threshold but not the run the rows show (invariant 2)', () => {
    // A warm replica with a cuda_error at 0 that after_fault watches: checks at 0, 10, 20 fail, the stop at
    // 20 says failures=3. Rows that say the stop came at 30 with failures=3 contradict the run: 4 checks
    // (0, 10, 20, 30) had failed by then.
    const cfg = defaultConfig();
    cfg.duration = 40;
    cfg.deployment.initial_state = 'warm';
    cfg.deployment.autoscaling = { ...cfg.deployment.autoscaling, min_replica: 1, max_replica: 1 };
    cfg.deployment.runtime.health_checks.stop_traffic_threshold_seconds = 30;
    cfg.deployment.runtime.health_checks.restart_threshold_seconds = 60;
    cfg.deployment.is_healthy = { rule: 'after_fault', fault: 'cuda_error' };
    cfg.faults = [{ kind: 'cuda_error', at: 0, mtbf: null, duration: null, probability: 0, factor: 1, after: 0, replica: { kind: 'index', index: 0 } }];
    const events: EventRow[] = [];
    const summary = simulate(cfg, { event: (e) => events.push(e) });
    expect(checkInvariants({ config: cfg, summary, events, requests: null })).toEqual([]);
    const moved = events.map((e) => (e.event === 'traffic_stopped' ? { ...e, t: 30 } : e)).sort((a, b) => a.t - b.t);
    const s2 = structuredClone(summary);
    s2.health.faults[0]!.traffic_stopped_at = 30;
    const vs = checkInvariants({ config: cfg, summary: s2, events: moved, requests: null }).filter((v) => v.message.includes('rows give a run'));
    expect(vs.map((v) => v.message)).toEqual([
      "replica 0 stopped traffic at 30 s with failures=3, but the rows give a run of 4 failed checks (at most 4 checks since the container's first check at 0 s, at least 4 since the cuda_error at 0 s (checks at 0 s + k × 10 s))",
    ]);
  });

  it('catches a liveness restart too early (invariant 3)', () => {
    const vs = checkInvariants(
      run((r) => {
        // Second container started at 160 s: a liveness restart needs 160 + 0 + 5 × 10 = 210 s.
        insert(r.events, ev(195, 0, 'restart', 'cause=liveness;backoff=10'));
        insert(r.events, st(195, 0, 'ready', 'backoff'));
        insert(r.events, st(205, 0, 'backoff', 'loading'));
        insert(r.events, st(235, 0, 'loading', 'ready'));
        insert(r.events, ev(235, 0, 'routable'));
        r.summary.replicas.restarts = 2;
        r.summary.billing.minutes_not_serving = 160 / 60; // + 195–235 s not routable
      }),
    );
    expect(vs).toEqual([
      {
        invariant: 3,
        t: 195,
        message: 'replica 0 restarted (cause=liveness) at 195 s, 15 s too early: not allowed before 210 s (container start 160 s + delay 0 s + (6 − 1) × 10 s)',
      },
    ]);
  });

  it('respects restart_check_delay_seconds for restarts (invariant 3)', () => {
    const r = run();
    r.config.deployment.runtime.health_checks.restart_check_delay_seconds = 120;
    const vs = checkInvariants(r);
    // First container started at 0: with a 120 s delay, the first check is at 120 s, the 6th at 170 s.
    expect(vs.filter((v) => v.invariant === 3).map((v) => v.message)).toEqual([
      'replica 0 restarted (cause=liveness) at 160 s, 10 s too early: not allowed before 170 s (container start 0 s + delay 120 s + (6 − 1) × 10 s)',
    ]);
  });

  it('catches a scale-down before a full scale_down_delay (invariant 5)', () => {
    const r = run();
    r.config.deployment.autoscaling.scale_down_delay = 300;
    const vs = checkInvariants(r);
    expect(vs).toEqual([{ invariant: 5, t: 400, message: 'scale_down at 400 s only 200 s after the scale_up at 200 s; scale_down_delay is 300 s' }]);
  });

  it('catches a scale-down step larger than max_scale_down_rate allows (invariant 5)', () => {
    const vs = checkInvariants(
      run((r) => {
        r.config.deployment.autoscaling.max_scale_down_rate = 10; // floor(2 × 10 %) = 0 → 1 allowed
        const i = r.events.findIndex((e) => e.event === 'scale_down');
        r.events[i] = ev(400, null, 'scale_down', 'avg_in_flight=0;desired=0', 2, 0);
        r.config.deployment.autoscaling.min_replica = 0;
      }),
    );
    expect(vs.map((v) => v.message)).toContain('scale_down at 400 s from 2 to 0 removes 2 replicas; max_scale_down_rate 10% allows 1 in one step');
  });

  it('catches autoscaler decisions off the policy: desired, step size, decision time, removal order (invariant 5)', () => {
    const msgs = (change: Parameters<typeof run>[0]) => checkInvariants(run(change)).map((v) => v.message);
    // avg 2.5 in flight at 70 % of 1 → ceil(3.57) = 4, clamped to max 3; the row says 2.
    const wrongAvg = msgs((r) => (r.events.find((e) => e.event === 'scale_up')!.detail = 'avg_in_flight=2.5;desired=2'));
    expect(wrongAvg).toContain('scale_up at 200 s with avg_in_flight=2.5 says desired=2; clamp(ceil(2.5 / (1 × 70%)), 1, 3) = 3');
    // ... and 2.5 is not what was in flight: request 3 alone, 141–200 s of the 60 s window.
    expect(wrongAvg).toContain('scale_up at 200 s says avg_in_flight=2.5; the requests give 0.9833 (time-weighted in flight over 140 s–200 s)');
    expect(
      msgs((r) => {
        const i = r.events.findIndex((e) => e.event === 'scale_up');
        r.events[i] = { ...r.events[i]!, t: 195 };
        r.events.sort((a, b) => a.t - b.t);
      }),
    ).toContain('scale_up at 195 s from 1: not an autoscaler decision time (every 10 s), and only a scale from zero may run in between');
    // The scale-down removes replica 1 (routable, no restart) and keeps replica 0 (1 restart): the wrong one.
    expect(
      msgs((r) => {
        r.events = r.events.map((e) => (e.t >= 400 && e.event === 'state' ? { ...e, replica: 1 } : e));
        r.requests = r.requests.map((q) => (q.id === 2 ? { ...q, replica: 0 } : q));
        r.summary.billing.billed_minutes = 14;
      }),
    ).toContain(
      'scale_down at 400 s removed replica 1 (routable, 0 restarts) but kept replica 0 (routable, 1 restart), which goes first (not yet ready, then traffic-stopped, then more restarts, then newest)',
    );
  });

  it('catches a restart back-off off the CrashLoopBackOff sequence, and a container that does not start when it says (invariant 3)', () => {
    const wrong = checkInvariants(run((r) => (r.events.find((e) => e.event === 'restart')!.detail = 'cause=liveness;backoff=10')));
    expect(wrong.map((v) => v.message)).toEqual([
      'replica 0 restarted at 160 s with backoff=10; CrashLoopBackOff gives 0 s (first restart, or 600 s since the last)',
      "replica 0's new container started at 160 s; the restart at 160 s with its back-off says 170 s",
    ]);
    // A second restart 100 s later waits 10 s; a third one 20 s.
    const loop = checkInvariants(
      run((r) => {
        insert(r.events, ev(300, 0, 'fault', 'kind=crash'));
        insert(r.events, ev(300, 0, 'restart', 'cause=crash;backoff=10'));
        insert(r.events, st(300, 0, 'ready', 'backoff'));
        insert(r.events, st(310, 0, 'backoff', 'loading'));
        insert(r.events, st(340, 0, 'loading', 'ready'));
        insert(r.events, ev(340, 0, 'routable'));
        insert(r.events, ev(350, 0, 'restart', 'cause=crash;backoff=10'));
        insert(r.events, st(350, 0, 'ready', 'backoff'));
        insert(r.events, st(360, 0, 'backoff', 'loading'));
        insert(r.events, st(390, 0, 'loading', 'ready'));
        insert(r.events, ev(390, 0, 'routable'));
        r.summary.replicas.restarts = 3;
        r.summary.billing.minutes_not_serving = 200 / 60;
        r.summary.health.faults.push({ kind: 'crash', replica: 0, at: 300, traffic_stopped_at: null, restarted_at: 300, preempted_at: null, routable_again_at: 340, failed_requests_before_stop: 0 });
      }),
    );
    expect(loop.map((v) => v.message)).toEqual([
      'replica 0 restarted at 350 s with backoff=10; CrashLoopBackOff gives 20 s (restart 3 of a loop)',
    ]);
  });

  it('catches more replicas than max_replica (invariant 5)', () => {
    const r = run();
    r.config.deployment.autoscaling.max_replica = 1;
    const vs = checkInvariants(r);
    expect(vs.map((v) => v.message)).toContain('2 replicas up at 200 s, above max_replica 1');
  });

  it('catches a conservation break (invariant 6)', () => {
    const vs = checkInvariants(run((r) => (r.summary.requests.succeeded = 2))).filter((v) => v.invariant === 6);
    expect(vs.map((v) => v.invariant)).toEqual([6, 6]);
    expect(vs[0]!.message).toBe('arrived 4 ≠ succeeded 2 + failed 0 + in flight at end 1 (= 3; off by 1)');
    expect(vs[1]!.message).toBe('summary requests.succeeded = 2 but requests rows give 3');
  });

  it('catches an impossible status and a retry count that disagrees (invariants 6, 0)', () => {
    const vs = checkInvariants(
      run((r) => {
        r.requests[0] = { ...r.requests[0]!, status: 429, attempts: 2 };
        r.summary.requests = { ...r.summary.requests, succeeded: 2, failed: 1, by_status: { '429': 1 } };
      }),
    );
    expect(vs.map((v) => v.message)).toEqual([
      'request 0 ended with status 429; possible: 200, 500 (failed, or timed out in the queue), 502/503 (lost with its replica), 504 (ran past the timeout)',
      'summary requests.retried_attempts = 0 but requests rows give Σ(attempts − 1) = 1',
      'availability 1 ≠ succeeded 2 / (arrived 4 − in flight 1) = 0.6666666666666666',
    ]);
  });

  it('catches health.faults records that disagree with the events (invariant 0): what expect: reads must be true', () => {
    const vs = checkInvariants(
      run((r) => {
        r.summary.health.faults[0]!.traffic_stopped_at = 120;
        r.summary.health.faults[0]!.routable_again_at = null;
      }),
    );
    expect(vs).toEqual([
      { invariant: 0, t: 100, message: 'summary health.faults[0] (hang on replica 0 at 100 s): traffic_stopped_at 120 (events: 130); routable_again_at null (events: 190)' },
    ]);
    expect(checkInvariants(run((r) => (r.summary.health.faults = []))).map((v) => v.message)).toEqual(['summary health.faults has 0 records but events.csv has 1 fault rows']);
  });

  it('catches latency_s off the requests: mean and max exact, percentiles within ±1 % (invariant 0)', () => {
    const r = run();
    r.summary.latency_s = { ...r.summary.latency_s, mean: 20, p90: 60.5 };
    expect(checkInvariants(r).map((v) => v.message)).toEqual([
      'latency_s.mean 20 but the 3 succeeded requests give 20.5',
      "latency_s.p90 60.5 but the 3 succeeded requests' order statistic (rank 3) is 59.5: not within ±1 %",
    ]);
  });

  it('catches a deployment that does not start with max(1, min_replica) replicas (invariant 5)', () => {
    const r = run();
    r.config.deployment.autoscaling.min_replica = 2; // should have started with 2
    expect(checkInvariants(r).map((v) => v.message)).toContain('1 replicas created at t = 0; a new deployment starts with max(1, min_replica) = 2');
  });

  it('catches a missing billing minute (invariant 7)', () => {
    const vs = checkInvariants(
      run((r) => {
        r.summary.billing.billed_minutes = 13;
        r.summary.billing.cost = 13 * 0.10833;
      }),
    );
    expect(vs).toEqual([
      {
        invariant: 7,
        message: 'billed_minutes 13 but state rows give 14 (1 missing; replica 0: 0 s–400 s = 400 s → 7 min; replica 1: 210 s–600 s = 390 s → 7 min)',
      },
    ]);
  });

  it('catches minutes_not_serving that is not the billed time while not routable (invariant 7)', () => {
    const vs = checkInvariants(run((r) => (r.summary.billing.minutes_not_serving = 1.5)));
    expect(vs).toEqual([{ invariant: 7, message: 'billing.minutes_not_serving 1.5 but the events give 2 (billed time while not routable; off by -0.5 min)' }]);
  });

  it('catches a cost that is not billed minutes × price (invariant 7)', () => {
    const vs = checkInvariants(run((r) => (r.summary.billing.cost = 1.6)));
    expect(vs.map((v) => v.invariant)).toEqual([7]);
  });

  it('does not bill development deployments under baseten-2026 (invariant 7)', () => {
    const r = run();
    r.config.platform = 'baseten-2026';
    r.config.deployment.environment = 'development';
    expect(checkInvariants(r).find((v) => v.invariant === 7)!.message).toContain('billed_minutes 14 but state rows give 0');
  });

  it('catches time going backwards (invariant 9)', () => {
    const vs = checkInvariants(run((r) => r.events.splice(8, 0, ev(150, 0, 'fault', 'kind=crash')))).filter((v) => v.invariant !== 0);
    expect(vs).toEqual([{ invariant: 9, t: 150, message: 'event row 9 (fault, replica 0) at 150 s comes after a row at 160 s: time went backwards' }]);
  });

  it('catches summary counts and timeline gauges that disagree with the events (invariant 0, 5, 7)', () => {
    const row = (t: number, replicas: number, routable: number, billed: number) =>
      ({ t, arrivals: 0, succeeded: 0, failed: 0, replicas, routable, billed_minutes: billed }) as unknown as import('../src/model/summary.js').TimelineRow;
    const r = run((x) => {
      x.summary.replicas.traffic_stops = 2;
      x.summary.requests = { ...x.summary.requests, arrived: 0, succeeded: 0, in_flight_at_end: 0 };
      x.requests = [];
    });
    const vs = checkInvariants({ ...r, samples: [row(30, 1, 1, 1), row(200, 2, 1, 4), row(250, 3, 2, 3), row(600, 1, 1, 13)] }).filter((v) => !v.message.includes('avg_in_flight'));
    expect(vs.map((v) => `${v.invariant}: ${v.message}`)).toEqual([
      '0: summary replicas.traffic_stops = 2 but the events give 1',
      '7: timeline billed_minutes went down from 4 to 3 at 250 s',
      '5: timeline at 250 s says 3 replicas, the events give 2',
      "7: the timeline's last billed_minutes 13 ≠ summary billing.billed_minutes 14",
    ]);
  });

  it('gives the same verdict on rows read back from CSV', () => {
    const r = run();
    const evCsv = stringify(r.events.map((e) => EVENT_COLUMNS.map((c) => e[c] ?? '')), { header: true, columns: [...EVENT_COLUMNS] });
    const rqCsv = stringify(r.requests!.map((q) => REQUEST_COLUMNS.map((c) => q[c] ?? '')), { header: true, columns: [...REQUEST_COLUMNS] });
    const back = { ...r, events: parseEventsCsv(evCsv), requests: parseRequestsCsv(rqCsv) };
    expect(back.events).toEqual(r.events);
    expect(back.requests).toEqual(r.requests);
    expect(checkInvariants(back, { tolerance: 1e-3 })).toEqual([]);
  });

  it('parseCsv handles quotes, doubled quotes and CRLF', () => {
    expect(parseCsv('a,b\r\n"x,1","say ""hi"""\r\n')).toEqual([
      ['a', 'b'],
      ['x,1', 'say "hi"'],
    ]);
  });
});
