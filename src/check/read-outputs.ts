/**
 * Reads a run folder (summary.json, events.csv, requests.csv) back into the records the checker
 * works on, with output/read-run.ts in strict mode: every column there, every number a number,
 * an error naming file:line and column. The checker never looks at the engine: what it judges is
 * exactly what a user would see on disk (docs/outputs.md).
 */
import type { Config } from '../model/config.js';
import type { EventRow, RequestRow, Summary, TimelineRow } from '../model/summary.js';
import { parseCsv } from '../output/read-csv.js';
import { eventRowsOf, openRunDir, requestRowsOf, timelineRowsOf } from '../output/read-run.js';

export { parseCsv };

export function parseEventsCsv(text: string, file = 'events.csv'): EventRow[] {
  return eventRowsOf({ text, name: file }, 'strict');
}

export function parseRequestsCsv(text: string, file = 'requests.csv'): RequestRow[] {
  return requestRowsOf({ text, name: file }, 'strict');
}

export function parseTimelineCsv(text: string, file = 'timeline.csv'): TimelineRow[] {
  return timelineRowsOf({ text, name: file }, 'strict');
}

export interface RunFolder {
  /** The resolved config the run wrote (config.json; trace rows left out), or null if absent. */
  config: Config | null;
  summary: Summary;
  events: EventRow[];
  /** null when the run did not write requests.csv (`output.requests: false`). */
  requests: RequestRow[] | null;
  /** timeline.csv rows, or null if absent. */
  samples: TimelineRow[] | null;
}

/** Reads summary.json, config.json, events.csv and (if present) requests.csv and timeline.csv from a run folder. */
export function readRunFolder(dir: string): RunFolder {
  const f = openRunDir(dir, 'strict');
  return {
    config: f.config,
    summary: f.summary,
    events: eventRowsOf(f.events!, 'strict'),
    requests: f.requests ? requestRowsOf(f.requests, 'strict') : null,
    samples: f.timeline ? timelineRowsOf(f.timeline, 'strict') : null,
  };
}
