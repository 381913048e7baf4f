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
  const summaryPath = join(dir, 'summary.json');
  const summary = readJson(summaryPath);
  const wrong = summaryProblems(summary);
  if (wrong.length > 0) throw new RunDirError(`${summaryPath}: not a run summary (${wrong.join('; ')})`);
  const timeline = parseTimeline(readFileSync(join(dir, 'timeline.csv'), 'utf8'));
  const eventsPath = join(dir, 'events.csv');
  const events = existsSync(eventsPath) ? parseEvents(readFileSync(eventsPath, 'utf8')) : [];
  const configPath = join(dir, 'config.json');
  const config = existsSync(configPath) ? readJson(configPath) : null;
  if (config !== null && (typeof config !== 'object' || Array.isArray(config))) {
    throw new RunDirError(`${configPath}: not a run config (found ${describe(config)}, expected an object)`);
  }
  return { config: config as Config | null, summary: summary as Summary, timeline, events };
}

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

/**
 * What keeps `raw` from being a Summary the report can draw (empty when nothing): the fields the
 * report reads, by name, so a hand-edited or truncated summary.json is exit 2, not a crash.
 */
export function summaryProblems(raw: unknown): string[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return [`found ${describe(raw)}, expected an object`];
  const s = raw as Record<string, unknown>;
  const problems: string[] = [];
  const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  const numOrNull = (v: unknown) => v === null || num(v);
  const obj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const need = (name: string, ok: boolean, expected: string, value: unknown) => {
    if (!ok) problems.push(value === undefined ? `missing ${name}` : `${name}: found ${describe(value)}, expected ${expected}`);
  };
  need('scenario', typeof s.scenario === 'string', 'a string', s.scenario);
  need('seed', num(s.seed), 'a number', s.seed);
  need('duration_s', num(s.duration_s), 'a number', s.duration_s);
  need('availability', s.availability === undefined ? false : numOrNull(s.availability), 'a number or null', s.availability);
  const groups: [string, string[], (v: unknown) => boolean, string][] = [
    ['requests', ['arrived', 'succeeded', 'failed', 'in_flight_at_end', 'retried_attempts'], num, 'a number'],
    ['latency_s', ['mean', 'p50', 'p90', 'p95', 'p99', 'max'], numOrNull, 'a number or null'],
    ['queue_wait_s', ['mean', 'p99'], numOrNull, 'a number or null'],
    ['replicas', ['created', 'peak', 'mean', 'restarts', 'cold_starts', 'traffic_stops'], num, 'a number'],
    ['billing', ['billed_minutes', 'cost', 'minutes_not_serving', 'price_per_minute'], num, 'a number'],
  ];
  for (const [group, fields, ok, expected] of groups) {
    const g = s[group];
    if (!obj(g)) {
      need(group, false, 'an object', g);
      continue;
    }
    for (const f of fields) need(`${group}.${f}`, g[f] !== undefined && ok(g[f]), expected, g[f]);
  }
  const billing = s.billing;
  if (obj(billing)) need('billing.cost_per_1k_succeeded', billing.cost_per_1k_succeeded !== undefined && numOrNull(billing.cost_per_1k_succeeded), 'a number or null', billing.cost_per_1k_succeeded);
  const requests = s.requests;
  if (obj(requests)) need('requests.by_status', obj(requests.by_status), 'an object', requests.by_status);
  need('platform', typeof s.platform === 'string', 'a string', s.platform);
  // health is optional (a summary from before fault records): when present, a list of records with a time.
  const health = s.health;
  if (health !== undefined && !obj(health)) need('health', false, 'an object', health);
  if (obj(health) && health.faults !== undefined) {
    const faults = health.faults;
    need('health.faults', Array.isArray(faults) && faults.every((f) => obj(f) && num(f.at)), 'a list of fault records (each with a numeric at)', faults);
  }
  if (s.warnings !== undefined) need('warnings', Array.isArray(s.warnings), 'a list', s.warnings);
  return problems;
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
