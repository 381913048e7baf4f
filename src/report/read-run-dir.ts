import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../model/config.js';
import { TIMELINE_COLUMNS, type EventName, type EventRow, type Summary, type TimelineRow } from '../model/summary.js';
import { parseCsvRecords } from './csv.js';
import type { ReportInput } from './render-report.js';

/** A run folder that cannot be read as one: the CLI turns it into exit code 2. */
export class RunDirError extends Error {
  override name = 'RunDirError';
}

const EVENT_NAMES: ReadonlySet<string> = new Set<EventName>([
  'state',
  'routable',
  'traffic_stopped',
  'traffic_resumed',
  'restart',
  'fault',
  'scale_up',
  'scale_down',
]);

/**
 * Read a run folder written by `deploysim run`: summary.json, timeline.csv and events.csv
 * (required; events.csv may be missing in an old folder and then reads as no events) and
 * config.json (optional, null when absent).
 */
export function readRunDir(dir: string): ReportInput {
  const missing = ['summary.json', 'timeline.csv'].filter((f) => !existsSync(join(dir, f)));
  if (missing.length > 0) {
    throw new RunDirError(`${dir} is not a run folder: missing ${missing.join(' and ')}`);
  }
  const summary = readJson(join(dir, 'summary.json')) as Summary;
  if (summary === null || typeof summary !== 'object' || typeof summary.duration_s !== 'number') {
    throw new RunDirError(`${join(dir, 'summary.json')}: not a run summary (no duration_s)`);
  }
  const timeline = parseTimeline(readFileSync(join(dir, 'timeline.csv'), 'utf8'));
  const eventsPath = join(dir, 'events.csv');
  const events = existsSync(eventsPath) ? parseEvents(readFileSync(eventsPath, 'utf8')) : [];
  const configPath = join(dir, 'config.json');
  const config = existsSync(configPath) ? (readJson(configPath) as Config) : null;
  return { config, summary, timeline, events };
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new RunDirError(`${path}: ${(e as Error).message}`);
  }
}

function numOrNull(s: string | undefined): number | null {
  if (s === undefined || s === '') return null;
  const v = Number(s);
  return Number.isFinite(v) ? v : null;
}

/** timeline.csv → rows; a column the file lacks (an older writer) reads as null. */
export function parseTimeline(text: string): TimelineRow[] {
  const { header, records } = parseCsvRecords(text);
  if (!header.includes('t')) throw new RunDirError('timeline.csv: no `t` column');
  return records.map((rec) => {
    const row = {} as TimelineRow;
    for (const col of TIMELINE_COLUMNS) row[col] = numOrNull(rec[col]);
    return row;
  });
}

/** events.csv → rows; `from`/`to` are numbers for scale events, state names otherwise. */
export function parseEvents(text: string): EventRow[] {
  const { records } = parseCsvRecords(text);
  const rows: EventRow[] = [];
  for (const rec of records) {
    const t = numOrNull(rec.t);
    const event = rec.event ?? '';
    if (t === null || !EVENT_NAMES.has(event)) continue;
    rows.push({
      t,
      replica: numOrNull(rec.replica),
      event: event as EventName,
      from: fromTo(rec.from),
      to: fromTo(rec.to),
      detail: rec.detail ?? '',
    });
  }
  return rows;
}

function fromTo(s: string | undefined): string | number | null {
  if (s === undefined || s === '') return null;
  const v = Number(s);
  return Number.isFinite(v) ? v : s;
}
