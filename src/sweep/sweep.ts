/**
 * `deploysim sweep` and `deploysim compare`: validate every variant, then run the missing runs of
 * the deterministic run list (or of this shard) on the pool, journaling each as it finishes, and
 * write the outputs. Returns the exit code (0 ok, 1 a run failed, 2 bad input, 130 interrupted).
 */
import { setMaxListeners } from 'node:events';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { OutputRefused, updateMarker, type OutPlan } from '../output/owned-folder.js';
import { clearOtherSweep, openFolder, planSweepFolder, SHARD_FILES, SWEEP_FILES, SWEEP_OUTPUTS } from './folder.js';
import { GridError, parseVary, type Run, type Variant } from './grid.js';
import { Journal, readJournal, type RunRecord } from './journal.js';
import { comparisonTable } from './comparison.js';
import { writeOutputs, writePartialOutputs, writeSweepJson } from './outputs.js';
import { fileSha256, runKey, runsOf, SWEEP_FORMAT, variantsOf, type SweepArgs } from './plan.js';
import { createProgress } from './progress.js';
import { checkMetricNames, parseMinimize, parseRequirement } from './requirements.js';
import type { Config } from '../model/config.js';
import { toOutcome, type Executor } from './run-pool.js';
import { inShard, parseShard, shardDirName, type Shard } from './shard.js';
import type { SweepIo } from './io.js';
import { scenarioMessages, type LoadScenario } from './simulator.js';
import { diffConfigs, resolveVariants } from './labels.js';
import { findBaseline } from './baseline.js';
import { resolvedSettings } from './simulator.js';

export interface SweepDeps {
  load: LoadScenario;
  executor(workers: number): Executor;
  env?: NodeJS.ProcessEnv;
  /** The cap on --workers (default os.availableParallelism()). */
  parallelism?: number;
}

export interface SweepOptions {
  command: 'sweep' | 'compare';
  files: string[];
  vary: string[];
  seeds: string;
  firstSeed: string;
  workers: string;
  out: string | null;
  shard: string | null;
  require: string[];
  minimize: string | null;
  /** Write into an existing folder deploysim did not mark, and discard a previous sweep's results there (only deploysim's own files are deleted). */
  force?: boolean;
  /** `--baseline`: the variant the paired differences are against (`#N`, a label, `key=value,...`, compare: a file); absent: variant 0. */
  baseline?: string | null;
}

export const EXIT_OK = 0;
export const EXIT_RUN_FAILED = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_INTERRUPTED = 130;

function positiveInt(name: string, text: string, errors: string[], min = 1): number {
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n < min) {
    errors.push(`${name} ${text}: found ${JSON.stringify(text)}, allowed an integer ≥ ${min}`);
    return min;
  }
  return n;
}

/** `1 worker`, `0 workers`, `2 workers`: the plural only when n ≠ 1. */
function counted(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Parse the options into the sweep's arguments; every problem is collected. */
export function buildArgs(opts: SweepOptions, env: NodeJS.ProcessEnv): { args: SweepArgs; workers: number } | { errors: string[] } {
  const errors: string[] = [];
  const seeds = positiveInt('--seeds', opts.seeds, errors);
  const firstSeed = positiveInt('--first-seed', opts.firstSeed, errors, 0);
  const workers = positiveInt('--workers', opts.workers, errors);
  let vary: SweepArgs['vary'] = [];
  if (opts.command === 'sweep') {
    try {
      vary = parseVary(opts.vary);
    } catch (err) {
      errors.push(...(err instanceof GridError ? err.messages : [errorText(err)]));
    }
  }
  for (const r of opts.require) {
    try {
      parseRequirement(r);
    } catch (err) {
      errors.push(errorText(err));
    }
  }
  if (opts.minimize !== null) {
    try {
      parseMinimize(opts.minimize);
    } catch (err) {
      errors.push(errorText(err));
    }
  }
  let shard: Shard | null = null;
  if (opts.shard !== null) {
    try {
      shard = parseShard(opts.shard, env);
    } catch (err) {
      errors.push(errorText(err));
    }
  }
  const scenarios: SweepArgs['scenarios'] = [];
  for (const path of opts.files) {
    if (!existsSync(path)) errors.push(`${path}: file not found`);
    else scenarios.push({ path, sha256: fileSha256(path) });
  }
  if (errors.length > 0) return { errors };
  const args: SweepArgs = {
    format: SWEEP_FORMAT,
    command: opts.command,
    scenarios,
    vary,
    seeds,
    first_seed: firstSeed,
    require: opts.require,
    minimize: opts.minimize,
    shard,
    inputs: [],
  };
  return { args, workers };
}

/** Load every variant once (with the first seed) so a bad key or value stops the sweep before any run. */
export async function validateVariants(
  variants: readonly Variant[],
  load: LoadScenario,
  seed: number,
): Promise<{ names: string[]; errors: string[]; warnings: string[]; reads: string[]; configs: unknown[] }> {
  const errors: string[] = [];
  const warnings: string[] = [];
  const names: string[] = [];
  const configs: unknown[] = [];
  const reads = new Set<string>();
  for (const v of variants) {
    try {
      const { config, warnings: w = [], reads: r = [] } = await load(resolve(v.file), { overrides: v.overrides, overrideOption: '--vary', seed });
      names.push(config.name);
      configs.push(config);
      for (const f of r) reads.add(resolve(f));
      for (const line of w) if (!warnings.includes(line)) warnings.push(line);
    } catch (err) {
      names.push('');
      configs.push(null);
      for (const line of scenarioMessages(err) ?? [errorText(err)]) if (!errors.includes(line)) errors.push(line);
    }
  }
  return { names, errors, warnings, reads: [...reads].sort(), configs };
}

/** The chainlet names of the chain configs among `configs`, first-seen order (none: no chain). */
export function chainletNames(configs: readonly unknown[]): string[] {
  const names = new Set<string>();
  for (const c of configs) for (const x of (c as Config | null)?.chain?.chainlets ?? []) names.add(x.name);
  return [...names];
}

/** The trace files' identity in sweep.json: relative to the working folder when inside it (as shards elsewhere see it). */
function inputPath(abs: string): string {
  const rel = relative(process.cwd(), abs);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}

function slug(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'scenario';
}

export function defaultOutDir(args: SweepArgs, names: readonly string[]): string {
  if (args.command === 'compare') return join('reports', `compare-${slug(names[0]!)}-vs-${slug(names[1]!)}`);
  return join('reports', `sweep-${slug(names[0]!)}`);
}

/**
 * Check `--out` (and the shard folder in it) before any run, discard another sweep's files with
 * --force, and create the folders with their markers listing what the sweep writes.
 */
function prepareFolders(baseDir: string, dir: string, args: SweepArgs, inputs: readonly string[], force: boolean): void {
  const common = { force, inputs, ownNames: SWEEP_FILES };
  let plan: OutPlan;
  if (args.shard) {
    planSweepFolder(baseDir, { ...common, kind: 'sweep', replaces: ['sweep', 'merge'], writes: [] });
    plan = planSweepFolder(dir, { ...common, kind: 'shard', ownNames: SHARD_FILES, writes: SHARD_FILES });
  } else {
    plan = planSweepFolder(dir, { ...common, kind: 'sweep', replaces: ['sweep', 'merge'], writes: SWEEP_FILES });
  }
  clearOtherSweep(dir, plan, args, args.shard ? SHARD_FILES : SWEEP_FILES, force);
  if (args.shard) openFolder(baseDir, 'sweep', [shardDirName(args.shard)]);
  openFolder(dir, args.shard ? 'shard' : 'sweep', ['sweep.json', 'runs.jsonl']);
}

export async function runSweep(opts: SweepOptions, io: SweepIo, deps: SweepDeps, signal?: AbortSignal): Promise<number> {
  const built = buildArgs(opts, deps.env ?? process.env);
  if ('errors' in built) {
    for (const e of built.errors) io.err(e);
    return EXIT_BAD_INPUT;
  }
  const { args } = built;
  let { workers } = built;
  const cap = deps.parallelism ?? availableParallelism();
  if (workers > cap) {
    io.err(`--workers ${workers}: capped at ${cap}, the machine's available parallelism`);
    workers = cap;
  }
  const variants = variantsOf(args);
  const { names, errors, warnings, reads, configs } = await validateVariants(variants, deps.load, args.first_seed);
  if (errors.length > 0) {
    for (const e of errors) io.err(e);
    return EXIT_BAD_INPUT;
  }
  // A chainlet's metric (`LLM.availability`) needs the chainlet: checked against the loaded scenarios.
  const metricErrors = checkMetricNames(args.require, args.minimize, chainletNames(configs));
  if (metricErrors.length > 0) {
    for (const e of metricErrors) io.err(e);
    return EXIT_BAD_INPUT;
  }
  for (const w of warnings) io.err(`warning: ${w}`);
  if (args.command === 'compare') {
    // Named by what differs between the two resolved configs, not by their paths.
    const diff = diffConfigs(configs, args.scenarios.map((s) => s.path));
    args.labels = diff.labels;
    for (const n of diff.notes) io.err(`warning: ${n}`);
  }
  if (opts.baseline != null) {
    // Resolved once, before any run, against the labels the outputs will show (the settings each
    // variant's validated config holds) and the values as written; sweep.json keeps the answer.
    const probe = variants.map((v, i) => ({ key: '', k: i, variant: v.index, seed: args.first_seed, metrics: {} as RunRecord['metrics'], settings: configs[i] ? resolvedSettings(configs[i] as Config, v.overrides) : null }));
    const resolved = resolveVariants(args, variants, probe).variants;
    const found = findBaseline(opts.baseline, variants, resolved, args.vary.map((a) => a.key));
    if ('error' in found) {
      io.err(found.error);
      return EXIT_BAD_INPUT;
    }
    args.baseline = { spec: opts.baseline, variant: found.variant };
  }
  // The traces are part of the key: an edited trace is never resumed as the old one.
  for (const f of reads) {
    try {
      args.inputs.push({ path: inputPath(f), sha256: fileSha256(f) });
    } catch (err) {
      io.err(`${f}: cannot be read (${errorText(err)})`);
      return EXIT_BAD_INPUT;
    }
  }

  const baseDir = opts.out ?? defaultOutDir(args, names);
  const dir = args.shard ? join(baseDir, shardDirName(args.shard)) : baseDir;
  const key = runKey(args);
  const journalPath = join(dir, 'runs.jsonl');
  const allRuns = runsOf(args);
  const myRuns = allRuns.filter((r) => inShard(r.k, args.shard));
  const mine = new Set(myRuns.map((r) => r.k));

  try {
    prepareFolders(baseDir, dir, args, [...args.scenarios.map((f) => f.path), ...reads], opts.force ?? false);
  } catch (err) {
    if (!(err instanceof OutputRefused)) throw err;
    io.err(err.message);
    return EXIT_BAD_INPUT;
  }
  writeSweepJson(dir, args);
  const journalContents = readJournal(journalPath, key);
  const done = new Map<number, RunRecord>();
  for (const r of journalContents.records) {
    const run = allRuns[r.k];
    if (run && mine.has(r.k) && run.variant === r.variant && run.seed === r.seed) done.set(r.k, r);
  }
  if (journalContents.foreign > 0) {
    io.err(`${journalPath}: ${journalContents.foreign} lines of another sweep or unreadable dropped`);
  }
  const todo = myRuns.filter((r) => !done.has(r.k));

  const shardNote = args.shard ? ` (shard ${args.shard.index}/${args.shard.count}: ${counted(myRuns.length, 'run')})` : '';
  io.err(
    `${args.command}: ${counted(variants.length, 'variant')} × ${counted(args.seeds, 'seed')} (${args.first_seed}–${args.first_seed + args.seeds - 1}) = ${counted(allRuns.length, 'run')}${shardNote}` +
      (done.size > 0 ? `; ${done.size} already in ${journalPath}, resuming` : '') +
      `; ${todo.length} to run on ${counted(Math.min(workers, Math.max(1, todo.length)), 'worker')} → ${dir}`,
  );

  if (todo.length > 0) {
    const threads = Math.min(workers, todo.length);
    const started = performance.now();
    const result = await executeRuns(todo, variants, key, new Journal(journalPath, key, journalContents), deps.executor(threads), myRuns.length, done, io, signal);
    if (result !== EXIT_OK) return result;
    io.err(`${counted(todo.length, 'run')} in ${((performance.now() - started) / 1000).toFixed(1)} s on ${counted(threads, 'worker')}`);
  }

  const records = [...done.values()];
  if (args.shard) {
    updateMarker(dir, 'shard', ['results.csv']);
    writePartialOutputs(dir, args, records);
    io.err(`shard ${args.shard.index}/${args.shard.count} complete: ${counted(records.length, 'run')} in ${dir}; join the shards with \`deploysim merge <shard dirs...> --out DIR\``);
    return EXIT_OK;
  }
  openFolder(dir, 'sweep', SWEEP_OUTPUTS);
  const cmp = await writeOutputs(dir, args, records);
  io.out(comparisonTable(cmp));
  io.err(`wrote ${join(dir, 'results.csv')}, comparison.csv, comparison.html`);
  return EXIT_OK;
}

async function executeRuns(
  todo: readonly Run[],
  variants: readonly Variant[],
  key: string,
  journal: Journal,
  executor: Executor,
  total: number,
  done: Map<number, RunRecord>,
  io: SweepIo,
  signal?: AbortSignal,
): Promise<number> {
  const controller = new AbortController();
  setMaxListeners(todo.length + 16, controller.signal); // one listener per queued run in the pool
  const onAbort = () => controller.abort();
  if (signal?.aborted) controller.abort(); // Ctrl-C during validation: start nothing
  signal?.addEventListener('abort', onAbort);
  const progress = createProgress(total, done.size, io.errStream, 'sweep');
  let failure: string | null = null;
  try {
    await Promise.all(
      todo.map(async (run) => {
        const v = variants[run.variant]!;
        try {
          const { metrics, warnings, settings } = toOutcome(await executor.run({ file: resolve(v.file), overrides: v.overrides, seed: run.seed }, controller.signal));
          const rec: RunRecord = { key, k: run.k, variant: run.variant, seed: run.seed, metrics, warnings, settings };
          journal.append(rec);
          done.set(run.k, rec);
          progress.tick();
        } catch (err) {
          if (controller.signal.aborted) return; // interrupted, or another run failed first
          failure ??= `run failed: variant ${v.index} (${v.label}), seed ${run.seed}: ${errorText(err)}`;
          controller.abort();
        }
      }),
    );
  } finally {
    progress.stop();
    signal?.removeEventListener('abort', onAbort);
    journal.close();
    await executor.close();
  }
  if (failure !== null) {
    io.err(failure);
    io.err(`${counted(done.size, 'finished run')} kept in ${journal.path}`);
    return EXIT_RUN_FAILED;
  }
  if (signal?.aborted) {
    io.err(`interrupted: ${done.size} of ${counted(total, 'run')} kept in ${journal.path}; rerun the same command to resume`);
    return EXIT_INTERRUPTED;
  }
  return EXIT_OK;
}
