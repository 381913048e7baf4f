/**
 * The folders a sweep writes (SPEC §9, "never lose a user's file"): `--out` must be absent, empty
 * or a folder deploysim marked as a sweep (a merge), its shard folders marked as shards. Anything
 * else is refused before any run (exit 2), unless `--force`, and even then only deploysim's own
 * files are deleted. A folder holding a sweep of other arguments is refused too (its results would
 * sit beside the new sweep.json as if they were the new sweep's), or with `--force` its own files
 * are deleted before anything runs.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { MARKER_FILE, OutputRefused, planOutFolder, readMarker, updateMarker, type FolderKind, type OutPlan, type PlanOptions } from '../output/owned-folder.js';
import { removeStaleTemps } from '../output/atomic-file.js';
import { differences, runKey, type SweepArgs } from './plan.js';

/** The comparison outputs: present only beside a complete journal of the sweep.json's key. */
export const SWEEP_OUTPUTS = ['results.csv', 'comparison.csv', 'comparison.html'] as const;
/** Every file a sweep (or merge) folder holds, in the order they are deleted (results first). */
export const SWEEP_FILES = [...SWEEP_OUTPUTS, 'runs.jsonl', 'sweep.json'] as const;
/** A shard folder's files: its partial results.csv, journal and arguments. */
export const SHARD_FILES = ['results.csv', 'runs.jsonl', 'sweep.json'] as const;
const SHARD_DIR = /^shard-\d+-of-\d+$/;

/** A sweep.json that cannot be read as one: exit 2, naming the file and what is wrong. */
export class SweepJsonError extends Error {
  override name = 'SweepJsonError';
}

/** Read and check a sweep.json (the arguments without run_key; `inputs` [] when an older one lacks it). */
export function readSweepJson(path: string): SweepArgs {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new SweepJsonError(e.code ? `${path}: cannot be read (${e.message})` : `${path}: not valid JSON (${e.message})`);
  }
  const bad = (what: string) => new SweepJsonError(`${path}: not a deploysim sweep.json (${what})`);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad(`found ${raw === null ? 'null' : Array.isArray(raw) ? 'an array' : typeof raw}, expected an object`);
  const o = raw as Record<string, unknown>;
  const files = (v: unknown) => Array.isArray(v) && v.every((f) => typeof f === 'object' && f !== null && typeof (f as { path?: unknown }).path === 'string' && typeof (f as { sha256?: unknown }).sha256 === 'string');
  const int = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
  const checks: [string, boolean][] = [
    ['format', typeof o.format === 'number'],
    ['command', o.command === 'sweep' || o.command === 'compare'],
    ['scenarios', files(o.scenarios) && (o.scenarios as unknown[]).length > 0],
    ['inputs', o.inputs === undefined || files(o.inputs)],
    ['vary', Array.isArray(o.vary)],
    ['seeds', int(o.seeds) && (o.seeds as number) > 0],
    ['first_seed', int(o.first_seed)],
    ['require', Array.isArray(o.require) && o.require.every((r) => typeof r === 'string')],
    ['minimize', o.minimize === null || typeof o.minimize === 'string'],
    ['labels', o.labels === undefined || (Array.isArray(o.labels) && o.labels.every((l) => typeof l === 'string'))],
    ['baseline', o.baseline === undefined || (typeof o.baseline === 'object' && o.baseline !== null && typeof (o.baseline as { spec?: unknown }).spec === 'string' && int((o.baseline as { variant?: unknown }).variant))],
    ['shard', o.shard === null || (typeof o.shard === 'object' && int((o.shard as { index?: unknown }).index) && int((o.shard as { count?: unknown }).count))],
  ];
  const wrong = checks.filter(([, ok]) => !ok).map(([k]) => k);
  if (wrong.length > 0) throw bad(`missing or invalid ${wrong.join(', ')}`);
  const { run_key: _key, ...args } = o as unknown as SweepArgs & { run_key?: unknown };
  return { ...args, inputs: args.inputs ?? [] };
}

/**
 * planOutFolder, and: a sweep folder written before markers existed (only sweep files and shard
 * folders, a readable sweep.json) counts as marked, so an old sweep still resumes; and a name
 * deploysim is about to write that is not its own (a user's file left beside a marked folder's
 * files, a folder named results.csv) is refused even with --force: it would be overwritten.
 */
export function planSweepFolder(out: string, opts: PlanOptions & { writes: readonly string[] }): OutPlan {
  let plan: OutPlan;
  try {
    plan = planOutFolder(out, opts);
  } catch (err) {
    const legacy = err instanceof OutputRefused ? legacySweepFolder(out, opts) : null;
    if (legacy === null) throw err;
    plan = legacy;
  }
  const clash = opts.writes.filter((f) => plan.kept.includes(f));
  if (clash.length > 0) {
    throw new OutputRefused(`${opts.option ?? '--out'} ${out}: holds ${clash.join(', ')}, which deploysim did not write and would overwrite; move ${clash.length > 1 ? 'them' : 'it'} or choose another path; nothing was written`);
  }
  return plan;
}

function legacySweepFolder(out: string, opts: PlanOptions & { writes: readonly string[] }): OutPlan | null {
  try {
    if (!lstatSync(out).isDirectory() || existsSync(join(out, MARKER_FILE))) return null;
    const entries = readdirSync(out).sort();
    const own = new Set<string>(opts.ownNames);
    if (!entries.includes('sweep.json') || !entries.every((e) => (own.has(e) && lstatSync(join(out, e)).isFile()) || (SHARD_DIR.test(e) && readMarker(join(out, e)) !== null))) return null;
    readSweepJson(join(out, 'sweep.json'));
    // Still every other check of planOutFolder (root, cwd, inputs, writable): as if it were marked.
    planOutFolder(out, { ...opts, force: true });
    return { dir: out, existing: 'forced', ours: entries.filter((e) => own.has(e)), kept: entries.filter((e) => !own.has(e)) };
  } catch (err) {
    if (err instanceof OutputRefused) throw err;
    return null;
  }
}

/**
 * The sweep.json of a folder whose files are ours (`plan.ours`) against this sweep's arguments:
 * same key → resume; another key, an unreadable sweep.json, or results without one → refused
 * without --force (naming what differs), or with --force the old sweep's files are deleted
 * (results first) before anything runs. Returns what was deleted.
 */
export function clearOtherSweep(dir: string, plan: OutPlan, args: SweepArgs, files: readonly string[], force: boolean, option = '--out'): string[] {
  const present = files.filter((f) => plan.ours.includes(f));
  if (present.length === 0) return [];
  let why: string | null = null;
  if (!present.includes('sweep.json')) why = `holds ${present.join(', ')} of a sweep without its sweep.json`;
  else {
    try {
      const previous = readSweepJson(join(dir, 'sweep.json'));
      if (runKey(previous) !== runKey(args)) {
        const diff = differences(previous, args, { shardIndex: true });
        why = `holds a sweep with other arguments (they differ in ${diff.length > 0 ? diff.join('; ') : 'the run key'})`;
      }
    } catch (err) {
      if (!(err instanceof SweepJsonError)) throw err;
      why = `holds a sweep whose sweep.json cannot be read (${err.message})`;
    }
  }
  if (why === null) return [];
  if (!force) {
    throw new OutputRefused(
      `${option} ${dir}: ${why}; its results are not this sweep's. Choose another ${option}, or pass --force to discard the old sweep's results (${present.join(', ')}); nothing was written`,
    );
  }
  const kind = readMarker(dir)?.kind;
  for (const f of present) {
    try {
      unlinkSync(join(dir, f));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  if (kind !== undefined) updateMarker(dir, kind, [], present);
  return present;
}

/** Create (or adopt) the folder and list the files about to be written in its marker; drop stale temporaries. */
export function openFolder(dir: string, kind: FolderKind, files: readonly string[]): void {
  mkdirSync(dir, { recursive: true });
  const current = readMarker(dir)?.kind;
  updateMarker(dir, current === 'merge' && kind === 'sweep' ? 'merge' : kind, files);
  removeStaleTemps(dir, [...SWEEP_FILES]);
}
