/**
 * The outputs of a finished sweep, a pure function of its arguments and run records, so an
 * unsharded sweep and merged shards write the same bytes: results.csv, comparison.csv,
 * comparison.html, sweep.json and runs.jsonl (sorted).
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../output/atomic-file.js';
import { compareVariants, comparisonCsv, type Comparison } from './comparison.js';
import { seedList } from './grid.js';
import type { RunRecord } from './journal.js';
import { parseMinimize, parseRequirement } from './requirements.js';
import { resolveVariants } from './labels.js';
import { resultsCsv, sortRecords } from './results-csv.js';
import { axisColumns, runKey, variantsOf, type SweepArgs } from './plan.js';

export function writeSweepJson(dir: string, args: SweepArgs): void {
  writeFileAtomic(join(dir, 'sweep.json'), JSON.stringify({ ...args, run_key: runKey(args) }, null, 2) + '\n');
}

export function comparisonOf(args: SweepArgs, records: readonly RunRecord[]): Comparison {
  const { variants, notes } = resolveVariants(args, variantsOf(args), records);
  return compareVariants(
    variants,
    seedList(args.seeds, args.first_seed),
    records,
    args.require.map(parseRequirement),
    args.minimize === null ? null : parseMinimize(args.minimize),
    notes,
    args.baseline?.variant ?? null,
    args.command === 'compare' ? [] : args.vary.map((a) => a.key),
  );
}

/** Shard folders get only their partial results.csv (the comparison needs every run). */
export function writePartialOutputs(dir: string, args: SweepArgs, records: readonly RunRecord[]): void {
  writeFileAtomic(join(dir, 'results.csv'), resultsCsv(axisColumns(args), resolveVariants(args, variantsOf(args), records).variants, records));
}

export async function writeOutputs(dir: string, args: SweepArgs, records: readonly RunRecord[]): Promise<Comparison> {
  // The page's modules (d3's scales and colour ramps) load only when a page is written, not in
  // shards: ~35 ms since the page is written as strings (d3 + jsdom took ~0.5 s to import, ~1 s with the first document).
  const { renderComparisonHtml } = await import('./comparison-html.js');
  const cmp = comparisonOf(args, records);
  writeFileAtomic(join(dir, 'results.csv'), resultsCsv(axisColumns(args), cmp.variants.map((s) => s.variant), records));
  writeFileAtomic(join(dir, 'comparison.csv'), comparisonCsv(axisColumns(args), cmp));
  writeFileAtomic(join(dir, 'comparison.html'), renderComparisonHtml(args, cmp));
  return cmp;
}

/** A journal rewritten in run order (used by merge: the folder then resumes like an unsharded sweep). */
export function writeSortedJournal(dir: string, key: string, records: readonly RunRecord[]): void {
  const lines = sortRecords(records).map((r) => JSON.stringify({ ...r, key }) + '\n');
  writeFileAtomic(join(dir, 'runs.jsonl'), lines.join(''));
}
