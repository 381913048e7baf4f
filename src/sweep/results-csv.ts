/**
 * results.csv: one row per (variant, seed), sorted by variant then seed, whatever order the runs
 * finished in, so the file is byte-identical for any --workers and for merged shards. The varied
 * columns hold the values the runs resolved (labels.ts); `warnings` counts the run's warnings (their
 * texts are in runs.jsonl).
 */
import { stringify } from 'csv-stringify/sync';
import type { Variant } from './grid.js';
import type { RunRecord } from './journal.js';
import { metricKeysOf } from './metrics.js';
import { fmtNum } from './format.js';

export function sortRecords(records: readonly RunRecord[]): RunRecord[] {
  return [...records].sort((a, b) => a.variant - b.variant || a.seed - b.seed);
}

/** The metric columns: METRICS, then a chain's `chain.*` and `NAME.*` (metricKeysOf). */
export function resultsCsv(axisColumns: readonly string[], variants: readonly Variant[], records: readonly RunRecord[]): string {
  const keys = metricKeysOf(records);
  const header = ['variant', ...axisColumns, 'seed', ...keys, 'warnings'];
  const rows = sortRecords(records).map((r) => [
    String(r.variant),
    ...variants[r.variant]!.values,
    String(r.seed),
    ...keys.map((m) => fmtNum(r.metrics[m] ?? null)),
    String(r.warnings?.length ?? 0),
  ]);
  return stringify([header, ...rows]);
}
