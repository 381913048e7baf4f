import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventRow, Summary } from '../src/model/summary.js';
import { simulate } from '../src/run.js';
import { loadScenario } from '../src/scenario/load.js';

/**
 * Every file in scenarios/ validates and runs, and its summary shows what its
 * comment block claims (the times below are the ones the comments state).
 */
const dir = path.resolve(import.meta.dirname, '../scenarios');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

function run(file: string): { summary: Summary; events: EventRow[] } {
  const { config } = loadScenario(path.join(dir, file));
  const events: EventRow[] = [];
  const summary = simulate(config, { event: (e) => events.push(e) });
  return { summary, events };
}

const at = (events: EventRow[], name: string, replica?: number) =>
  events.filter((e) => e.event === name && (replica === undefined || e.replica === replica)).map((e) => e.t);

const claims: Record<string, (s: Summary, events: EventRow[]) => void> = {
  'steady-warm.yaml': (s) => {
    expect(s.replicas.restarts).toBe(0);
    // M/M/4 at λ = 3, μ = 1: Erlang C gives a mean sojourn of 1.51 s; one seed of an hour is within 10 %.
    expect(s.latency_s.mean!).toBeGreaterThan(1.36);
    expect(s.latency_s.mean!).toBeLessThan(1.66);
  },
  'cold-start.yaml': (s, ev) => {
    expect(at(ev, 'routable', 0)[0]).toBeGreaterThan(60); // schedule + pull + load
    expect(s.latency_s.max!).toBeGreaterThan(60); // the first requests waited for it
    expect(s.replicas.peak).toBeGreaterThan(1);
  },
  'azure-conv-trace.yaml': (s) => {
    expect(s.requests.arrived).toBe(19_366);
    expect(s.requests.failed).toBe(0);
  },
  'faq-restart-before-stop.yaml': (s) => {
    expect(s.replicas.restarts).toBe(1);
    expect(s.replicas.traffic_stops).toBe(0);
    expect(s.health.faults[0]).toMatchObject({ restarted_at: 630, traffic_stopped_at: null });
  },
  'faq-stop-traffic-first.yaml': (s) => {
    expect(s.health.faults[0]).toMatchObject({ at: 600, traffic_stopped_at: 620, restarted_at: 680 });
  },
  'faq-check-delay.yaml': (s, ev) => {
    expect(s.replicas.restarts).toBe(0);
    expect(at(ev, 'routable', 0)).toEqual([205]); // container at 25 s + 3 min load
  },
  'faq-two-failure-logs.yaml': (_s, ev) => {
    expect(at(ev, 'traffic_stopped', 0)).toEqual([321]);
    expect(at(ev, 'restart', 0)).toEqual([351]);
    expect(ev.find((e) => e.event === 'restart')!.detail).toMatch(/^cause=liveness/);
  },
  'faq-billing-failing-checks.yaml': (s) => {
    expect(s.health.faults[0]).toMatchObject({ traffic_stopped_at: 320, restarted_at: 2090 });
    expect(s.billing.minutes_not_serving).toBeGreaterThan(29);
  },
  'faq-scale-down-failing.yaml': (s, ev) => {
    expect(at(ev, 'traffic_stopped', 0)).toEqual([740]);
    const down = ev.find((e) => e.event === 'scale_down')!;
    expect([down.from, down.to]).toEqual([1, 0]);
    expect(down.t).toBeGreaterThan(600 + 900);
    expect(down.t).toBeLessThan(600 + 60 + 900 + 20);
    expect(s.billing.billed_minutes).toBe(Math.ceil(down.t / 60));
  },
  'http-5xx.yaml': (s) => {
    expect(s.replicas.traffic_stops).toBe(1);
    expect(s.replicas.restarts).toBe(1);
    expect(s.requests.by_status['500']).toBeGreaterThan(0);
  },
  'cuda-error.yaml': (s) => {
    expect(s.health.faults[0]).toMatchObject({ at: 1200, traffic_stopped_at: 1220, restarted_at: 1250, preempted_at: null, routable_again_at: 1370 });
    expect(s.replicas.restarts).toBe(1);
  },
  'hang.yaml': (s, ev) => {
    expect(at(ev, 'traffic_stopped', 0)).toEqual([921]);
    expect(at(ev, 'restart', 0)).toEqual([951]);
    expect(s.requests.failed).toBe(0); // stuck requests were retried elsewhere
  },
  'crash-loop.yaml': (_s, ev) => {
    const waits = ev.filter((e) => e.event === 'restart' && e.replica === 1).map((e) => Number(e.detail.split('backoff=')[1]));
    expect(waits.slice(0, 8)).toEqual([0, 10, 20, 40, 80, 160, 300, 300]);
  },
  'traffic-spike.yaml': (s, ev) => {
    const up = ev.find((e) => e.event === 'scale_up')!;
    expect(up.t).toBeGreaterThanOrEqual(1200);
    expect(s.replicas.peak).toBeGreaterThan(4);
    expect(ev.some((e) => e.event === 'scale_down' && e.t > 1800)).toBe(true);
  },
  'diurnal-day.yaml': (s) => {
    expect(s.replicas.peak).toBeGreaterThan(s.replicas.mean + 1);
    expect(s.requests.failed).toBe(0);
  },
  'scale-to-zero-trace.yaml': (s, ev) => {
    const scale = ev.filter((e) => e.event.startsWith('scale_'));
    expect(scale[0]).toMatchObject({ event: 'scale_down', from: 1, to: 0 });
    const wake = scale.find((e) => e.event === 'scale_up' && e.from === 0)!;
    expect(wake.t).toBeGreaterThanOrEqual(1800);
    expect(wake.t).toBeLessThan(1801);
    expect(s.latency_s.max!).toBeGreaterThan(60); // waited for the cold start
    expect(scale.at(-1)).toMatchObject({ event: 'scale_down', to: 0 });
  },
  'failing-replica-spike.yaml': (s) => {
    expect(s.health.faults[0]!.traffic_stopped_at).toBe(860);
    expect(s.replicas.peak).toBeGreaterThan(3);
  },
};

describe('scenarios/', () => {
  it('every scenario file has its claims tested', () => {
    const untested = files.filter((f) => !claims[f] && !f.startsWith('check-'));
    expect(untested).toEqual([]);
  });

  it.each(files)('%s validates and runs', (file) => {
    const { summary, events } = run(file);
    const r = summary.requests;
    expect(r.arrived).toBe(r.succeeded + r.failed + r.in_flight_at_end);
    claims[file]?.(summary, events);
  });
});
