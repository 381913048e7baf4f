/**
 * `runs.jsonl`: one line per finished run, appended (and written through to the OS) as each run
 * finishes, so a Ctrl-C or a killed pod loses at most the runs in progress. Every line carries
 * the sweep's run key; lines of another key (the folder was used for other arguments) are not
 * ours and are dropped when the journal is reopened. A torn last line is ignored.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { Metrics } from './metrics.js';
import { writeFileAtomic } from '../output/atomic-file.js';

export interface RunRecord {
  key: string;
  k: number;
  variant: number;
  seed: number;
  metrics: Metrics;
  /** The run's warnings (absent: none reported). */
  warnings?: string[];
  /** The settings the run actually ran, read back from its config (see RunOutcome.settings). */
  settings?: Record<string, string> | null;
}

export interface JournalContents {
  records: RunRecord[];
  /** Lines of other keys or unreadable lines (dropped on reopen). */
  foreign: number;
}

export function readJournal(path: string, key: string): JournalContents {
  if (!existsSync(path)) return { records: [], foreign: 0 };
  const records: RunRecord[] = [];
  const seen = new Set<number>();
  let foreign = 0;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    let rec: RunRecord;
    try {
      rec = JSON.parse(line) as RunRecord;
    } catch {
      foreign++;
      continue;
    }
    if (rec.key !== key || typeof rec.k !== 'number' || typeof rec.metrics !== 'object' || rec.metrics === null) {
      foreign++;
      continue;
    }
    if (seen.has(rec.k)) continue; // a run finished twice (two racing processes): same result, keep one
    seen.add(rec.k);
    records.push(rec);
  }
  return { records, foreign };
}

export class Journal {
  private fd: number;

  /** Opens for appending; rewrites the file first when it holds lines that are not ours. */
  constructor(
    readonly path: string,
    readonly key: string,
    existing: JournalContents,
  ) {
    if (existing.foreign > 0) writeFileAtomic(path, existing.records.map((r) => JSON.stringify(r) + '\n').join(''));
    this.fd = openSync(path, 'a');
  }

  append(rec: RunRecord): void {
    writeSync(this.fd, JSON.stringify(rec) + '\n');
    fsyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}
