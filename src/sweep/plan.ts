/**
 * What defines a sweep, stored as `sweep.json` in its out folder: the scenario files (with a hash
 * of their content), the --vary axes, the seeds, the requirements and the shard. The journal is
 * keyed by a hash of the parts that decide the runs' results, so a rerun with the same arguments
 * resumes and a rerun with other ones starts over.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { compareVariants, expandGrid, runList, seedList, type Run, type Variant, type VaryAxis } from './grid.js';
import type { BaselineChoice } from './baseline.js';
import type { Shard } from './shard.js';

/**
 * 2: run records carry the run's warnings and the settings read back from its config, and the
 * health metrics (mid_load_kills, ...); a format-1 journal lacks them, so it is not resumed.
 */
export const SWEEP_FORMAT = 2;

export interface SweepArgs {
  format: number;
  command: 'sweep' | 'compare';
  /** Paths as given on the command line, with the sha256 of their content. */
  scenarios: { path: string; sha256: string }[];
  /**
   * The other files the scenarios read (traces), with the sha256 of their content: part of the
   * run key, so an edited trace is never resumed as if it were the old one. Paths are relative to
   * the working folder when inside it (as shards on other machines see them), else absolute.
   * Absent in a sweep.json written before traces were hashed (reads as []).
   */
  inputs: { path: string; sha256: string }[];
  /** sweep: the --vary axes; compare: empty. */
  vary: VaryAxis[];
  seeds: number;
  first_seed: number;
  require: string[];
  minimize: string | null;
  shard: Shard | null;
  /**
   * compare: each file's label, the settings in which its resolved config differs from the other's
   * (computed when the files are validated; not part of the run key). Absent for a sweep, whose
   * labels come from each run's resolved settings.
   */
  labels?: string[];
  /**
   * `--baseline`: the variant the paired differences are taken against, as the user named it and
   * as resolved before any run. Absent: variant 0 (the first value of every --vary; compare: the
   * first file). Not part of the run key: another baseline reuses every run.
   */
  baseline?: BaselineChoice;
}

export function fileSha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Canonical JSON (sorted keys), so the hash does not depend on property order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/** The journal key: the arguments that decide which runs exist and what they compute. */
export function runKey(args: SweepArgs): string {
  const { format, command, scenarios, vary, seeds, first_seed, shard } = args;
  // `inputs` only when there are some: a trace-less sweep keeps the key it had before traces were hashed.
  const inputs = args.inputs?.length ? args.inputs : undefined;
  return createHash('sha256')
    .update(canonicalJson({ format, command, scenarios, inputs, vary, seeds, first_seed, shard }))
    .digest('hex')
    .slice(0, 16);
}

/** Two shard folders belong to the same sweep when everything but the shard index agrees. */
export function sameSweep(a: SweepArgs, b: SweepArgs): boolean {
  const strip = (x: SweepArgs) => canonicalJson({ ...x, inputs: x.inputs ?? [], shard: x.shard ? { count: x.shard.count } : null });
  return strip(a) === strip(b);
}

/** The files of `b` whose content differs from `a`'s (or that only one of them reads), for messages. */
export function inputDifferences(a: readonly { path: string; sha256: string }[], b: readonly { path: string; sha256: string }[]): string[] {
  const before = new Map(a.map((f) => [f.path, f.sha256]));
  const after = new Map(b.map((f) => [f.path, f.sha256]));
  const out: string[] = [];
  for (const [p, h] of after) {
    const old = before.get(p);
    if (old === undefined) out.push(`${p} (read by one sweep only)`);
    else if (old !== h) out.push(`${p} (content changed: sha256 ${old.slice(0, 12)}… vs ${h.slice(0, 12)}…)`);
  }
  for (const p of before.keys()) if (!after.has(p)) out.push(`${p} (read by one sweep only)`);
  return out;
}

/**
 * Which arguments of two sweeps differ, for messages: the top-level names (shard by count only,
 * as shards of one sweep differ in their index), the scenario and trace files by name.
 */
export function differences(a: SweepArgs, b: SweepArgs, opts: { shardIndex?: boolean } = {}): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => k !== 'run_key') as (keyof SweepArgs)[];
  const out: string[] = [];
  for (const k of keys) {
    if (k === 'scenarios' || k === 'inputs') {
      const x = (a[k] ?? []) as SweepArgs['inputs'];
      const y = (b[k] ?? []) as SweepArgs['inputs'];
      if (canonicalJson(x) === canonicalJson(y)) continue;
      const files = k === 'scenarios' && x.length === y.length && x.some((f, i) => f.path !== y[i]!.path) ? [] : inputDifferences(x, y);
      out.push(files.length > 0 ? `${k === 'inputs' ? 'trace files' : 'scenario files'} ${files.join(', ')}` : k);
      continue;
    }
    const x = k === 'shard' && !opts.shardIndex ? a.shard?.count : a[k];
    const y = k === 'shard' && !opts.shardIndex ? b.shard?.count : b[k];
    if (canonicalJson(x) !== canonicalJson(y)) out.push(k === 'first_seed' ? 'first-seed' : k);
  }
  return out;
}

export function variantsOf(args: SweepArgs): Variant[] {
  if (args.command === 'compare') return compareVariants(args.scenarios.map((s) => s.path));
  return expandGrid(args.vary, args.scenarios[0]!.path);
}

/** Column names of the varied values in results.csv / comparison.csv. */
export function axisColumns(args: SweepArgs): string[] {
  return args.command === 'compare' ? ['scenario'] : args.vary.map((a) => a.key);
}

export function runsOf(args: SweepArgs): Run[] {
  return runList(variantsOf(args).length, seedList(args.seeds, args.first_seed));
}
