/**
 * Reads a run folder (summary.json, events.csv, requests.csv) back into the
 * records the checker works on. The checker never looks at the engine: what it
 * judges is exactly what a user would see on disk (docs/outputs.md).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../model/config.js';
import { parseCsv } from '../output/read-csv.js';
import type { EventName, EventRow, RequestRow, Summary, TimelineRow } from '../model/summary.js';

export { parseCsv };

/** Rows as objects keyed by the header line; checks that every `required` column is there. */
export function csvRecords(text: string, required: readonly string[], file: string): Record<string, string>[] {
  const rows = parseCsv(text);
  const header = rows[0];
  if (!header) throw new Error(`${file}: empty file, expected a header line`);
  for (const col of required) {
    if (!header.includes(col)) throw new Error(`${file}: missing column "${col}" (header: ${header.join(',')})`);
  }
  const out: Record<string, string>[] = [];
  for (let r = 1; r < rows.length; r++) {
    const cells = rows[r]!;
    if (cells.length === 1 && cells[0] === '') continue; // blank line
    const rec: Record<string, string> = {};
    header.forEach((h, j) => (rec[h] = cells[j] ?? ''));
    out.push(rec);
  }
  return out;
}

function num(s: string | undefined, what: string): number {
  const v = Number(s);
  if (s === undefined || s.trim() === '' || !Number.isFinite(v)) throw new Error(`${what}: not a number: "${s}"`);
  return v;
}

function numOrNull(s: string | undefined, what: string): number | null {
  return s === undefined || s === '' ? null : num(s, what);
}

/** `from`/`to` hold states (text) or replica counts (numbers) depending on the event. */
function cell(s: string | undefined): string | number | null {
  if (s === undefined || s === '') return null;
  const v = Number(s);
  return Number.isFinite(v) ? v : s;
}

export function parseEventsCsv(text: string, file = 'events.csv'): EventRow[] {
  return csvRecords(text, ['t', 'replica', 'event', 'from', 'to', 'detail'], file).map((r, i) => ({
    t: num(r.t, `${file} row ${i + 2} t`),
    replica: numOrNull(r.replica, `${file} row ${i + 2} replica`),
    event: r.event as EventName,
    from: cell(r.from),
    to: cell(r.to),
    detail: r.detail ?? '',
    ...(r.chainlet !== undefined ? { chainlet: r.chainlet } : {}),
  }));
}

export function parseRequestsCsv(text: string, file = 'requests.csv'): RequestRow[] {
  const cols = ['id', 'arrival', 'dispatched', 'replica', 'finished', 'status', 'attempts', 'latency'];
  return csvRecords(text, cols, file).map((r, i) => {
    const at = `${file} row ${i + 2}`;
    return {
      id: num(r.id, `${at} id`),
      arrival: num(r.arrival, `${at} arrival`),
      dispatched: numOrNull(r.dispatched, `${at} dispatched`),
      replica: numOrNull(r.replica, `${at} replica`),
      finished: numOrNull(r.finished, `${at} finished`),
      status: numOrNull(r.status, `${at} status`),
      attempts: num(r.attempts, `${at} attempts`),
      latency: numOrNull(r.latency, `${at} latency`),
      // A chain's requests.csv (SPEC §12): the chainlet, and the caller's request for a call.
      ...(r.chainlet !== undefined ? { chainlet: r.chainlet } : {}),
      ...(r.parent !== undefined ? { parent: r.parent } : {}),
    };
  });
}

/** timeline.csv: every column numeric, empty = null. */
export function parseTimelineCsv(text: string, file = 'timeline.csv'): TimelineRow[] {
  return csvRecords(text, ['t', 'arrivals', 'replicas', 'routable', 'billed_minutes'], file).map((r, i) => {
    const row: Record<string, number | string | null> = {};
    for (const [k, v] of Object.entries(r)) row[k] = k === 'chainlet' ? v : numOrNull(v, `${file} row ${i + 2} ${k}`);
    return row as TimelineRow;
  });
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

/** Reads summary.json, config.json, events.csv and (if present) requests.csv from a run folder. */
export function readRunFolder(dir: string): RunFolder {
  const configFile = join(dir, 'config.json');
  const config = existsSync(configFile) ? (JSON.parse(readFileSync(configFile, 'utf8')) as Config) : null;
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
  const events = parseEventsCsv(readFileSync(join(dir, 'events.csv'), 'utf8'), join(dir, 'events.csv'));
  const reqFile = join(dir, 'requests.csv');
  const requests = existsSync(reqFile) ? parseRequestsCsv(readFileSync(reqFile, 'utf8'), reqFile) : null;
  const tlFile = join(dir, 'timeline.csv');
  const samples = existsSync(tlFile) ? parseTimelineCsv(readFileSync(tlFile, 'utf8'), tlFile) : null;
  return { config, summary, events, requests, samples };
}
