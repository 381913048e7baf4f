/**
 * Issue 13: a fault record counts the restarts that followed it (`restarts`), so the CLI's fault
 * line and the report's fault table say "restarted 8 times (crash loop), never routable again"
 * instead of "restarted +0 s" for a replica that then kept restarting. Expected counts are worked
 * by hand from SPEC §2 (CrashLoopBackOff: first restart at once, then 10, 20, 40, 80, 160, 300 s;
 * reset only after 600 s between restarts) and §3 (a check every 10 s from container start +
 * delay; a threshold of T s = ceil(T / 10) failed checks; baseten-2025 fails checks while loading).
 */
import { describe, expect, it } from 'vitest';
import type { Fault } from '../src/model/config.js';
import { faultRecovery, formatSummary } from '../src/cli/format-summary.js';
import { faultTableHtml } from '../src/report/header.js';
import { config, eventTimes, runCollect } from './helpers/run-model.js';

const fault = (kind: Fault['kind'], at: number, after = 0): Fault => ({ kind, at, mtbf: null, duration: null, probability: 0, factor: 1, after, replica: { kind: 'index', index: 0 } });

describe('a load longer than delay + restart threshold: a certain crash loop', () => {
  // One warm replica; load() takes 120 s; restart threshold 30 s = 3 failed checks, delay 0, baseten-2025.
  // A crash at 60 s kills the container: restart 1 at 60 (back-off 0). Each new container starts
  // loading at s and fails its checks at s, s + 10, s + 20 (still loading: 120 s > 0 + 30 s), so
  // liveness kills it at s + 20, and the next one starts after the back-off:
  //   restart 1   60 (crash)        → start 60
  //   restart 2   80 (liveness)     → back-off 10  → start 90
  //   restart 3  110                → back-off 20  → start 130
  //   restart 4  150                → back-off 40  → start 190
  //   restart 5  210                → back-off 80  → start 290
  //   restart 6  310                → back-off 160 → start 470
  //   restart 7  490                → back-off 300 → start 790   (restart to restart 180 s: no reset)
  //   restart 8  810                → back-off 300 → start 1110, after the end (900 s)
  // 8 restarts, the first at +0 s; never routable again.
  const cfg = config((c) => {
    c.duration = 900;
    c.platform = 'baseten-2025';
    c.deployment.initial_state = 'warm';
    c.deployment.autoscaling = { ...c.deployment.autoscaling, min_replica: 1, max_replica: 1 };
    c.deployment.startup = { ...c.deployment.startup, load: { dist: 'constant', value: 120 } };
    c.deployment.runtime.health_checks.stop_traffic_threshold_seconds = 30;
    c.deployment.runtime.health_checks.restart_threshold_seconds = 30;
    c.deployment.runtime.health_checks.restart_check_delay_seconds = 0;
    c.traffic = [];
    c.faults = [fault('crash', 60)];
  });
  const out = runCollect(cfg);
  const f = out.summary.health.faults[0]!;

  it('restarts at 60, 80, 110, 150, 210, 310, 490 and 810 s', () => {
    expect(eventTimes(out.events, 'restart', 0)).toEqual([60, 80, 110, 150, 210, 310, 490, 810]);
  });
  it('the fault record counts the 8 restarts and says the replica never was routable again', () => {
    expect(f).toMatchObject({ kind: 'crash', replica: 0, at: 60, restarted_at: 60, restarts: 8, routable_again_at: null });
  });
  it('the CLI fault line: "restarted 8 times from +0 s (crash loop), never routable again"', () => {
    expect(faultRecovery(f)).toBe('restarted 8 times from +0 s (crash loop), never routable again');
    expect(formatSummary(out.summary, 'out')).toContain('fault         crash on replica 0 at 1m: traffic never stopped, restarted 8 times from +0 s (crash loop), never routable again');
  });
  it('the report\'s fault table: the first restart, 8 restarts (crash loop), routable again never', () => {
    const html = faultTableHtml(out.summary);
    expect(html).toContain('<td class="crash-loop">1m <small>(+0 s)</small><br><b>8 restarts</b> <small>(crash loop)</small></td><td class="none">never</td>');
  });
});

describe('a crash_loop fault counts its restarts to the end of the run, routable windows aside', () => {
  // Warm replica, load 20 s, default thresholds (1800 s: no liveness kill). crash_loop at 300 s,
  // after 45 s: the warm container started at 0, so it crashes at once (300); every new container
  // crashes 45 s after it starts. A new container loads 20 s and passes its check at start + 20
  // (the load ends at that instant, before the check): routable from 320 until the crash at 345.
  //   restart 1 300 → start 300 (routable 320)   restart 2 345 → back-off 10  → start 355
  //   restart 3 400 → back-off 20  → start 420    restart 4 465 → back-off 40  → start 505
  //   restart 5 550 → back-off 80  → start 630    restart 6 675 → back-off 160 → start 835
  //   restart 7 880 → back-off 300 → start 1180, after the end (1000 s)
  const cfg = config((c) => {
    c.duration = 1000;
    c.deployment.initial_state = 'warm';
    c.deployment.autoscaling = { ...c.deployment.autoscaling, min_replica: 1, max_replica: 1 };
    c.deployment.startup = { ...c.deployment.startup, load: { dist: 'constant', value: 20 } };
    c.traffic = [];
    c.faults = [fault('crash_loop', 300, 45)];
  });
  const out = runCollect(cfg);
  const f = out.summary.health.faults[0]!;

  it('7 restarts, the first routable window from +20 s not counted as a recovery', () => {
    expect(eventTimes(out.events, 'restart', 0)).toEqual([300, 345, 400, 465, 550, 675, 880]);
    expect(f).toMatchObject({ kind: 'crash_loop', restarted_at: 300, restarts: 7, routable_again_at: 320 });
    expect(faultRecovery(f)).toBe('restarted 7 times from +0 s (crash loop), routable between crashes from +20 s');
  });
});

describe('one restart, and a summary.json written before restarts were counted', () => {
  const base = { kind: 'cuda_error', replica: 0, at: 100, traffic_stopped_at: 130, preempted_at: null, failed_requests_before_stop: 2 };
  it.each([
    ['one restart, routable after it', { restarted_at: 160, restarts: 1, routable_again_at: 190 }, 'restarted +1m, routable again +1m 30s'],
    ['no restart, traffic resumed', { restarted_at: null, restarts: 0, routable_again_at: 140 }, 'restarted never, routable again +40 s'],
    ['no restart, never routable again (no "never routable again" without a restart)', { restarted_at: null, restarts: 0, routable_again_at: null }, 'restarted never, routable again never'],
    ['an old summary without restarts', { restarted_at: 160, routable_again_at: 190 }, 'restarted +1m, routable again +1m 30s'],
  ] as const)('%s', (_name, rec, want) => {
    expect(faultRecovery({ ...base, ...rec })).toBe(want);
  });
});
