import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { defaultConfig } from '../src/scenario/defaults.js';
import { checkInvariants } from '../src/check/invariants.js';
import { loadScenarioText } from '../src/scenario/load.js';
import { scenarioObject, SCENARIO_FILE, toConfig, type ScenarioObject } from './properties/arbitraries.js';
import { record, tally, tallyText } from './properties/harness.js';

const dir = mkdtempSync(path.join(tmpdir(), 'deploysim-harness-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the property harness', () => {
  it('counts how many held, shrinks the first failure and writes it as a runnable scenario file', () => {
    // A planted "invariant": runs longer than 10 minutes violate it. Shrinking must find exactly 11 min.
    const judge = (s: ScenarioObject) => ({
      violations: (s.duration as number) > 600 ? [{ invariant: 9 as const, message: `duration ${s.duration as number} s > 600 s` }] : [],
      crash: null,
    });
    const t = tally(scenarioObject(), 50, 7, dir, judge);
    expect(t.runs).toBe(50);
    expect(t.held).toBeGreaterThan(0);
    expect(t.held).toBeLessThan(50);
    expect(tallyText(t)).toBe(`50 scenarios: ${t.held} held, ${50 - t.held} violated (invariant 9: ${50 - t.held})`);
    const text = readFileSync(t.counterexample!.file, 'utf8');
    expect(text).toContain('#   invariant 9 (time order): duration 660 s > 600 s');
    // The file is a valid scenario that reproduces the failure.
    const loaded = loadScenarioText(text, t.counterexample!.file);
    expect(loaded.config.duration).toBe(660);
    expect(judge(parse(text) as ScenarioObject).violations).toHaveLength(1);
  });

  it('every generated scenario is valid (a generator bug would only show as skipped coverage)', () => {
    const t = tally(scenarioObject(), 200, 11, dir, (s) => {
      toConfig(s); // throws a ScenarioError with file:line:col messages if invalid
      return { violations: [], crash: null };
    });
    expect(t.held).toBe(200);
  });

  it('the checker catches a doctored real run: a dispatch moved into a traffic stop, a stop moved earlier', () => {
    const c = defaultConfig();
    c.duration = 900;
    c.traffic = [{ kind: 'poisson', rate: 1, start: 0, end: null }];
    c.deployment.runtime.health_checks.stop_traffic_threshold_seconds = 30;
    c.deployment.runtime.health_checks.restart_threshold_seconds = 600;
    c.deployment.is_healthy = { rule: 'after_fault', fault: 'cuda_error' };
    c.faults = [{ kind: 'cuda_error', at: 300, mtbf: null, duration: null, probability: 0, factor: 1, after: 0, replica: { kind: 'index', index: 0 } }];
    c.output.requests = true;
    const run = record(c);
    expect(checkInvariants({ config: c, ...run })).toEqual([]);
    const stop = run.events.find((e) => e.event === 'traffic_stopped')!;
    expect(stop.t).toBe(320);

    const requests = run.requests.map((r) => ({ ...r }));
    const victim = requests.find((r) => r.dispatched !== null && r.dispatched < 300)!;
    victim.dispatched = 321.5;
    victim.finished = 322.5;
    victim.latency = 322.5 - victim.arrival;
    const v1 = checkInvariants({ config: c, ...run, requests });
    // (It also waited 320 s in the queue beside an idle replica: the router check says so too.)
    expect(v1).toContainEqual({ invariant: 1, t: 321.5, message: `request ${victim.id} dispatched at 321.5 s to replica 0, which stopped traffic at 320 s` });

    // The checker knows nothing of health, only that 3 failed checks must follow the last pass.
    const routable = run.events.find((e) => e.event === 'routable' && e.replica === 0)!.t;
    const events = run.events.map((e) => (e === stop ? { ...e, t: routable + 20 } : e)).sort((a, b) => a.t - b.t);
    const v2 = checkInvariants({ config: c, ...run, events });
    expect(v2.filter((v) => v.invariant === 2).map((v) => v.message)).toEqual([
      // failures=3 cannot be the run either: only the checks at +10 and +20 came after the pass.
      `replica 0 stopped traffic at ${routable + 20} s with failures=3, but the rows give a run of 0–2 failed checks (at most 2 checks since the last pass at ${routable} s)`,
      `replica 0 stopped traffic at ${routable + 20} s, 10 s too early: 3 failed checks need until ${routable + 30} s (last passing check at ${routable} s + 3 × 10 s)`,
    ]);
  });

  it('SCENARIO_FILE sits next to the trace fixture', () => {
    expect(readFileSync(path.join(path.dirname(SCENARIO_FILE), 'small-trace.csv'), 'utf8').split(/\r?\n/)[0]).toBe('TIMESTAMP,ContextTokens,GeneratedTokens');
  });
});
