import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../model/config.js';
import { TIMELINE_COLUMNS, type EventName, type EventRow, type Summary, type TimelineRow } from '../model/summary.js';
import { CallCounter, type EdgeCount } from './call-graph.js';
import { parseCsvRecords } from './csv.js';
import { readLogHead } from './log-head.js';
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
  // A chain's call graph counts its calls from requests.csv, when the run wrote it.
  const requestsPath = join(dir, 'requests.csv');
  const isChain = typeof (summary as { chain?: unknown }).chain === 'object';
  const calls = isChain && existsSync(requestsPath) ? countCalls(requestsPath) : null;
  return { config: config as Config | null, summary: summary as Summary, timeline, events, ...(isChain ? { calls } : {}), logHead: readLogHead(join(dir, 'logs.txt')) };
}

/**
 * A chain's requests.csv → calls per caller → callee, read in chunks (the file can be large: a
 * row per request and call attempt). Rows without `chainlet`/`parent` (a single deployment's
 * file) count nothing. The columns are numbers and names (SPEC §12's NAME: no commas or
 * quotes), so a line splits on commas.
 */
export function countCalls(path: string): EdgeCount[] {
  const counter = new CallCounter();
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    let rest = '';
    let cols: { chainlet: number; parent: number; status: number } | null = null;
    let header = true;
    const line = (l: string) => {
      if (l.endsWith('\r')) l = l.slice(0, -1);
      if (l === '') return;
      const cells = l.split(',');
      if (header) {
        header = false;
        const at = (c: string) => cells.indexOf(c);
        if (at('chainlet') >= 0 && at('parent') >= 0 && at('status') >= 0) cols = { chainlet: at('chainlet'), parent: at('parent'), status: at('status') };
        return;
      }
      if (!cols) return;
      counter.add(cells[cols.chainlet], cells[cols.parent], numOrNull(cells[cols.status]));
    };
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      const text = rest + buf.toString('utf8', 0, n);
      const lines = text.split('\n');
      rest = lines.pop()!;
      for (const l of lines) line(l);
    }
    line(rest);
  } finally {
    closeSync(fd);
  }
  return counter.edges();
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
  // A chain's summary (SPEC §12): its entrypoint among its chainlets, each a summary the report can draw.
  if (s.chain !== undefined || s.chainlets !== undefined) {
    const chain = s.chain;
    const chainlets = s.chainlets;
    need('chain', obj(chain), 'an object', chain);
    need('chainlets', obj(chainlets) && Object.keys(chainlets).length > 0, 'an object of chainlet summaries', chainlets);
    if (obj(chain) && obj(chainlets)) {
      need('chain.entrypoint', typeof chain.entrypoint === 'string' && obj(chainlets[chain.entrypoint]), 'the name of one of chainlets', chain.entrypoint);
      const billing = chain.billing;
      need('chain.billing', obj(billing) && num(billing.cost) && num(billing.billed_minutes) && num(billing.minutes_not_serving), 'an object with cost, billed_minutes, minutes_not_serving', billing);
      const cr = chain.requests;
      need('chain.requests', obj(cr) && num(cr.arrived) && num(cr.failed) && obj(cr.by_status), 'an object with arrived, failed, by_status', cr);
      need('chain.availability', chain.availability === undefined ? false : numOrNull(chain.availability), 'a number or null', chain.availability);
      need('chain.latency_s', obj(chain.latency_s), 'an object', chain.latency_s);
      for (const [name, cs] of Object.entries(chainlets)) {
        if (!/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/.test(name)) problems.push(`chainlets: ${JSON.stringify(name)} is not a chainlet name`);
        for (const p of summaryProblems({ scenario: '', seed: 0, platform: '', ...(obj(cs) ? cs : {}) })) problems.push(`chainlets.${name}: ${p}`);
      }
    }
  }
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
  const chain = header.includes('chainlet');
  return records.map((rec) => {
    const row = {} as TimelineRow;
    if (chain) row.chainlet = rec.chainlet ?? '';
    for (const col of TIMELINE_COLUMNS) row[col] = numOrNull(rec[col]);
    return row;
  });
}

/** events.csv → rows; `from`/`to` are numbers for scale events, state names otherwise. */
export function parseEvents(text: string): EventRow[] {
  const { header, records } = parseCsvRecords(text);
  const chain = header.includes('chainlet');
  const rows: EventRow[] = [];
  for (const rec of records) {
    const t = numOrNull(rec.t);
    const event = rec.event ?? '';
    if (t === null || !EVENT_NAMES.has(event)) continue;
    rows.push({
      ...(chain ? { chainlet: rec.chainlet ?? '' } : {}),
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
