/**
 * Property tests of the policy invariants (SPEC §11) over generated scenarios, judged by the
 * independent checker (src/check/invariants.ts), plus metamorphic properties (invariant 8 and
 * threshold monotonicity). `npm run test:deep` (DEPLOYSIM_DEEP=1) runs 10,000 scenarios.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { scenarioObject, scenarioYaml, toConfig, type ScenarioObject } from './properties/arbitraries.js';
import { record, tally, tallyText } from './properties/harness.js';

const DEEP = process.env.DEPLOYSIM_DEEP === '1';
const SEED = Number(process.env.DEPLOYSIM_SEED ?? 20261124);
const RUNS = DEEP ? 10_000 : 1_000;
const METAMORPHIC_RUNS = DEEP ? 2_000 : 200;
const TIMEOUT = DEEP ? 3 * 3600_000 : 120_000;

type Scn = ScenarioObject & { deployment: { runtime: { health_checks: Record<string, number> } }; platform: 'baseten-2025' | 'baseten-2026'; faults: unknown[] };

const SUM_LIMIT = { 'baseten-2025': 1800, 'baseten-2026': 3000 } as const;
const THRESHOLD_MAX = SUM_LIMIT;

function withHealth(s: ScenarioObject, change: Record<string, number>): ScenarioObject {
  const c = structuredClone(s) as Scn;
  Object.assign(c.deployment.runtime.health_checks, change);
  return c;
}

const firstTime = (rows: { t: number; event: string; detail: string }[], event: string, detail = ''): number =>
  rows.find((e) => e.event === event && e.detail.includes(detail))?.t ?? Infinity;

const arrivals = (s: ScenarioObject): number[] =>
  record(toConfig(s))
    .requests.map((r) => r.arrival)
    .sort((a, b) => a - b);

/** A scenario with at least one fault, and a larger value for one health threshold. */
function withBump(key: 'stop_traffic_threshold_seconds' | 'restart_threshold_seconds'): fc.Arbitrary<[ScenarioObject, ScenarioObject]> {
  return scenarioObject()
    .filter((s) => (s as Scn).faults.length > 0)
    .chain((s) => {
      const sc = s as Scn;
      const h = sc.deployment.runtime.health_checks;
      const cur = h[key]!;
      const max = key === 'restart_threshold_seconds' ? SUM_LIMIT[sc.platform] - h.restart_check_delay_seconds! : THRESHOLD_MAX[sc.platform];
      if (cur >= max) return fc.constant<[ScenarioObject, ScenarioObject]>([s, s]);
      return fc.integer({ min: cur + 1, max: Math.min(max, cur + 300) }).map((v): [ScenarioObject, ScenarioObject] => [s, withHealth(s, { [key]: v })]);
    });
}

function explain(a: ScenarioObject, b: ScenarioObject, what: string): string {
  const hb = (b as Scn).deployment.runtime.health_checks;
  return `${what}\n--- scenario A ---\n${scenarioYaml(a)}--- scenario B: the same with health_checks ${JSON.stringify(hb)} ---`;
}

describe('policy invariants over generated scenarios', () => {
  it(
    `hold in ${RUNS} random scenarios (seed ${SEED})`,
    () => {
      const t = tally(scenarioObject(), RUNS, SEED);
      // The count is the point of test:deep; in CI it documents coverage.
      console.log(`invariants: ${tallyText(t)}`);
      if (t.counterexample) {
        console.log(`shrunk counterexample (${t.counterexample.file}):\n${t.counterexample.yaml}`);
      }
      expect(t.counterexample?.report ?? '', t.counterexample?.yaml).toBe('');
      expect(t.held).toBe(t.runs);
    },
    TIMEOUT,
  );
});

describe('metamorphic properties (fixed faults and seed)', () => {
  it(
    'a higher stop_traffic_threshold_seconds never stops traffic earlier',
    () => {
      fc.assert(
        fc.property(withBump('stop_traffic_threshold_seconds'), ([a, b]) => {
          const ta = firstTime(record(toConfig(a)).events, 'traffic_stopped');
          const tb = firstTime(record(toConfig(b)).events, 'traffic_stopped');
          if (tb < ta) throw new Error(explain(a, b, `first traffic stop at ${tb} s with the higher threshold, ${ta} s with the lower`));
        }),
        { numRuns: METAMORPHIC_RUNS, seed: SEED },
      );
    },
    TIMEOUT,
  );

  it(
    'a higher restart_threshold_seconds never restarts (liveness) earlier',
    () => {
      fc.assert(
        fc.property(withBump('restart_threshold_seconds'), ([a, b]) => {
          const ta = firstTime(record(toConfig(a)).events, 'restart', 'cause=liveness');
          const tb = firstTime(record(toConfig(b)).events, 'restart', 'cause=liveness');
          if (tb < ta) throw new Error(explain(a, b, `first liveness restart at ${tb} s with the higher threshold, ${ta} s with the lower`));
        }),
        { numRuns: METAMORPHIC_RUNS, seed: SEED + 1 },
      );
    },
    TIMEOUT,
  );

  it(
    'changing health thresholds does not change the arrival sequence (common random numbers)',
    () => {
      const changed = scenarioObject().chain((s) => {
        const sc = s as Scn;
        const [lo, hi] = sc.platform === 'baseten-2025' ? [30, 1800] : [10, 3000];
        return fc.tuple(fc.integer({ min: lo, max: hi }), fc.integer({ min: lo, max: Math.min(hi, SUM_LIMIT[sc.platform] - sc.deployment.runtime.health_checks.restart_check_delay_seconds!) })).map(
          ([stop, restart]): [ScenarioObject, ScenarioObject] => [s, withHealth(s, { stop_traffic_threshold_seconds: stop, restart_threshold_seconds: restart })],
        );
      });
      fc.assert(
        fc.property(changed, ([a, b]) => {
          const xa = arrivals(a);
          const xb = arrivals(b);
          if (xa.length !== xb.length || xa.some((x, i) => x !== xb[i])) {
            const i = xa.findIndex((x, k) => x !== xb[k]);
            throw new Error(explain(a, b, `arrivals differ: ${xa.length} vs ${xb.length}; first difference at #${i}: ${xa[i]} vs ${xb[i]}`));
          }
        }),
        { numRuns: METAMORPHIC_RUNS, seed: SEED + 2 },
      );
    },
    TIMEOUT,
  );

  it(
    'the same scenario and seed give identical outputs (summary, events, requests, timeline)',
    () => {
      fc.assert(
        fc.property(scenarioObject(), (s) => {
          const a = record(toConfig(s));
          const b = record(toConfig(s));
          expect(JSON.stringify(b)).toBe(JSON.stringify(a));
        }),
        { numRuns: METAMORPHIC_RUNS, seed: SEED + 3 },
      );
    },
    TIMEOUT,
  );
});
