import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../model/config.js';
import {
  EVENT_COLUMNS,
  REQUEST_COLUMNS,
  TIMELINE_COLUMNS,
  type EventRow,
  type RequestRow,
  type Summary,
  type TimelineRow,
} from '../model/summary.js';
import { renderReport } from '../report/render-report.js';
import { simulate, type SimulateOptions } from '../run.js';
import { writeDirAtomically } from './atomic-dir.js';
import { CsvFile, roundDeep } from './csv-file.js';

export interface WriteRunOptions extends SimulateOptions {
  /** Extra warnings from loading the scenario, prepended to the run's own. */
  warnings?: string[];
}

/**
 * Run a scenario and write its folder: summary.json, timeline.csv, events.csv,
 * requests.csv (when asked), config.json and report.html. The folder appears
 * only when everything is written.
 */
export function writeRun(config: Config, outDir: string, opts: WriteRunOptions = {}): Summary {
  return writeDirAtomically(outDir, (tmp) => {
    const timeline = new CsvFile<TimelineRow>(path.join(tmp, 'timeline.csv'), TIMELINE_COLUMNS, (r) => TIMELINE_COLUMNS.map((c) => r[c]));
    const events = new CsvFile<EventRow>(path.join(tmp, 'events.csv'), EVENT_COLUMNS, (r) => EVENT_COLUMNS.map((c) => r[c]));
    const requests = config.output.requests
      ? new CsvFile<RequestRow>(path.join(tmp, 'requests.csv'), REQUEST_COLUMNS, (r) => REQUEST_COLUMNS.map((c) => r[c]))
      : null;
    // The report needs the rows; timeline rows are few (one per sample interval) and events are changes, not requests.
    const timelineRows: TimelineRow[] = [];
    const eventRows: EventRow[] = [];
    let summary: Summary;
    try {
      summary = simulate(
        config,
        {
          sample: (r) => {
            timeline.write(r);
            timelineRows.push(r);
          },
          event: (r) => {
            events.write(r);
            eventRows.push(r);
          },
          request: requests ? (r) => requests.write(r) : undefined,
        },
        opts,
      );
    } finally {
      timeline.close();
      events.close();
      requests?.close();
    }
    summary.warnings = [...(opts.warnings ?? []), ...summary.warnings];
    summary = roundDeep(summary);
    fs.writeFileSync(path.join(tmp, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
    fs.writeFileSync(path.join(tmp, 'config.json'), JSON.stringify(configForOutput(config), null, 2) + '\n');
    fs.writeFileSync(path.join(tmp, 'report.html'), renderReport({ config, summary, timeline: timelineRows, events: eventRows }));
    return summary;
  });
}

/** The resolved config as JSON, without the trace's rows (they are in the trace file). */
export function configForOutput(config: Config): unknown {
  return {
    ...config,
    traffic: config.traffic.map((t) => (t.kind === 'trace' ? { ...t, rows: undefined, requests: t.rows.offsets.length } : t)),
  };
}
