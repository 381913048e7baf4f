import { describe, expect, it } from 'vitest';
import { stream } from '../src/engine/random.js';
import type { Config, Fault } from '../src/model/config.js';
import { loadScenarioText } from '../src/scenario/load.js';
import { config, eventTimes, runCollect } from './helpers/run-model.js';

/**
 * SPEC §7: a recurring fault's occurrences form a Poisson process from `at`: the first at `at`
 * when `at` is written, else at an exponential draw from 0; a single fault fires at `at`, 0 when
 * not written. The config tells the two apart: `at: null` = not written.
 */

const MTBF = 300;

function run(at: number | null, mtbf: number | null, seed = 7): number[] {
  const f: Fault = { kind: 'slowdown', at, mtbf, duration: 1, probability: 0, factor: 2, after: 0, replica: { kind: 'all' } };
  const cfg: Config = config((c) => {
    c.seed = seed;
    c.duration = 1000;
    c.deployment.initial_state = 'warm';
    c.deployment.autoscaling = { ...c.deployment.autoscaling, min_replica: 1, max_replica: 1 };
    c.faults = [f];
  });
  return eventTimes(runCollect(cfg).events, 'fault', 0);
}

describe('SPEC §7 recurring faults', () => {
  it('a single fault without `at` fires at 0, once', () => {
    expect(run(null, null)).toEqual([0]);
  });

  it('a recurring fault with `at: 0` written fires at 0, then at exponential gaps', () => {
    // The fault's stream is 'faults/0' under the seed; with replica: all no target is drawn, so the
    // gaps are −mtbf·ln(1 − u) for the stream's successive u.
    const u = stream(7, 'faults/0');
    const times = [0];
    for (;;) {
      const t = times[times.length - 1]! - MTBF * Math.log(1 - u());
      if (!(t < 1000)) break;
      times.push(t);
    }
    expect(run(0, MTBF).map((t) => Math.round(t * 1e6) / 1e6)).toEqual(times.map((t) => Math.round(t * 1e6) / 1e6));
  });

  it('a recurring fault without `at` does not fire at 0: its first occurrence is the first exponential draw from 0', () => {
    const u = stream(7, 'faults/0');
    const first = -MTBF * Math.log(1 - u());
    const second = first - MTBF * Math.log(1 - u());
    const got = run(null, MTBF);
    expect(got[0]).toBeCloseTo(first, 5);
    if (second < 1000) expect(got[1]).toBeCloseTo(second, 5);
    // Over 50 seeds, never at 0.
    for (let seed = 1; seed <= 50; seed++) expect(run(null, MTBF, seed)[0] ?? Infinity).toBeGreaterThan(0);
  });

  it('the scenario layer: `at` not written is null, written 0 is 0', () => {
    const text = (fault: string): string => ['traffic: [{ kind: poisson, rate: 1 }]', `faults: [${fault}]`].join('\n');
    const a = loadScenarioText(text('{ kind: crash, mtbf: 5m }'), 'a.yaml').config;
    const b = loadScenarioText(text('{ kind: crash, at: 0, mtbf: 5m }'), 'b.yaml').config;
    expect(a.faults[0]!.at).toBeNull();
    expect(b.faults[0]!.at).toBe(0);
  });
});
