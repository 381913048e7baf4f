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
  type Summary,
  type TimelineRow,
} from '../model/summary.js';
import { CallCounter } from '../report/call-graph.js';
import { readLogHead } from '../report/log-head.js';
import { renderReport } from '../report/render-report.js';
import { simulateInterruptible, type SimulateOptions } from '../run.js';
import { onExitRemove } from './cleanup.js';
import { CsvFile, roundDeep } from './csv-file.js';
import { lockFolder } from './folder-lock.js';
import { LogsFile } from './logs.js';
import { installFolder, planOutFolder, type OutPlan } from './owned-folder.js';

/** Every name a run folder may hold: with --force, the only names deleted in a folder deploysim did not mark. */
export const RUN_FILES = ['summary.json', 'config.json', 'timeline.csv', 'events.csv', 'requests.csv', 'logs.txt', 'report.html'] as const;

export interface WriteRunOptions extends SimulateOptions {
  /** Extra warnings from loading the scenario, prepended to the run's own. */
  warnings?: string[];
  /** Where each setting came from (scenario, --set, truss file, default): written into config.json. */
  provenance?: Record<string, unknown>;
  /** Ctrl-C: the run stops, its temporary folder and lock are removed, RunInterrupted is thrown. */
  signal?: AbortSignal;
}

/**
 * Where a run folder may go, decided before the run: throws OutputRefused (exit 2) for a path
 * deploysim may not replace (see owned-folder.ts). `inputs` are the files the run reads.
 */
export function planRunFolder(outDir: string, opts: { force?: boolean; inputs?: readonly string[] } = {}): OutPlan {
  return planOutFolder(outDir, { kind: 'run', force: opts.force ?? false, ownNames: RUN_FILES, inputs: opts.inputs ?? [] });
}

let tmpCounter = 0;

/**
 * Run a scenario and write its folder: summary.json, timeline.csv, events.csv, requests.csv
 * (when asked), logs.txt, config.json and report.html, and deploysim's marker. The folder is built under
 * a hidden temporary name beside the target and put in place only when everything is written;
 * on any error or interruption the temporary folder goes, and the target is as it was.
 */
export async function writeRun(config: Config, out: string | OutPlan, opts: WriteRunOptions = {}): Promise<Summary> {
  const plan = typeof out === 'string' ? planRunFolder(out) : out;
  const lock = lockFolder(plan.dir);
  const tmp = path.join(path.dirname(plan.dir), `.${path.basename(plan.dir)}.deploysim-tmp-${process.pid}-${tmpCounter++}`);
  const forget = onExitRemove(tmp);
  try {
    fs.mkdirSync(tmp);
    const summary = await buildRunFolder(config, tmp, opts);
    installFolder(tmp, plan, 'run');
    return summary;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true }); // gone already when installed
    forget();
    lock.release();
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
  // The report needs the rows (a chain's: every chainlet's); timeline rows are few (one per sample
  // interval and chainlet) and events are changes, not requests. It takes them rounded as the CSV
  // files hold them, so `deploysim report <dir>` draws the very same page from the files.
  const timelineRows: TimelineRow[] = [];
  const eventRows: EventRow[] = [];
  // A chain's call graph counts calls per caller → callee from the request rows requests.csv holds.
  const calls = chain && requests ? new CallCounter() : null;
  let summary: Summary;
  try {
    summary = await simulateInterruptible(
      config,
      {
        sample: (r) => {
          timeline.write(r);
          timelineRows.push(roundDeep(r));
        },
        event: (r) => {
          events.write(r);
          eventRows.push(roundDeep(r));
        },
        request: requests
          ? (r) => {
              requests.write(r);
              calls?.add(r.chainlet, r.parent, r.status);
            }
          : undefined,
        log: (e) => logs.write(e),
      },
      opts,
    );
  } finally {
    timeline.close();
    events.close();
    requests?.close();
    logs.close();
  }
  summary.warnings = [...(opts.warnings ?? []), ...summary.warnings];
  summary = roundDeep(summary);
  const summaryText = JSON.stringify(summary, null, 2) + '\n';
  const configText = JSON.stringify(configForOutput(config, opts.provenance), null, 2) + '\n';
  fs.writeFileSync(path.join(tmp, 'summary.json'), summaryText);
  fs.writeFileSync(path.join(tmp, 'config.json'), configText);
  // The report from what the files hold (summary.json, config.json, the CSVs' rounded rows): the
  // page `deploysim report <dir>` draws from them, byte for byte.
  const report = renderReport({
    config: JSON.parse(configText) as Config,
    summary: JSON.parse(summaryText) as Summary,
    timeline: timelineRows,
    events: eventRows,
    ...(chain ? { calls: calls ? calls.edges() : null } : {}),
    logHead: readLogHead(path.join(tmp, 'logs.txt')),
  });
  fs.writeFileSync(path.join(tmp, 'report.html'), report);
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
