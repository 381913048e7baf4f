/**
 * Runs generated scenarios through the simulator and the independent checker, counts how many
 * held, and turns the first failure into a shrunk, runnable counterexample scenario file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import type { Config } from '../../src/model/config.js';
import type { EventRow, RequestRow, Summary, TimelineRow } from '../../src/model/summary.js';
import { simulate } from '../../src/run.js';
import { checkInvariants, formatViolations, type Violation } from '../../src/check/invariants.js';
import { scenarioYaml, toConfig, type ScenarioObject } from './arbitraries.js';

export interface Recorded {
  summary: Summary;
  events: EventRow[];
  requests: RequestRow[];
  samples: TimelineRow[];
}

export function record(config: Config): Recorded {
  const events: EventRow[] = [];
  const requests: RequestRow[] = [];
  const samples: TimelineRow[] = [];
  const summary = simulate(config, { event: (e) => events.push(e), request: (r) => requests.push(r), sample: (s) => samples.push(s) });
  return { summary, events, requests, samples };
}

/** The checker's verdict on one generated scenario; a simulator exception is a failure too. */
export function verdict(s: ScenarioObject): { violations: Violation[]; crash: string | null } {
  const config = toConfig(s);
  let run: Recorded;
  try {
    run = record(config);
  } catch (e) {
    return { violations: [], crash: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  return { violations: checkInvariants({ config, ...run }), crash: null };
}

export interface Tally {
  runs: number;
  held: number;
  /** Failing runs per invariant ("crash" for simulator exceptions). */
  byInvariant: Record<string, number>;
  /** Run index (fast-check path) of the first failure. */
  firstFailure: number | null;
  counterexample: { yaml: string; report: string; file: string } | null;
}

/**
 * Runs `numRuns` scenarios without stopping at a failure (so it can say how many held), then
 * replays the first failing run with fast-check's `path` to shrink it to the smallest scenario
 * that still fails, and writes that scenario to `reports/counterexamples/`.
 */
export function tally(
  arb: fc.Arbitrary<ScenarioObject>,
  numRuns: number,
  seed: number,
  dir = path.join('reports', 'counterexamples'),
  judge: (s: ScenarioObject) => { violations: Violation[]; crash: string | null } = verdict,
): Tally {
  const t: Tally = { runs: 0, held: 0, byInvariant: {}, firstFailure: null, counterexample: null };
  fc.check(
    fc.property(arb, (s) => {
      const v = judge(s);
      const kinds = new Set<string>(v.violations.map((x) => `invariant ${x.invariant}`));
      if (v.crash) kinds.add('crash');
      if (kinds.size === 0) t.held++;
      else if (t.firstFailure === null) t.firstFailure = t.runs;
      for (const k of kinds) t.byInvariant[k] = (t.byInvariant[k] ?? 0) + 1;
      t.runs++;
      return true;
    }),
    { numRuns, seed },
  );
  if (t.firstFailure === null) return t;
  const failing = fc.property(arb, (s) => {
    const v = judge(s);
    return v.crash === null && v.violations.length === 0;
  });
  const shrunk = fc.check(failing, { numRuns: 1, seed, path: String(t.firstFailure) });
  const s = (shrunk.counterexample?.[0] ?? null) as ScenarioObject | null;
  if (!s) return t;
  const v = judge(s);
  const report = v.crash ? `the simulator threw: ${v.crash}` : formatViolations(v.violations);
  const header = [
    `# Counterexample to the policy invariants (SPEC §11), shrunk by fast-check`,
    `# (seed ${seed}, run ${t.firstFailure}, ${shrunk.numShrinks} shrinks). Reproduce: deploysim run <this file>`,
    ...report.split('\n').slice(0, 20).map((l) => `#   ${l}`),
  ].join('\n');
  const yaml = `${header}\n${scenarioYaml({ ...s, name: `counterexample-${seed}-${t.firstFailure}` })}`;
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `counterexample-${seed}-${t.firstFailure}.yaml`);
  // A trace fixture is referenced relative to the scenario: point it back at test/fixtures/check.
  writeFileSync(file, yaml.replace(/file: small-trace\.csv/g, `file: ${path.relative(dir, path.join('test', 'fixtures', 'check', 'small-trace.csv'))}`));
  t.counterexample = { yaml, report, file };
  return t;
}

export function tallyText(t: Tally): string {
  const fails = Object.entries(t.byInvariant)
    .map(([k, n]) => `${k}: ${n}`)
    .join(', ');
  return `${t.runs} scenarios: ${t.held} held, ${t.runs - t.held} violated${fails ? ` (${fails})` : ''}`;
}
