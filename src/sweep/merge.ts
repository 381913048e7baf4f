/**
 * `deploysim merge <shard dirs...> --out DIR`: join the shard folders of one sweep into the outputs
 * an unsharded sweep writes, byte for byte (the outputs are a function of the arguments and the
 * run records only). Refuses folders of different sweeps, missing or duplicate shards and
 * incomplete shards, naming which.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { comparisonTable } from './comparison.js';
import { readJournal, type RunRecord } from './journal.js';
import { writeOutputs, writeSortedJournal, writeSweepJson } from './outputs.js';
import { canonicalJson, runKey, runsOf, sameSweep, type SweepArgs } from './plan.js';
import { inShard } from './shard.js';
import { EXIT_BAD_INPUT, EXIT_OK, type Io } from './sweep.js';

function readArgs(dir: string): SweepArgs {
  const path = join(dir, 'sweep.json');
  if (!existsSync(path)) throw new Error(`${dir}: no sweep.json (not a sweep shard folder)`);
  const { run_key: _key, ...args } = JSON.parse(readFileSync(path, 'utf8')) as SweepArgs & { run_key?: string };
  return args;
}

/** Which top-level arguments differ, for the refusal message. */
function differences(a: SweepArgs, b: SweepArgs): string[] {
  const keys = Object.keys({ ...a, ...b }) as (keyof SweepArgs)[];
  return keys.filter((k) => {
    const x = k === 'shard' ? a.shard?.count : a[k];
    const y = k === 'shard' ? b.shard?.count : b[k];
    return canonicalJson(x) !== canonicalJson(y);
  });
}

export async function runMerge(dirs: readonly string[], out: string, io: Io): Promise<number> {
  const errors: string[] = [];
  const shards: { dir: string; args: SweepArgs }[] = [];
  for (const dir of dirs) {
    try {
      shards.push({ dir, args: readArgs(dir) });
    } catch (err) {
      errors.push(err instanceof Error ? err.message : String(err));
    }
  }
  if (shards.length === 0 && errors.length === 0) errors.push('merge: no shard folders given');
  if (errors.length > 0) {
    for (const e of errors) io.err(e);
    return EXIT_BAD_INPUT;
  }

  const first = shards[0]!;
  for (const s of shards.slice(1)) {
    if (!sameSweep(first.args, s.args)) {
      errors.push(`refusing to merge: ${s.dir} and ${first.dir} are shards of different sweeps (they differ in ${differences(first.args, s.args).join(', ')})`);
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

  const merged: SweepArgs = { ...first.args, shard: null };
  const key = runKey(merged);
  writeSweepJson(out, merged);
  writeSortedJournal(out, key, records.map((r) => ({ ...r, key })));
  const cmp = await writeOutputs(out, merged, records);
  io.out(comparisonTable(cmp));
  io.err(`merged ${shards.length} shards (${records.length} runs) → ${out}`);
  return EXIT_OK;
}
