import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../model/config.js';
import {
  CHAIN_EVENT_COLUMNS,
  CHAIN_REQUEST_COLUMNS,
  CHAIN_TIMELINE_COLUMNS,
  EVENT_COLUMNS,
  REQUEST_COLUMNS,
  TIMELINE_COLUMNS,
  type EventRow,
  type RequestRow,
  type Sinks,
  type Summary,
  type TimelineRow,
} from '../model/summary.js';
import { CsvFile, roundDeep } from './csv-file.js';
import { LogsFile } from './logs.js';
import { planOutFolder, type OutPlan } from './owned-folder.js';
import { stageFolder } from './staged-folder.js';

/** Every name a run folder may hold: with --force, the only names deleted in a folder deploysim did not mark. */
export const RUN_FILES = ['summary.json', 'config.json', 'timeline.csv', 'events.csv', 'requests.csv', 'logs.txt', 'report.html'] as const;

export interface WriteRunOptions {
  /**
   * The run itself: it writes its records to `sinks` as they happen (the folder's CSVs and
   * logs.txt), and gives the summary. It throws to abandon the folder (RunInterrupted on Ctrl-C).
   */
  simulate: (sinks: Sinks) => Promise<Summary>;
  /**
   * report.html, drawn from the folder once every other file is in it (`dir` is the temporary
   * folder; absent: no report.html). It reads the files back, as `deploysim report <dir>` does.
   */
  report?: (dir: string) => string;
  /** Extra warnings from loading the scenario, prepended to the run's own. */
  warnings?: string[];
  /** Where each setting came from (scenario, --set, truss file, default): written into config.json. */
  provenance?: Record<string, unknown>;
  /** The last word before the folder is put in place, once every file is written: throws to abandon it. */
  beforeInstall?: () => Promise<void>;
}

/**
 * Where a run folder may go, decided before the run: throws OutputRefused (exit 2) for a path
 * deploysim may not replace (see owned-folder.ts). `inputs` are the files the run reads.
 */
export function planRunFolder(outDir: string, opts: { force?: boolean; inputs?: readonly string[] } = {}): OutPlan {
  return planOutFolder(outDir, { kind: 'run', force: opts.force ?? false, ownNames: RUN_FILES, inputs: opts.inputs ?? [] });
}

/**
 * Write a run's folder as it runs: timeline.csv, events.csv, requests.csv (when asked) and logs.txt
 * are sinks the run streams into, then summary.json, config.json and report.html, and deploysim's
 * marker. The folder is built under a hidden temporary name beside the target and put in place
 * only when everything is written; on any error or interruption the temporary folder goes, and
 * the target is as it was. The run and the report are the caller's (run-to-folder.ts): this
 * module only writes files.
 */
export async function writeRun(config: Config, out: string | OutPlan, opts: WriteRunOptions): Promise<Summary> {
  const stage = stageFolder(typeof out === 'string' ? planRunFolder(out) : out, 'run');
  try {
    const summary = await buildRunFolder(config, stage.tmp, opts);
    await opts.beforeInstall?.();
    stage.install();
    return summary;
  } finally {
    stage.dispose();
  }
}

async function buildRunFolder(config: Config, tmp: string, opts: WriteRunOptions): Promise<Summary> {
  // A chain's rows carry their chainlet (and a call its caller): SPEC §12's columns; one deployment's stay as they were.
  const chain = config.chain ?? null;
  const tCols: readonly string[] = chain ? CHAIN_TIMELINE_COLUMNS : TIMELINE_COLUMNS;
  const eCols: readonly string[] = chain ? CHAIN_EVENT_COLUMNS : EVENT_COLUMNS;
  const rCols: readonly string[] = chain ? CHAIN_REQUEST_COLUMNS : REQUEST_COLUMNS;
  const cells = (cols: readonly string[]) => (r: object) => cols.map((c) => (r as Record<string, unknown>)[c]);
  const timeline = new CsvFile<TimelineRow>(path.join(tmp, 'timeline.csv'), tCols, cells(tCols));
  const events = new CsvFile<EventRow>(path.join(tmp, 'events.csv'), eCols, cells(eCols));
  const requests = config.output.requests ? new CsvFile<RequestRow>(path.join(tmp, 'requests.csv'), rCols, cells(rCols)) : null;
  // logs.txt: streamed like the CSVs (a chain's chainlets share one clock: their lines come merged).
  const logs = new LogsFile(path.join(tmp, 'logs.txt'), { seed: config.seed, startTime: config.assumptions.start_time });
  // Nothing is kept for the report: it reads the files back once they are complete.
  let summary: Summary;
  try {
    summary = await opts.simulate({
      sample: (r) => timeline.write(r),
      event: (r) => events.write(r),
      request: requests ? (r) => requests.write(r) : undefined,
      log: (e) => logs.write(e),
    });
  } finally {
    timeline.close();
    events.close();
    requests?.close();
    logs.close();
  }
  summary.warnings = [...(opts.warnings ?? []), ...summary.warnings];
  summary = roundDeep(summary);
  fs.writeFileSync(path.join(tmp, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  fs.writeFileSync(path.join(tmp, 'config.json'), JSON.stringify(configForOutput(config, opts.provenance), null, 2) + '\n');
  if (opts.report) fs.writeFileSync(path.join(tmp, 'report.html'), opts.report(tmp));
  return summary;
}

/** The resolved config as JSON, without the trace's rows (they are in the trace file), and where settings came from. */
export function configForOutput(config: Config, provenance?: Record<string, unknown>): unknown {
  return {
    ...config,
    traffic: config.traffic.map((t) => (t.kind === 'trace' ? { ...t, rows: undefined, requests: t.rows.offsets.length } : t)),
    ...(provenance ? { provenance } : {}),
  };
}
