import { describe, expect, it } from 'vitest';
import { checkInvariants, formatViolations } from '../src/check/invariants.js';
import type { Config, Fault } from '../src/model/config.js';
import { config, eventTimes, runCollect } from './helpers/run-model.js';

/**
 * SPEC §7 crash_loop: while in force, every container of the replica that starts crashes `after`
 * s after its start; one already running at `at` crashes when `after` old (at once if older);
 * several in force: the smallest `after` wins; a container started while a loop was in force still
 * crashes after the loop ends. CrashLoopBackOff (SPEC §2): 0, 10, 20, 40, 80, 160, 300 s.
 */

const loop = (at: number, after: number, duration: number | null): Fault => ({
  kind: 'crash_loop',
  at,
  mtbf: null,
  duration,
  probability: 0,
  factor: 1,
  after,
  replica: { kind: 'index', index: 0 },
});

function warm(faults: Fault[]): Config {
  return config((c) => {
    c.duration = 1000;
    c.deployment.initial_state = 'warm';
    c.deployment.autoscaling = { ...c.deployment.autoscaling, min_replica: 1, max_replica: 1 };
    c.deployment.startup.load = { dist: 'constant', value: 5 };
    c.faults = faults;
  });
}

function runChecked(cfg: Config) {
  const out = runCollect(cfg);
  const v = checkInvariants({ config: cfg, summary: out.summary, events: out.events, requests: out.requests, samples: out.timeline });
  expect(v, formatViolations(v)).toEqual([]);
  return out;
}

describe('SPEC §7 crash_loop', () => {
  it('two loops in force: the smallest after wins; when the short one ends, the long one rules', () => {
    // X at 100: after 30, duration 200 (in force 100–300). Y at 150: after 80, to the end.
    // Warm container from 0 is 100 s old at 100 > 30 → crashes at once: restart 100 (back-off 0) →
    //   container 100 (X) → crash 130 → back-off 10 → container 140 (X) → crash 170;
    //   Y at 150: container 140 would crash at 220, but X's crash at 170 comes first;
    //   → back-off 20 → container 190 (X 30, Y 80: 30) → crash 220 → back-off 40 → container 260
    //   (X still in force) → crash 290 → back-off 80 → container 370 (X over, Y: 80) → crash 450
    //   → back-off 160 → container 610 → crash 690 → back-off 300 → container 990 → 1070, past the end.
    const { events } = runChecked(warm([loop(100, 30, 200), loop(150, 80, null)]));
    expect(eventTimes(events, 'restart', 0)).toEqual([100, 130, 170, 220, 290, 450, 690]);
    expect(events.filter((e) => e.event === 'restart').map((e) => e.detail)).toEqual(
      [0, 10, 20, 40, 80, 160, 300].map((b) => `cause=crash;backoff=${b}`),
    );
    const starts = events.filter((e) => e.event === 'state' && e.to === 'loading').map((e) => e.t);
    expect(starts).toEqual([100, 140, 190, 260, 370, 610, 990]);
  });

  it('a container started while the loop was in force still crashes after the loop ended', () => {
    // Z at 100: after 30, duration 10 (in force 100–110). The warm container (100 s old) crashes at
    // 100 → container 100 starts in force → crashes at 130, after Z ended → back-off 10 → container
    // at 140, no loop in force: runs to the end. Two restarts.
    const { events } = runChecked(warm([loop(100, 30, 10)]));
    expect(eventTimes(events, 'restart', 0)).toEqual([100, 130]);
    expect(events.filter((e) => e.event === 'state' && e.to === 'loading').map((e) => e.t)).toEqual([100, 140]);
  });

  it('a running container younger than after crashes when it is after old', () => {
    // Loop at 100, after 150, to the end: warm container (from 0) crashes at 150 → container 150 →
    // 300 (back-off 10) → container 310 → 460 (back-off 20) → container 480 → 630 (40) → container
    // 670 → 820 (80) → container 900 → 1050, past the end.
    const { events } = runChecked(warm([loop(100, 150, null)]));
    expect(eventTimes(events, 'restart', 0)).toEqual([150, 300, 460, 630, 820]);
  });
});
