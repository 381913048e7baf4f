/**
 * `deploysim check`: run a scenario at points of its `explore:` box (corners, edge midpoints, then
 * stratified samples: samples.ts) and judge each run by the built-in invariants (SPEC §11) and the
 * scenario's `expect:`. At the first violation, write it out as a plain scenario file that
 * reproduces it, search each explored key for where the violation stops (boundary.ts), and write
 * everything tried to check.json (docs/check.md).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { Config } from '../model/config.js';
import type { EventRow, RequestRow, Summary, TimelineRow } from '../model/summary.js';
import { OutputRefused, planOutFolder, type OutPlan } from '../output/owned-folder.js';
import { stageFolder } from '../output/staged-folder.js';
import { simulate } from '../run.js';
import { loadScenario, loadScenarioText, ScenarioError } from '../scenario/load.js';
import { checkInvariants, formatViolation, type Violation } from './invariants.js';
import { applyValues, cornerValues, describeDimension, describeValue, gridValue, parseExplore, type Dimension } from './explore.js';
import { findBoundaries, type Outcome } from './boundary.js';
import { planSamples, type PlannedPoint, type PointOrigin, type SamplePlan } from './samples.js';
import { evaluateAssertion, ExpectSyntaxError, metricPaths, parseAssertion, type Assertion, type AssertionResult } from './expect.js';

export interface CheckOptions {
  /** Runs to try (default 100), the boundary search not counted. */
  runs?: number;
  /** Seed of the stratified samples (default: the scenario's seed), so a check is reproducible. */
  seed?: number;
  /** Folder for counterexample.yaml and check.json (default reports/<scenario name>-check). */
  out?: string;
  /** Write into an existing --out deploysim did not write (only its own file names are replaced). */
  force?: boolean;
}

export interface CheckIo {
  out(text: string): void;
  err(text: string): void;
}

/** What one draw did. */
export interface DrawVerdict {
  /** null when the filled-in scenario was not valid (the draw is skipped). */
  invalid: string[] | null;
  violations: Violation[];
  expectations: AssertionResult[];
  /** The simulator threw: a bug, reported like a violation. */
  crash: string | null;
  summary: Summary | null;
}

export interface CheckPlan {
  file: string;
  doc: Document;
  dimensions: Dimension[];
  assertions: Assertion[];
  config: Config;
}

/** A bad check specification: one formatted line per problem; exit 2. */
export class CheckInputError extends Error {
  constructor(readonly messages: string[]) {
    super(messages.join('\n'));
  }
}

/** Reads and validates a scenario with `explore:`/`expect:`. Throws CheckInputError. */
export function planCheck(file: string, text: string): CheckPlan {
  let config: Config;
  try {
    config = loadScenarioText(text, file).config;
  } catch (e) {
    if (e instanceof ScenarioError) throw new CheckInputError(e.messages);
    throw e;
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const problems: string[] = [];
  const { dimensions, problems: ep } = parseExplore(doc, lines);
  for (const p of ep) problems.push(`${file}:${p.line}:${p.col} ${p.key}: ${p.message}`);
  const assertions: Assertion[] = [];
  const root = doc.contents;
  const expectNode = isMap(root) ? root.items.find((p) => isScalar(p.key) && p.key.value === 'expect')?.value : undefined;
  if (expectNode !== undefined && expectNode !== null && !(isScalar(expectNode) && expectNode.value === null)) {
    if (!isSeq(expectNode)) {
      const at = lines.linePos(expectNode.range?.[0] ?? 0);
      problems.push(`${file}:${at.line}:${at.col} expect: found a value, allowed a list of assertions like "availability >= 0.999"`);
    } else {
      expectNode.items.forEach((item, i) => {
        const range = item.range ?? [0, 0, 0];
        const at = lines.linePos(range[0]);
        if (!isScalar(item) || typeof item.value !== 'string') {
          problems.push(`${file}:${at.line}:${at.col} expect.${i}: found ${isScalar(item) ? JSON.stringify(item.value) : 'a collection'}, allowed an assertion text like "latency_s.p99 <= 5"`);
          return;
        }
        try {
          const a = parseAssertion(item.value);
          assertions.push(a);
          // A chain's metrics (SPEC §12) need a chain, and its chainlets' names.
          const names = config.chain?.chainlets.map((c) => c.name) ?? [];
          for (const p of metricPaths(a)) {
            if ((p[0] === 'chain' || p[0] === 'chainlets') && !config.chain) {
              problems.push(`${file}:${at.line}:${at.col} expect.${i}: "${p.join('.')}" needs a chain: this scenario has one deployment, its metrics are at the top (e.g. replicas.restarts)`);
            } else if (p[0] === 'chainlets' && p.length > 1 && !names.includes(String(p[1]))) {
              problems.push(`${file}:${at.line}:${at.col} expect.${i}: chainlets.${String(p[1])}: no such chainlet, the chain has ${names.join(', ')}`);
            }
          }
        } catch (e) {
          if (!(e instanceof ExpectSyntaxError)) throw e;
          // Column of the offending character: quoted scalars start one character later.
          const quoted = item.type === 'QUOTE_DOUBLE' || item.type === 'QUOTE_SINGLE' ? 1 : 0;
          const plain = item.type === 'PLAIN' || quoted === 1;
          const col = plain ? at.col + quoted + e.offset : at.col;
          problems.push(`${file}:${at.line}:${col} expect.${i}: ${e.message} in "${item.value}"`);
        }
      });
    }
  }
  if (problems.length) throw new CheckInputError(problems);
  // Each dimension alone, at its corners, must give a valid scenario: a typo in a key path or a
  // range outside what the platform allows is an input error, not thousands of skipped draws.
  for (const d of dimensions) {
    for (const v of cornerValues(d)) {
      const values = dimensions.map((o) => (o === d ? v : baseValue(o)));
      const filled = applyValues(doc, dimensions, values, false).toString({ lineWidth: 0 });
      try {
        loadScenarioText(filled, file);
      } catch (e) {
        if (!(e instanceof ScenarioError)) throw e;
        const why = e.messages.map((m) => m.replace(/^\S+:\d+:\d+ /, '')).join('; ');
        problems.push(`${file}:${d.line}:${d.col} explore.${d.key}: with ${d.key} = ${describeValue(d, v)} the scenario is invalid: ${why}`);
      }
    }
  }
  if (problems.length) throw new CheckInputError(problems);
  return { file, doc, dimensions, assertions, config };

  /** The value the file itself has at a dimension's path, or its low end when it has none. */
  function baseValue(d: Dimension): unknown {
    const v = doc.getIn(d.path);
    const js = v && typeof v === 'object' && 'toJSON' in v ? (v as { toJSON(): unknown }).toJSON() : v;
    if (js === undefined || js === null) return cornerValues(d)[0];
    return js;
  }
}

/** Runs one draw: load, simulate with in-memory sinks, check invariants and expectations. */
export function judgeDraw(plan: CheckPlan, values: readonly unknown[]): DrawVerdict {
  const text = applyValues(plan.doc, plan.dimensions, values, false).toString({ lineWidth: 0 });
  let config: Config;
  try {
    config = loadScenarioText(text, plan.file).config;
  } catch (e) {
    if (e instanceof ScenarioError) return { invalid: e.messages, violations: [], expectations: [], crash: null, summary: null };
    throw e;
  }
  return judgeConfig(config, plan.assertions);
}

/** Simulates a config and judges it (used by `check` and the property tests). */
export function judgeConfig(config: Config, assertions: readonly Assertion[] = []): DrawVerdict {
  const run = { ...config, output: { ...config.output, requests: true } };
  const events: EventRow[] = [];
  const requests: RequestRow[] = [];
  const samples: TimelineRow[] = [];
  let summary: Summary;
  try {
    summary = simulate(run, { event: (e) => events.push(e), request: (r) => requests.push(r), sample: (x) => samples.push(x) });
  } catch (e) {
    const crash = e instanceof Error ? `${e.message}${e.stack ? `\n${e.stack.split('\n').slice(1, 4).join('\n')}` : ''}` : String(e);
    return { invalid: null, violations: [], expectations: [], crash, summary: null };
  }
  const violations = checkInvariants({ config: run, summary, events, requests, samples });
  const expectations = assertions.map((a) => evaluateAssertion(a, summary));
  return { invalid: null, violations, expectations, crash: null, summary };
}

export function drawFailed(v: DrawVerdict): boolean {
  return v.crash !== null || v.violations.length > 0 || v.expectations.some((e) => e.failures.length > 0);
}

/** What was violated, one line each, indented. */
export function describeVerdict(v: DrawVerdict): string[] {
  const lines: string[] = [];
  if (v.crash) lines.push(`  the simulator threw: ${v.crash}`);
  for (const e of v.expectations) {
    if (!e.failures.length) continue;
    lines.push(`  expect ${e.assertion.source}:`);
    for (const f of e.failures.slice(0, 10)) lines.push(`    ${f}`);
    if (e.failures.length > 10) lines.push(`    ... and ${e.failures.length - 10} more`);
  }
  const shown = v.violations.slice(0, 20);
  for (const x of shown) lines.push(`  ${formatViolation(x)}`);
  if (v.violations.length > shown.length) lines.push(`  ... and ${v.violations.length - shown.length} more invariant violations`);
  return lines;
}

/** Rewrites relative trace `file:` paths so they still point at the trace from `outDir`. */
function retargetTraces(doc: Document, scenarioFile: string, outDir: string): void {
  const traffic = doc.get('traffic');
  if (!isSeq(traffic)) return;
  for (const item of traffic.items) {
    if (!isMap(item) || item.get('kind') !== 'trace') continue;
    const f = item.get('file');
    if (typeof f !== 'string' || path.isAbsolute(f)) continue;
    const abs = path.resolve(path.dirname(scenarioFile), f);
    item.set('file', path.relative(path.resolve(outDir), abs).split(path.sep).join('/'));
  }
}

/** The names a check folder holds: with --force, the only names replaced in a folder deploysim did not mark. */
export const CHECK_FILES = ['check.json', 'counterexample.yaml'] as const;

/**
 * Writes the check's files into a temporary folder beside the target and puts it in place whole
 * (owned-folder.ts): a folder of the user's is never replaced, and a half-written one never shows.
 */
function writeCheckFolder(plan: OutPlan, files: Record<string, string>): void {
  const stage = stageFolder(plan, 'check');
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(stage.tmp, name), text);
    stage.install();
  } finally {
    stage.dispose();
  }
}

/** The counterexample as a runnable scenario, named `<name>-counterexample` so running it does not overwrite the folder it sits in. */
export function counterexampleText(plan: CheckPlan, values: readonly unknown[], outDir: string, verdict: DrawVerdict, origin: string): string {
  const doc = applyValues(plan.doc, plan.dimensions, values, true);
  retargetTraces(doc, plan.file, outDir);
  if (isMap(doc.contents)) doc.set('name', `${plan.config.name}-counterexample`);
  const why = describeVerdict(verdict).map((l) => l.trim());
  doc.commentBefore = [
    ` Counterexample found by ${origin}.`,
    ...plan.dimensions.map((d, i) => ` ${d.key} = ${describeValue(d, values[i])}`),
    ' Violated:',
    ...why.slice(0, 12).map((l) => `   ${l.replace(/\n/g, ' ')}`),
  ].join('\n');
  return doc.toString({ lineWidth: 0 });
}

/** The whole `check` command; returns the exit code (0 held, 1 violation, 2 bad input). */
export function runCheck(file: string, opts: CheckOptions, io: CheckIo): number {
  // The loader reports unreadable, binary and invalid files in the same words as `run`.
  try {
    loadScenario(file);
  } catch (e) {
    if (e instanceof ScenarioError) {
      io.err(e.messages.join('\n'));
      return 2;
    }
    throw e;
  }
  const text = readFileSync(file, 'utf8');
  let plan: CheckPlan;
  try {
    plan = planCheck(file, text);
  } catch (e) {
    if (e instanceof CheckInputError) {
      io.err(e.messages.join('\n'));
      return 2;
    }
    throw e;
  }
  const runs = plan.dimensions.length === 0 ? 1 : (opts.runs ?? 100);
  const seed = opts.seed ?? plan.config.seed;
  const outDir = opts.out ?? path.join('reports', `${plan.config.name}-check`);
  // Where the files go is settled before any run: a folder deploysim did not write is refused now.
  let outPlan: OutPlan;
  try {
    outPlan = planOutFolder(outDir, { kind: 'check', force: opts.force ?? false, ownNames: CHECK_FILES, inputs: [file] });
  } catch (e) {
    if (e instanceof OutputRefused) {
      io.err(e.message);
      return 2;
    }
    throw e;
  }
  const dims = plan.dimensions;
  const samples = planSamples(dims, runs, seed);
  const valuesOf = (index: readonly number[]): unknown[] => index.map((k, i) => gridValue(dims[i]!, k));
  const named = (values: readonly unknown[]): Record<string, unknown> => Object.fromEntries(dims.map((d, i) => [d.key, values[i]]));
  const pointText = (values: readonly unknown[]): string => dims.map((d, i) => `${d.key} = ${describeValue(d, values[i])}`).join(', ');

  // Every outcome by point, so the boundary search reuses the samples' runs.
  const outcomes = new Map<string, Outcome>();
  let invalid = 0;
  let firstInvalid: string | null = null;
  let tried = 0;
  const tries: { origin: PointOrigin; values: Record<string, unknown>; outcome: Outcome }[] = [];
  const triedPoints: { origin: PointOrigin; values: unknown[] }[] = [];
  let found: { point: PlannedPoint; run: number; verdict: DrawVerdict } | null = null;
  for (const point of samples.points) {
    const values = valuesOf(point.index);
    const v = judgeDraw(plan, values);
    const outcome: Outcome = v.invalid ? 'invalid' : drawFailed(v) ? 'violated' : 'holds';
    outcomes.set(point.index.join(','), outcome);
    tries.push({ origin: point.origin, values: named(values), outcome });
    triedPoints.push({ origin: point.origin, values });
    if (v.invalid) {
      invalid++;
      firstInvalid ??= `${pointText(values)}: ${v.invalid.map((m) => m.replace(/^\S+:\d+:\d+ /, '')).join('; ')}`;
      continue;
    }
    tried++;
    if (outcome === 'violated') {
      found = { point, run: tries.length, verdict: v };
      break;
    }
  }

  const explored = dims.map((d) => `  ${d.key}: ${describeDimension(d)}`);
  const builtIn = plan.config.chain
    ? [
        `  built-in invariants per chainlet (SPEC §11: 1, 2, 3, 5, 6, 7, 9, and outputs agree) in ${plan.config.chain.chainlets.map((c) => c.name).join(', ')}`,
        "  chain invariants (SPEC §12: 12.1 a succeeded request's calls all succeeded, 12.2 a call's attempts within retries, 12.3 calls in flight within concurrency_limit)",
      ]
    : ['  built-in invariants (SPEC §11: 1, 2, 3, 5, 6, 7, 9, and outputs agree)'];
  const asserted = [...builtIn, ...plan.assertions.map((a) => `  ${a.source}`)];
  const order = orderLines(samples, runs, triedPoints, dims);
  const jsonFile = path.join(outDir, 'check.json');
  const result = {
    scenario: file,
    seed,
    runs,
    explored: dims.map((d) => ({ key: d.key, range: describeDimension(d) })),
    order: { corners: samples.corners, edge_midpoints: samples.midpoints, stratified: samples.stratified, every_combination: samples.exhaustive },
    invalid_skipped: invalid,
    tried: tries,
  };

  if (found) {
    const values = valuesOf(found.point.index);
    const verdict = found.verdict;
    let boundaryRuns = 0;
    const boundaries = findBoundaries(dims, found.point.index, (index) => {
      const key = index.join(',');
      let o = outcomes.get(key);
      if (o === undefined) {
        boundaryRuns++;
        const v = judgeDraw(plan, valuesOf(index));
        o = v.invalid ? 'invalid' : drawFailed(v) ? 'violated' : 'holds';
        outcomes.set(key, o);
      }
      return o;
    });
    const target = path.join(outDir, 'counterexample.yaml');
    const where = ORIGIN_WORDS[found.point.origin];
    const origin = `deploysim check ${file} --seed ${seed} (run ${found.run}, ${where})`;
    writeCheckFolder(outPlan, {
      'counterexample.yaml': counterexampleText(plan, values, outDir, verdict, origin),
      'check.json': `${JSON.stringify({ ...result, result: 'violation', counterexample: { run: found.run, origin: found.point.origin, values: named(values), violated: describeVerdict(verdict).map((l) => l.trim()), file: target }, boundary_runs: boundaryRuns, boundaries }, null, 2)}\n`,
    });
    io.out(`check ${file}: VIOLATION at run ${found.run} of ${runs} (seed ${seed}; ${where}):`);
    dims.forEach((d, i) => io.out(`  ${d.key} = ${describeValue(d, values[i])}`));
    io.out('violated:');
    for (const l of describeVerdict(verdict)) io.out(l);
    if (boundaries.length) {
      io.out(`boundaries (each explored key alone, the others held at the values above; ${boundaryRuns} more run${boundaryRuns === 1 ? '' : 's'}):`);
      for (const b of boundaries) io.out(`  ${b.text}`);
    }
    if (samples.corners.total + samples.midpoints.total > runs) for (const l of order) io.out(l);
    io.out(`counterexample: ${target}  (reproduce: deploysim run ${target})`);
    io.out(`details: ${jsonFile}`);
    return 1;
  }
  if (tried === 0 && invalid > 0) {
    io.err(`${file}: no explored combinations are valid scenarios; narrow explore:, e.g. ${firstInvalid}`);
    return 2;
  }
  writeCheckFolder(outPlan, { 'check.json': `${JSON.stringify({ ...result, result: 'held', held: asserted.map((l) => l.trim()) }, null, 2)}\n` });
  io.out(`check ${file}: no violation in ${tried} run${tried === 1 ? '' : 's'} (seed ${seed}${invalid ? `; ${invalid} invalid combination${invalid === 1 ? '' : 's'} skipped` : ''})`);
  if (explored.length) io.out(['explored:', ...explored].join('\n'));
  else io.out('explored: nothing (no explore:), ran the scenario once');
  for (const l of order) io.out(l);
  io.out(['held:', ...asserted].join('\n'));
  if (invalid && firstInvalid) io.out(`skipped, e.g.: ${firstInvalid}`);
  io.out(`details: ${jsonFile}`);
  return 0;
}

const ORIGIN_WORDS: Record<PointOrigin, string> = {
  corner: 'a corner of the box',
  'edge midpoint': 'the midpoint of an edge of the box',
  stratified: 'a stratified sample',
  grid: 'a point of the grid',
};

/**
 * What order the runs took ("order: 4 corners, 4 edge midpoints, then 92 stratified samples"), or,
 * when the budget did not cover every corner and edge midpoint, that it did not and which were tried.
 */
function orderLines(s: SamplePlan, runs: number, tries: readonly { origin: PointOrigin; values: unknown[] }[], dims: readonly Dimension[]): string[] {
  if (dims.length === 0) return [];
  const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;
  const needed = s.corners.total + s.midpoints.total;
  if (needed <= runs) {
    const rest = s.exhaustive ? `then the other ${plural(s.stratified, 'combination')} of the grid (every combination tried)` : `then ${plural(s.stratified, 'stratified sample')} (Latin hypercube)`;
    return [`order: ${plural(s.corners.total, 'corner')}, ${plural(s.midpoints.total, 'edge midpoint')}, ${rest}`];
  }
  const shown = tries.filter((t) => t.origin === 'corner' || t.origin === 'edge midpoint');
  return [
    `order: --runs ${runs} is fewer than the box's ${plural(s.corners.total, 'corner')} and ${plural(s.midpoints.total, 'edge midpoint')} (--runs ${needed} tries them all), so no stratified samples; tried:`,
    ...shown.slice(0, 20).map((t) => `  ${t.origin}: ${dims.map((d, i) => `${d.key} = ${describeValue(d, t.values[i])}`).join(', ')}`),
    ...(shown.length > 20 ? [`  ... and ${shown.length - 20} more (all in check.json)`] : []),
  ];
}
