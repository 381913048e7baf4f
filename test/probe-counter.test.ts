import { describe, expect, it } from 'vitest';
import { nextBackoff, NO_BACKOFF, type BackoffState } from '../src/model/crash-loop-backoff.js';
import { checksFor, newCounter, observe, type ProbeCounter } from '../src/model/probe-counter.js';

/** Feed a sequence like 'FFSF' and return the published result after each check. */
function feed(c: ProbeCounter, seq: string, threshold: number): string {
  let out = '';
  for (const ch of seq) {
    c = observe(c, ch === 'S', threshold).next;
    out += c.passing ? 'P' : '-';
  }
  return out;
}

describe('probe counters (kubelet resultRun semantics)', () => {
  it.each([
    ['liveness, threshold 3: flips only on the 3rd failure in a row', true, 'FFSFFF', 3, 'PPPPP-'],
    ['liveness: a success resets the run', true, 'FFSFFSFF', 3, 'PPPPPPPP'],
    ['readiness starts failing and passes on one success', false, 'FFS', 3, '--P'],
    ['readiness: stops after 3 failures, resumes on one success', false, 'SFFFS', 3, 'PPP-P'],
    ['threshold 1: every failure publishes failing', true, 'FSF', 1, '-P-'],
  ])('%s', (_name, initial, seq, threshold, expected) => {
    expect(feed(newCounter(initial), seq, threshold)).toBe(expected);
  });

  it('reports a change only when the published result flips', () => {
    let c = newCounter(true);
    const changes: boolean[] = [];
    for (const ok of [false, false, false, false, true, true]) {
      const r = observe(c, ok, 3);
      changes.push(r.changed);
      c = r.next;
    }
    expect(changes).toEqual([false, false, true, false, true, false]);
  });

  it.each([
    [60, 10, 6], // [hc-2026]: "60 s, six consecutive failed checks"
    [30, 10, 3],
    [35, 10, 4],
    [10, 10, 1],
    [1800, 10, 180],
  ])('threshold %s s at period %s s → %s checks', (t, p, n) => expect(checksFor(t, p)).toBe(n));
});

describe('CrashLoopBackOff', () => {
  function waits(times: number[]): number[] {
    let s: BackoffState = NO_BACKOFF;
    return times.map((t) => {
      const r = nextBackoff(s, t);
      s = r.next;
      return r.delay;
    });
  }

  it('first restart immediate, then 10, 20, 40, 80, 160, 300, 300 s', () => {
    expect(waits([0, 10, 30, 60, 110, 200, 370, 680])).toEqual([0, 10, 20, 40, 80, 160, 300, 300]);
  });

  it('resets after 600 s without a restart', () => {
    expect(waits([0, 10, 30, 630])).toEqual([0, 10, 20, 0]);
    expect(waits([0, 10, 30, 629])).toEqual([0, 10, 20, 40]);
  });
});
