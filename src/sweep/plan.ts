/**
 * What defines a sweep, stored as `sweep.json` in its out folder: the scenario files (with a hash
 * of their content), the --vary axes, the seeds, the requirements and the shard. The journal is
 * keyed by a hash of the parts that decide the runs' results, so a rerun with the same arguments
 * resumes and a rerun with other ones starts over.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { compareVariants, expandGrid, runList, seedList, type Run, type Variant, type VaryAxis } from './grid.js';
import type { Shard } from './shard.js';

export const SWEEP_FORMAT = 1;

export interface SweepArgs {
  format: number;
  command: 'sweep' | 'compare';
  /** Paths as given on the command line, with the sha256 of their content. */
  scenarios: { path: string; sha256: string }[];
  /** sweep: the --vary axes; compare: empty. */
  vary: VaryAxis[];
  seeds: number;
  first_seed: number;
  require: string[];
  minimize: string | null;
  shard: Shard | null;
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
  return createHash('sha256')
    .update(canonicalJson({ format, command, scenarios, vary, seeds, first_seed, shard }))
    .digest('hex')
    .slice(0, 16);
}

/** Two shard folders belong to the same sweep when everything but the shard index agrees. */
export function sameSweep(a: SweepArgs, b: SweepArgs): boolean {
  const strip = (x: SweepArgs) => canonicalJson({ ...x, shard: x.shard ? { count: x.shard.count } : null });
  return strip(a) === strip(b);
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
