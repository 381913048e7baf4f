/** Hand-built run outputs for the report tests: a short run with a fault, and a 7-day run. */
import { type Config } from '../src/model/config.js';
import { defaultConfig } from '../src/scenario/defaults.js';
import { TIMELINE_COLUMNS, type EventRow, type Summary, type TimelineRow } from '../src/model/summary.js';
import type { ReportInput } from '../src/report/render-report.js';

export function row(t: number, values: Partial<TimelineRow>): TimelineRow {
  const r = {} as TimelineRow;
  for (const c of TIMELINE_COLUMNS) r[c] = 0;
  r.t = t;
  r.latency_p50 = null;
  r.latency_p99 = null;
  return { ...r, ...values };
}

export function ev(t: number, replica: number | null, event: EventRow['event'], from: string | number | null = null, to: string | number | null = null, detail = ''): EventRow {
  return { t, replica, event, from, to, detail };
}

export function summary(over: Partial<Summary> = {}): Summary {
  return {
    scenario: 'fixture',
    seed: 7,
    duration_s: 600,
    platform: 'baseten-2025',
    requests: { arrived: 600, succeeded: 570, failed: 30, in_flight_at_end: 0, retried_attempts: 4, by_status: { '500': 26, '503': 4 } },
    availability: 0.95,
    latency_s: { mean: 1.1, p50: 0.8, p90: 2, p95: 2.5, p99: 4, max: 9 },
    queue_wait_s: { mean: 0.1, p99: 2 },
    replicas: { created: 2, peak: 2, mean: 1.9, restarts: 1, cold_starts: 2, traffic_stops: 1 },
    health: {
      faults: [
        {
          kind: 'cuda_error',
          replica: 0,
          at: 200,
          traffic_stopped_at: 240,
          restarted_at: 270,
          preempted_at: null,
          routable_again_at: 340,
          failed_requests_before_stop: 26,
        },
      ],
    },
    billing: { billed_minutes: 20, cost: 2.1666, cost_per_1k_succeeded: 3.8, minutes_not_serving: 5, price_per_minute: 0.10833 },
    warnings: ['a fault aimed at replica 5 found no such replica at 500 s'],
    ...over,
  };
}

/** Replica lifecycle rows for a cold start: scheduling → pulling → loading → ready → routable. */
export function coldStart(id: number, t: number, pull = 20, load = 60): EventRow[] {
  return [
    ev(t, id, 'state', null, 'scheduling'),
    ev(t + 5, id, 'state', 'scheduling', 'pulling'),
    ev(t + 5 + pull, id, 'state', 'pulling', 'loading'),
    ev(t + 5 + pull + load, id, 'state', 'loading', 'ready'),
    ev(t + 10 + pull + load, id, 'routable'),
  ];
}

/** 10 minutes, two replicas, a CUDA error on r0 at 200 s: stop at 240, restart at 270, routable at 340. */
export function shortRunWithFault(): ReportInput {
  const config: Config = defaultConfig();
  config.name = 'fixture';
  config.description = 'Two replicas; r0 hits a CUDA error & recovers <after> a restart.';
  config.duration = 600;
  config.deployment.autoscaling.min_replica = 2;
  config.deployment.autoscaling.max_replica = 4;
  config.deployment.runtime.health_checks.stop_traffic_threshold_seconds = 30;
  config.deployment.runtime.health_checks.restart_threshold_seconds = 60;
  const events: EventRow[] = [
    ev(0, null, 'scale_up', 0, 2, 'avg_in_flight=0;desired=2'),
    ...coldStart(0, 0),
    ...coldStart(1, 0, 25, 70),
    ev(200, 0, 'fault', null, null, 'kind=cuda_error'),
    ev(240, 0, 'traffic_stopped', null, null, 'failures=3'),
    ev(270, 0, 'restart', null, null, 'cause=liveness;backoff=0'),
    ev(270, 0, 'state', 'ready', 'loading'),
    ev(330, 0, 'state', 'loading', 'ready'),
    ev(340, 0, 'routable'),
    ev(295, null, 'scale_up', 2, 3, 'avg_in_flight=2.1;desired=3'),
  ];
  events.sort((a, b) => a.t - b.t);
  const timeline: TimelineRow[] = [];
  for (let t = 10; t <= 600; t += 10) {
    const r0 = t <= 95 ? 'start' : t < 240 ? 'routable' : t < 270 ? 'stopped' : t < 330 ? 'start' : t < 340 ? 'waiting' : 'routable';
    const r1 = t <= 100 ? 'start' : t < 105 ? 'waiting' : 'routable';
    const states = [r0, r1];
    const count = (s: string) => states.filter((x) => x === s).length;
    const routable = count('routable');
    const failing = t > 200 && t <= 240;
    const failed500 = failing ? 6 : 0;
    const failed503 = t === 280 ? 4 : 0;
    const succeeded = routable > 0 ? 10 - failed500 - failed503 : 0;
    timeline.push(
      row(t, {
        arrivals: 10,
        succeeded,
        failed: failed500 + failed503,
        failed_500: failed500,
        failed_503: failed503,
        in_flight: routable === 0 ? 12 : 1,
        queued: routable === 0 ? 11 : 0,
        replicas: 2,
        starting: count('start'),
        ready: routable + count('stopped') + count('waiting'),
        routable,
        traffic_stopped: count('stopped'),
        backoff: 0,
        desired: t >= 300 ? 3 : 2,
        window_avg_in_flight: 1,
        billed_minutes: Math.ceil((2 * Math.max(0, t - 30)) / 60),
        cost: Math.ceil((2 * Math.max(0, t - 30)) / 60) * 0.10833,
        latency_p50: succeeded > 0 ? 0.8 + (t % 50) / 100 : null,
        latency_p99: succeeded > 0 ? (t > 330 && t < 400 ? 60 : 3 + (t % 30) / 10) : null,
      }),
    );
  }
  return { config, summary: summary(), timeline, events };
}

/**
 * Seven days at 10 s (60,480 rows) with diurnal traffic; the autoscaler moves between 2 and 6
 * replicas each day (so 60-odd replicas are created over the week), and r1 crash-loops for a
 * day (hundreds of restarts).
 */
export function sevenDayRun(): ReportInput {
  const day = 86400;
  const duration = 7 * day;
  const config = defaultConfig();
  config.name = 'seven-days';
  config.duration = duration;
  config.platform = 'baseten-2026';
  config.deployment.runtime.health_checks.startup_threshold_seconds = 600;
  config.deployment.autoscaling.min_replica = 2;
  config.deployment.autoscaling.max_replica = 6;
  const events: EventRow[] = [];
  let nextId = 0;
  const alive: number[] = [];
  const spawn = (t: number) => {
    const id = nextId++;
    events.push(...coldStart(id, t));
    alive.push(id);
  };
  const kill = (t: number) => {
    const id = alive.pop()!;
    events.push(ev(t, id, 'state', 'ready', 'terminating'), ev(t + 30, id, 'state', 'terminating', 'terminated'));
  };
  spawn(0);
  spawn(0);
  for (let d = 0; d < 7; d++) {
    for (let k = 0; k < 4; k++) spawn(d * day + 8 * 3600 + k * 1800);
    for (let k = 0; k < 4; k++) kill(d * day + 20 * 3600 + k * 1800);
  }
  // r1 crash-loops during day 2: a restart every ~5 min.
  for (let t = 2 * day; t < 3 * day; t += 300) {
    events.push(
      ev(t, 1, 'fault', null, null, 'kind=crash'),
      ev(t, 1, 'restart', null, null, 'cause=crash;backoff=60'),
      ev(t, 1, 'state', 'ready', 'backoff'),
      ev(t + 60, 1, 'state', 'backoff', 'loading'),
      ev(t + 120, 1, 'state', 'loading', 'ready'),
      ev(t + 130, 1, 'routable'),
    );
  }
  events.push(ev(5 * day, 0, 'fault', null, null, 'kind=hang'), ev(5 * day + 30, 0, 'traffic_stopped', null, null, 'failures=3'));
  events.push(ev(5 * day + 60, 0, 'restart', null, null, 'cause=liveness;backoff=0'), ev(5 * day + 60, 0, 'state', 'ready', 'loading'));
  events.push(ev(5 * day + 120, 0, 'state', 'loading', 'ready'), ev(5 * day + 130, 0, 'routable'));
  events.sort((a, b) => a.t - b.t);
  const timeline: TimelineRow[] = [];
  let billed = 0;
  for (let t = 10; t <= duration; t += 10) {
    const h = (t % day) / 3600;
    const busy = h >= 8.5 && h < 20;
    const rate = 3 + 2 * Math.sin(((h - 8) / 24) * 2 * Math.PI);
    const replicas = busy ? 6 : 2;
    billed += replicas / 6;
    const crashDay = t >= 2 * day && t < 3 * day;
    timeline.push(
      row(t, {
        arrivals: Math.round(rate * 10),
        succeeded: Math.round(rate * 10) - (crashDay ? 1 : 0),
        failed: crashDay ? 1 : 0,
        failed_503: crashDay ? 1 : 0,
        in_flight: Math.round(rate),
        queued: 0,
        replicas,
        starting: 0,
        ready: replicas,
        routable: replicas - (crashDay ? 1 : 0),
        backoff: crashDay ? 1 : 0,
        desired: replicas,
        window_avg_in_flight: rate,
        billed_minutes: Math.ceil(billed),
        cost: Math.ceil(billed) * 0.10833,
        latency_p50: 0.8,
        latency_p99: 3 + (crashDay ? 20 : 0),
      }),
    );
  }
  const s = summary({
    scenario: 'seven-days',
    duration_s: duration,
    platform: 'baseten-2026',
    replicas: { created: nextId, peak: 6, mean: 3.6, restarts: 289, cold_starts: nextId, traffic_stops: 1 },
    health: { faults: [{ kind: 'hang', replica: 0, at: 5 * day, traffic_stopped_at: 5 * day + 30, restarted_at: 5 * day + 60, preempted_at: null, routable_again_at: 5 * day + 130, failed_requests_before_stop: 3 }] },
    billing: { billed_minutes: Math.ceil(billed), cost: Math.ceil(billed) * 0.10833, cost_per_1k_succeeded: 0.4, minutes_not_serving: 700, price_per_minute: 0.10833 },
    warnings: [],
  });
  return { config, summary: s, timeline, events };
}

/**
 * Two hours of churn: 200 replicas, each up for 10–40 min, about 60 at once at the peak, so
 * the lanes must pack (more than 40 replicas) and shrink (more than 40 lanes).
 */
export function manyReplicasRun(): ReportInput {
  const duration = 7200;
  const events: EventRow[] = [];
  for (let i = 0; i < 200; i++) {
    const start = Math.floor((i * 6000) / 200);
    const life = 600 + ((i * 7919) % 1800);
    events.push(...coldStart(i, start, 10, 30));
    if (i % 9 === 4) {
      events.push(ev(start + 200, i, 'fault', null, null, 'kind=hang'), ev(start + 230, i, 'traffic_stopped', null, null, 'failures=3'));
      events.push(ev(start + 260, i, 'restart', null, null, 'cause=liveness;backoff=0'), ev(start + 260, i, 'state', 'ready', 'loading'));
      events.push(ev(start + 290, i, 'state', 'loading', 'ready'), ev(start + 300, i, 'routable'));
    }
    if (start + life < duration) {
      events.push(ev(start + life, i, 'state', 'ready', 'terminating'), ev(start + life + 20, i, 'state', 'terminating', 'terminated'));
    }
  }
  events.sort((a, b) => a.t - b.t);
  const hs = new Map<number, number>();
  const timeline: TimelineRow[] = [];
  for (let t = 10; t <= duration; t += 10) {
    for (const e of events) if (e.t <= t && e.t > t - 10 && e.event === 'state') hs.set(e.replica!, e.to === 'terminated' || e.to === 'terminating' ? 0 : 1);
    const n = [...hs.values()].reduce((a, v) => a + v, 0);
    timeline.push(row(t, { arrivals: n * 5, succeeded: n * 5, replicas: n, ready: n, routable: n, desired: n, in_flight: n, billed_minutes: t, cost: t * 0.02, latency_p50: 0.5, latency_p99: 1.5 }));
  }
  const config = defaultConfig();
  config.name = 'many-replicas';
  config.duration = duration;
  config.deployment.autoscaling.max_replica = 80;
  return {
    config,
    summary: summary({ scenario: 'many-replicas', duration_s: duration, health: { faults: [] }, warnings: [] }),
    timeline,
    events,
  };
}
