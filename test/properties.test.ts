/**
 * Property tests of the policy invariants (SPEC §11) over generated scenarios, judged by the
 * independent checker (src/check/invariants.ts), plus metamorphic properties: thresholds are
 * monotone (a higher one never acts earlier), common random numbers (arrivals do not depend on
 * thresholds, deployment, faults or platform), the horizon only cuts (a longer run extends a
 * shorter one), same seed ⇒ same outputs (invariant 8); the checker gives the same verdict on the
 * files a run writes as in memory; random Chains (SPEC §12) hold §11 per chainlet and §12's chain
 * invariants. `npm run test:deep` (DEPLOYSIM_DEEP=1) runs 10,000 small and 1,000 large scenarios,
 * 1,000 small and 200 larger chains, and 2,000 pairs per metamorphic property.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CHAIN_LARGE, CHAIN_SMALL, chainScenarioObject, LARGE, scenarioObject, scenarioYaml, toConfig, type ScenarioObject } from './properties/arbitraries.js';
import { record, tally, tallyText, verdict } from './properties/harness.js';
import { runToFolder } from '../src/run-to-folder.js';
import { checkRunFolder, formatViolations } from '../src/check/invariants.js';

const DEEP = process.env.DEPLOYSIM_DEEP === '1';
const SEED = Number(process.env.DEPLOYSIM_SEED ?? 20261124);
const RUNS = DEEP ? 10_000 : 2_000;
const METAMORPHIC_RUNS = DEEP ? 2_000 : 300;
/** Random chains (2–4 chainlets): each run is a few single deployments on one clock. */
const CHAIN_RUNS = DEEP ? 1_000 : 30;
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

/** null when two scenarios see the same arrival sequence, else where they first differ. */
function sameArrivals(a: ScenarioObject, b: ScenarioObject): string | null {
  const xa = arrivals(a);
  const xb = arrivals(b);
  if (xa.length === xb.length && xa.every((x, i) => x === xb[i])) return null;
  const i = xa.findIndex((x, k) => x !== xb[k]);
  return `arrivals differ: ${xa.length} vs ${xb.length}; first difference at #${i}: ${xa[i]} s vs ${xb[i]} s`;
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

/**
 * Checks `differ(a, b)` (null = fine, else what went wrong) over pairs of scenarios. On a failure
 * the shrunk pair is written to reports/counterexamples/<name>-A.yaml and -B.yaml and printed.
 */
function assertPairs(name: string, pairs: fc.Arbitrary<[ScenarioObject, ScenarioObject]>, differ: (a: ScenarioObject, b: ScenarioObject) => string | null, seed: number): void {
  const details = fc.check(
    fc.property(pairs, ([a, b]) => differ(a, b) === null),
    { numRuns: METAMORPHIC_RUNS, seed },
  );
  if (!details.failed) return;
  const [a, b] = details.counterexample![0];
  const dir = path.join('reports', 'counterexamples');
  mkdirSync(dir, { recursive: true });
  const why = differ(a, b) ?? String((details as { errorInstance?: unknown }).errorInstance);
  const header = `# ${name}: ${why}\n# (fast-check seed ${seed}, ${details.numShrinks} shrinks)\n`;
  const files = (['A', 'B'] as const).map((k, i) => {
    const file = path.join(dir, `${name}-${k}.yaml`);
    const text = header + scenarioYaml({ ...[a, b][i]!, name: `${name}-${k}` }).replace(/file: small-trace\.csv/g, `file: ${path.relative(dir, path.join('test', 'fixtures', 'check', 'small-trace.csv'))}`);
    writeFileSync(file, text);
    return [file, text] as const;
  });
  throw new Error(`${why}\n${files.map(([f, t]) => `--- ${f} ---\n${t}`).join('')}`);
}

describe('policy invariants over generated chains (SPEC §11 per chainlet, §12)', () => {
  it(
    `hold per chainlet, with SPEC §12's chain invariants, in ${CHAIN_RUNS} random chains (seed ${SEED + 30})`,
    () => {
      const t = tally(chainScenarioObject(), CHAIN_RUNS, SEED + 30);
      console.log(`chain invariants: ${tallyText(t)}`);
      if (t.counterexample) console.log(`shrunk counterexample (${t.counterexample.file}):\n${t.counterexample.yaml}`);
      expect(t.counterexample?.report ?? '', t.counterexample?.yaml).toBe('');
      expect(t.held).toBe(t.runs);
    },
    TIMEOUT,
  );

  it(
    `hold when callees queue requests inside their replicas (concurrency_target > predict_concurrency), ${CHAIN_RUNS} chains (the callee FIFO case)`,
    () => {
      const t = tally(chainScenarioObject({ ...CHAIN_SMALL, calleeQueues: true }), CHAIN_RUNS, SEED + 32);
      if (t.counterexample) console.log(`shrunk counterexample (${t.counterexample.file}):\n${t.counterexample.yaml}`);
      expect(t.counterexample?.report ?? '', t.counterexample?.yaml).toBe('');
    },
    TIMEOUT,
  );

  it.runIf(DEEP)(
    'hold in 200 larger chains (up to 5 replicas per chainlet, 6 requests/s, 30 min, 5 faults)',
    () => {
      const t = tally(chainScenarioObject(CHAIN_LARGE), 200, SEED + 31);
      console.log(`chain invariants (large): ${tallyText(t)}`);
      if (t.counterexample) console.log(`shrunk counterexample (${t.counterexample.file}):\n${t.counterexample.yaml}`);
      expect(t.counterexample?.report ?? '', t.counterexample?.yaml).toBe('');
    },
    TIMEOUT,
  );
});

describe('policy invariants from the files a run writes', () => {
  it(
    `hold on the run folders (CSV and JSON read back, rounded to 6 decimals) of ${DEEP ? 500 : 30} scenarios`,
    async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'deploysim-folders-'));
      try {
        const samples = fc.sample(scenarioObject(), { numRuns: DEEP ? 500 : 30, seed: SEED + 20 });
        for (const [i, s] of samples.entries()) {
          const out = path.join(dir, String(i));
          await runToFolder(toConfig(s), out, {});
          const fromFiles = await checkRunFolder(out);
          const inMemory = verdict(s);
          expect(formatViolations(fromFiles), scenarioYaml(s)).toBe(formatViolations(inMemory.violations));
          rmSync(out, { recursive: true, force: true });
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    TIMEOUT,
  );
});

describe.runIf(DEEP)('policy invariants over larger generated scenarios (test:deep only)', () => {
  it(
    `hold in 1,000 scenarios with up to 10 replicas, 20 requests/s per process, 60 min, 6 faults`,
    () => {
      const t = tally(scenarioObject(LARGE), 1_000, SEED + 10);
      console.log(`invariants (large): ${tallyText(t)}`);
      if (t.counterexample) console.log(`shrunk counterexample (${t.counterexample.file}):\n${t.counterexample.yaml}`);
      expect(t.counterexample?.report ?? '', t.counterexample?.yaml).toBe('');
    },
    TIMEOUT,
  );
});

describe('metamorphic properties (fixed faults and seed)', () => {
  it(
    'a higher stop_traffic_threshold_seconds never stops traffic earlier',
    () => {
      assertPairs(
        'stop-threshold-monotone',
        withBump('stop_traffic_threshold_seconds'),
        (a, b) => {
          const ta = firstTime(record(toConfig(a)).events, 'traffic_stopped');
          const tb = firstTime(record(toConfig(b)).events, 'traffic_stopped');
          return tb < ta ? `first traffic stop at ${tb} s with the higher threshold (B), ${ta} s with the lower (A)` : null;
        },
        SEED,
      );
    },
    TIMEOUT,
  );

  it(
    'a higher restart_threshold_seconds never restarts (liveness) earlier',
    () => {
      assertPairs(
        'restart-threshold-monotone',
        withBump('restart_threshold_seconds'),
        (a, b) => {
          const ta = firstTime(record(toConfig(a)).events, 'restart', 'cause=liveness');
          const tb = firstTime(record(toConfig(b)).events, 'restart', 'cause=liveness');
          return tb < ta ? `first liveness restart at ${tb} s with the higher threshold (B), ${ta} s with the lower (A)` : null;
        },
        SEED + 1,
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
      assertPairs(
        'thresholds-keep-arrivals',
        changed,
        sameArrivals,
        SEED + 2,
      );
    },
    TIMEOUT,
  );

  it(
    'changing the deployment, faults, request policy or platform does not change the arrival sequence either',
    () => {
      const other = fc.tuple(scenarioObject(), scenarioObject()).map(([a, b]): [ScenarioObject, ScenarioObject] => [
        a,
        { ...b, seed: a.seed, duration: a.duration, traffic: a.traffic },
      ]);
      assertPairs(
        'deployment-keeps-arrivals',
        other,
        sameArrivals,
        SEED + 4,
      );
    },
    TIMEOUT,
  );

  it(
    'a longer run only extends a shorter one: every event before the shorter horizon is the same (SPEC §1)',
    () => {
      const longer = scenarioObject().chain((a) =>
        fc.integer({ min: 1, max: 10 }).map((extra): [ScenarioObject, ScenarioObject] => [a, { ...a, duration: (a.duration as number) + extra * 60 }]),
      );
      assertPairs(
        'longer-run-extends',
        longer,
        (a, b) => {
          const horizon = a.duration as number;
          const ea = record(toConfig(a)).events.map((e) => JSON.stringify(e));
          const eb = record(toConfig(b))
            .events.filter((e) => e.t < horizon)
            .map((e) => JSON.stringify(e));
          if (ea.length === eb.length && ea.every((x, i) => x === eb[i])) return null;
          const i = ea.findIndex((x, k) => x !== eb[k]);
          return `events before ${horizon} s differ: ${ea.length} vs ${eb.length} rows; first difference at row ${i + 1}: ${ea[i]} vs ${eb[i]}`;
        },
        SEED + 5,
      );
    },
    TIMEOUT,
  );

  it(
    'the same scenario and seed give identical outputs (summary, events, requests, timeline)',
    () => {
      assertPairs(
        'same-seed-same-outputs',
        scenarioObject().map((s): [ScenarioObject, ScenarioObject] => [s, s]),
        (a, b) => {
          const x = JSON.stringify(record(toConfig(a)));
          const y = JSON.stringify(record(toConfig(b)));
          if (x === y) return null;
          let i = 0;
          while (x[i] === y[i]) i++;
          return `two runs of the same scenario differ at character ${i}: ...${x.slice(Math.max(0, i - 80), i + 40)}... vs ...${y.slice(Math.max(0, i - 80), i + 40)}...`;
        },
        SEED + 3,
      );
    },
    TIMEOUT,
  );
});
