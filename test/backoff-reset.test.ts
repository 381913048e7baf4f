import { describe, expect, it } from 'vitest';
import { checkInvariants, formatViolations } from '../src/check/invariants.js';
import type { Fault } from '../src/model/config.js';
import { config, eventTimes, runCollect } from './helpers/run-model.js';

/** SPEC §2: the back-off resets when 600 s or more pass between two restarts (restart to restart). */
const crash = (at: number): Fault => ({ kind: 'crash', at, mtbf: null, duration: null, probability: 0, factor: 1, after: 0, replica: { kind: 'index', index: 0 } });

function run(third: number) {
  const cfg = config((c) => {
    c.duration = 1000;
    c.deployment.initial_state = 'warm';
    c.deployment.autoscaling = { ...c.deployment.autoscaling, min_replica: 1, max_replica: 1 };
    c.deployment.startup.load = { dist: 'constant', value: 5 };
    c.faults = [crash(100), crash(200), crash(third)];
  });
  const out = runCollect(cfg);
  const v = checkInvariants({ config: cfg, summary: out.summary, events: out.events, requests: out.requests, samples: out.timeline });
  expect(v, formatViolations(v)).toEqual([]);
  return out.events;
}

describe('SPEC §2 back-off reset, restart to restart', () => {
  // Crash at 100: first restart, back-off 0 → container 100. Crash at 200: 100 s later, back-off 10
  // → container 210. The third crash comes 599 or 600 s after the restart at 200 (589 or 590 s
  // after the container started at 210: only restart to restart reaches 600).
  it('599 s after the last restart: the loop goes on, back-off 20 (container at 819)', () => {
    const ev = run(799);
    expect(eventTimes(ev, 'restart', 0)).toEqual([100, 200, 799]);
    expect(ev.filter((e) => e.event === 'restart').map((e) => e.detail)).toEqual(['cause=crash;backoff=0', 'cause=crash;backoff=10', 'cause=crash;backoff=20']);
    expect(ev.filter((e) => e.event === 'state' && e.to === 'loading').map((e) => e.t)).toEqual([100, 210, 819]);
  });

  it('600 s after the last restart: the back-off resets, 0 (container at 800)', () => {
    const ev = run(800);
    expect(ev.filter((e) => e.event === 'restart').map((e) => e.detail)).toEqual(['cause=crash;backoff=0', 'cause=crash;backoff=10', 'cause=crash;backoff=0']);
    expect(ev.filter((e) => e.event === 'state' && e.to === 'loading').map((e) => e.t)).toEqual([100, 210, 800]);
  });
});
