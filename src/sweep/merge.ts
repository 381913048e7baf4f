/**
 * `deploysim merge <shard dirs...> --out DIR`: join the shard folders of one sweep into the outputs
 * an unsharded sweep writes, byte for byte (the outputs are a function of the arguments and the
 * run records only). Refuses folders of different sweeps, missing or duplicate shards and
 * incomplete shards, naming which.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { OutputRefused, type OutPlan } from '../output/owned-folder.js';
import { stageFolder } from '../output/staged-folder.js';
import { comparisonTable } from './comparison.js';
import { planSweepFolder, readSweepJson, SweepJsonError, SWEEP_FILES } from './folder.js';
import { readJournal, type RunRecord } from './journal.js';
import { writeOutputs, writeSortedJournal, writeSweepJson } from './outputs.js';
import { differences, runKey, runsOf, sameSweep, type SweepArgs } from './plan.js';
import { inShard } from './shard.js';
import type { SweepIo } from './io.js';
import { EXIT_BAD_INPUT, EXIT_OK } from './sweep.js';

function readArgs(dir: string): SweepArgs {
  const path = join(dir, 'sweep.json');
  if (!existsSync(path)) throw new SweepJsonError(`${dir}: no sweep.json (not a sweep shard folder)`);
  return readSweepJson(path);
}

export interface MergeOptions {
  /** Write into an existing folder deploysim did not mark (only deploysim's own files are replaced). */
  force?: boolean;
}

export async function runMerge(dirs: readonly string[], out: string, io: SweepIo, opts: MergeOptions = {}): Promise<number> {
  const errors: string[] = [];
  const shards: { dir: string; args: SweepArgs }[] = [];
  for (const dir of dirs) {
    try {
      shards.push({ dir, args: readArgs(dir) });
    } catch (err) {
      if (!(err instanceof SweepJsonError)) throw err;
      errors.push(err.message);
    }
  }
  if (shards.length === 0 && errors.length === 0) errors.push('merge: no shard folders given');
  // --out is checked before anything else is read: it may not be, hold, or be inside a shard folder.
  let plan: OutPlan | null = null;
  try {
    plan = planSweepFolder(out, {
      kind: 'merge',
      replaces: ['merge', 'sweep'],
      force: opts.force ?? false,
      ownNames: SWEEP_FILES,
      writes: SWEEP_FILES,
      inputs: shards[0]?.args.scenarios.map((f) => f.path) ?? [],
      inputFolders: dirs,
    });
  } catch (err) {
    if (!(err instanceof OutputRefused)) throw err;
    errors.push(err.message);
  }
  if (errors.length > 0) {
    for (const e of errors) io.err(e);
    return EXIT_BAD_INPUT;
  }

  const first = shards[0]!;
  for (const s of shards.slice(1)) {
    if (!sameSweep(first.args, s.args)) {
      errors.push(`refusing to merge: ${s.dir} and ${first.dir} are shards of different sweeps (they differ in ${differences(first.args, s.args).join('; ')})`);
    }
  }
  const count = first.args.shard?.count ?? null;
  const seen = new Map<number, string>();
  for (const s of shards) {
    if (s.args.shard === null) {
      errors.push(`${s.dir}: not a shard (its sweep ran without --shard)`);
      continue;
    }
    const other = seen.get(s.args.shard.index);
    if (other !== undefined) errors.push(`${s.dir}: shard ${s.args.shard.index}/${s.args.shard.count} is also in ${other}`);
    seen.set(s.args.shard.index, s.dir);
  }
  if (errors.length === 0 && count !== null) {
    const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
    if (missing.length > 0) errors.push(`merge: missing shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')}`);
  }
  if (errors.length > 0) {
    for (const e of errors) io.err(e);
    return EXIT_BAD_INPUT;
  }

  const records: RunRecord[] = [];
  for (const s of shards) {
    const runs = runsOf(s.args).filter((r) => inShard(r.k, s.args.shard));
    const got = new Map(readJournal(join(s.dir, 'runs.jsonl'), runKey(s.args)).records.map((r) => [r.k, r]));
    const absent = runs.filter((r) => {
      const rec = got.get(r.k);
      return !rec || rec.variant !== r.variant || rec.seed !== r.seed;
    });
    if (absent.length > 0) {
      errors.push(`${s.dir}: shard ${s.args.shard!.index}/${s.args.shard!.count} is incomplete: ${absent.length} of ${runs.length} runs missing (rerun its sweep command to finish it)`);
      continue;
    }
    for (const r of runs) records.push(got.get(r.k)!);
  }
  if (errors.length > 0) {
    for (const e of errors) io.err(e);
    return EXIT_BAD_INPUT;
  }

  // Built beside --out under a temporary name, then put in place: only deploysim's files are replaced.
  const merged: SweepArgs = { ...first.args, shard: null };
  const key = runKey(merged);
  const target = plan!;
  let stage;
  try {
    stage = stageFolder(target, 'merge');
  } catch (err) {
    if (!(err instanceof OutputRefused)) throw err;
    io.err(err.message);
    return EXIT_BAD_INPUT;
  }
  let cmp;
  try {
    writeSweepJson(stage.tmp, merged);
    writeSortedJournal(stage.tmp, key, records.map((r) => ({ ...r, key })));
    cmp = await writeOutputs(stage.tmp, merged, records);
    stage.install();
  } finally {
    stage.dispose();
  }
  io.out(comparisonTable(cmp));
  io.err(`merged ${shards.length} shards (${records.length} runs) → ${out}`);
  return EXIT_OK;
}
