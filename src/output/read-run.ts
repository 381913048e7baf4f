/**
 * The one reader of a run folder (summary.json, config.json, timeline.csv, events.csv,
 * requests.csv), in two modes:
 * - `strict`, for `check`: every column the writer writes must be there and every number must
 *   parse; an error names the file, the line and the column.
 * - `lenient`, for `report`: a folder from an older writer or edited by hand still draws; a column
 *   the file lacks reads as null, a cell that is not a number as null, an event the report does
 *   not know is left out.
 * CSV rows are streamed (read 1 MB at a time, handed to a callback): nothing here keeps a file's
 * rows unless its caller does.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../model/config.js';
import { EVENT_COLUMNS, REQUEST_COLUMNS, TIMELINE_COLUMNS, type EventName, type EventRow, type RequestRow, type Summary, type TimelineRow } from '../model/summary.js';
import { CsvSyntaxError, eachCsvRecord, eachCsvRecordOfText } from './read-csv.js';

export type ReadMode = 'strict' | 'lenient';

/** A run folder, or one of its files, that cannot be read as one: names the file (and line and column). */
export class RunDirError extends Error {
  override name = 'RunDirError';
}

/** Where CSV text comes from: a file (streamed) or text already in memory (tests). */
export type CsvSource = { file: string } | { text: string; name: string };

function eachRecord(src: CsvSource, fn: (cells: string[], line: number) => void): void {
  try {
    if ('file' in src) eachCsvRecord(src.file, fn);
    else eachCsvRecordOfText(src.text, src.name, fn);
  } catch (e) {
    if (e instanceof CsvSyntaxError) throw new RunDirError(e.message);
    throw e;
  }
}

const nameOf = (src: CsvSource) => ('file' in src ? src.file : src.name);

/** The events the report draws (SPEC §9's list); the lenient reader leaves out any other. */
export const EVENT_NAMES: ReadonlySet<string> = new Set<EventName>(['state', 'routable', 'traffic_stopped', 'traffic_resumed', 'restart', 'fault', 'scale_up', 'scale_down']);

/**
 * A CSV file's rows as cells looked up by column name. The header comes first; `required`
 * columns must be in it (in either mode: without them the file means nothing), and in strict
 * mode so must `strictColumns`. `row(get, line)` gets each data record.
 */
function eachRow(
  src: CsvSource,
  mode: ReadMode,
  columns: { required: readonly string[]; strict: readonly string[] },
  onHeader: (has: (col: string) => boolean) => void,
  row: (get: (col: string) => string | undefined, line: number) => void,
): void {
  const file = nameOf(src);
  let index: Map<string, number> | null = null;
  let width = 0;
  let cells: string[] = [];
  const get = (col: string): string | undefined => {
    const j = index!.get(col);
    return j === undefined ? undefined : (cells[j] ?? '');
  };
  eachRecord(src, (c, line) => {
    if (index === null) {
      index = new Map(c.map((h, j) => [h, j]));
      width = c.length;
      const need = mode === 'strict' ? [...columns.required, ...columns.strict] : columns.required;
      for (const col of need) {
        if (!index.has(col)) throw new RunDirError(`${file}:${line}: missing column "${col}" (header: ${c.join(',')})`);
      }
      onHeader((col) => index!.has(col));
      return;
    }
    if (mode === 'strict' && c.length !== width) {
      throw new RunDirError(`${file}:${line}: ${c.length} cells, the header has ${width}`);
    }
    cells = c;
    row(get, line);
  });
  if (index === null) throw new RunDirError(`${file}: empty file, expected a header line`);
}

/** A cell as a number: strict throws naming file:line and column; lenient gives null. Empty is null in both. */
function numberReader(file: string, mode: ReadMode) {
  const orNull = (s: string | undefined, col: string, line: number): number | null => {
    if (s === undefined || s === '') return null;
    const v = Number(s);
    if (s.trim() !== '' && Number.isFinite(v)) return v;
    if (mode === 'lenient') return null;
    throw new RunDirError(`${file}:${line}: column "${col}": not a number: "${s}"`);
  };
  const required = (s: string | undefined, col: string, line: number): number => {
    const v = orNull(s, col, line);
    if (v === null && mode === 'strict') throw new RunDirError(`${file}:${line}: column "${col}": not a number: "${s ?? ''}"`);
    return v as number;
  };
  return { orNull, required };
}

/** `from`/`to` hold states (text) or replica counts (numbers) depending on the event. */
function fromTo(s: string | undefined): string | number | null {
  if (s === undefined || s === '') return null;
  const v = Number(s);
  return Number.isFinite(v) ? v : s;
}

/**
 * timeline.csv's rows: every column numeric, empty = null; a chain's rows carry their chainlet.
 * Strict: every column of SPEC §9's timeline. Lenient: only `t` is required; a column the file
 * lacks (an older writer) reads as null.
 */
export function eachTimelineRow(src: CsvSource, mode: ReadMode, fn: (row: TimelineRow, line: number) => void): void {
  const num = numberReader(nameOf(src), mode);
  let chain = false;
  eachRow(
    src,
    mode,
    { required: ['t'], strict: TIMELINE_COLUMNS },
    (has) => (chain = has('chainlet')),
    (get, line) => {
      const row = {} as TimelineRow;
      if (chain) row.chainlet = get('chainlet') ?? '';
      for (const col of TIMELINE_COLUMNS) row[col] = num.orNull(get(col), col, line);
      if (mode === 'strict') num.required(get('t'), 't', line);
      fn(row, line);
    },
  );
}

/** Checks timeline.csv's header (RunDirError naming a missing column) without reading its rows. */
export function checkTimelineHeader(src: CsvSource, mode: ReadMode): void {
  const stop = new Error('header read');
  try {
    eachRow(src, mode, { required: ['t'], strict: TIMELINE_COLUMNS }, () => {
      throw stop;
    }, () => undefined);
  } catch (e) {
    if (e !== stop) throw e;
  }
}

/**
 * events.csv's rows. Strict: every column, `t` a number, the event as written (the checker judges
 * it). Lenient: a row without a numeric `t` or with an event the report does not know is left out.
 */
export function eachEventRow(src: CsvSource, mode: ReadMode, fn: (row: EventRow, line: number) => void): void {
  const num = numberReader(nameOf(src), mode);
  let chain = false;
  eachRow(
    src,
    mode,
    { required: [], strict: EVENT_COLUMNS },
    (has) => (chain = has('chainlet')),
    (get, line) => {
      const t = mode === 'strict' ? num.required(get('t'), 't', line) : num.orNull(get('t'), 't', line);
      const event = get('event') ?? '';
      if (mode === 'lenient' && (t === null || !EVENT_NAMES.has(event))) return;
      fn(
        {
          ...(chain ? { chainlet: get('chainlet') ?? '' } : {}),
          t: t!,
          replica: num.orNull(get('replica'), 'replica', line),
          event: event as EventName,
          from: fromTo(get('from')),
          to: fromTo(get('to')),
          detail: get('detail') ?? '',
        },
        line,
      );
    },
  );
}

/**
 * requests.csv's rows; a chain's carry their chainlet and their caller's request (`parent`).
 * Strict: every column, `id`, `arrival` and `attempts` numbers. Lenient: missing columns and
 * cells that are not numbers read as null (the report counts calls from chainlet, parent, status).
 */
export function eachRequestRow(src: CsvSource, mode: ReadMode, fn: (row: RequestRow, line: number) => void): void {
  const num = numberReader(nameOf(src), mode);
  let chainlet = false;
  let parent = false;
  eachRow(
    src,
    mode,
    { required: [], strict: REQUEST_COLUMNS },
    (has) => {
      chainlet = has('chainlet');
      parent = has('parent');
    },
    (get, line) => {
      fn(
        {
          id: num.required(get('id'), 'id', line),
          arrival: num.required(get('arrival'), 'arrival', line),
          dispatched: num.orNull(get('dispatched'), 'dispatched', line),
          replica: num.orNull(get('replica'), 'replica', line),
          finished: num.orNull(get('finished'), 'finished', line),
          status: num.orNull(get('status'), 'status', line),
          attempts: num.required(get('attempts'), 'attempts', line),
          latency: num.orNull(get('latency'), 'latency', line),
          ...(chainlet ? { chainlet: get('chainlet') } : {}),
          ...(parent ? { parent: get('parent') } : {}),
        },
        line,
      );
    },
  );
}

/** Rows of CSV text, collected (tests, and the checker, which judges every row at once). */
export function timelineRowsOf(src: CsvSource, mode: ReadMode): TimelineRow[] {
  const rows: TimelineRow[] = [];
  eachTimelineRow(src, mode, (r) => rows.push(r));
  return rows;
}
export function eventRowsOf(src: CsvSource, mode: ReadMode): EventRow[] {
  const rows: EventRow[] = [];
  eachEventRow(src, mode, (r) => rows.push(r));
  return rows;
}
export function requestRowsOf(src: CsvSource, mode: ReadMode): RequestRow[] {
  const rows: RequestRow[] = [];
  eachRequestRow(src, mode, (r) => rows.push(r));
  return rows;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new RunDirError(`${path}: ${(e as Error).message}`);
  }
}

/** summary.json, checked to be one (summaryProblems): RunDirError naming what is wrong otherwise. */
export function readSummary(dir: string): Summary {
  const path = join(dir, 'summary.json');
  if (!existsSync(path)) throw new RunDirError(`${dir} is not a run folder: missing summary.json`);
  const summary = readJson(path);
  const wrong = summaryProblems(summary);
  if (wrong.length > 0) throw new RunDirError(`${path}: not a run summary (${wrong.join('; ')})`);
  return summary as Summary;
}

/** config.json (the resolved config, trace rows left out), or null when the folder has none. */
export function readConfig(dir: string): Config | null {
  const path = join(dir, 'config.json');
  if (!existsSync(path)) return null;
  const config = readJson(path);
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new RunDirError(`${path}: not a run config (found ${describe(config)}, expected an object)`);
  }
  return config as Config;
}

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

/**
 * What keeps `raw` from being a Summary the report and the checker can read (empty when
 * nothing): the fields they read, by name, so a hand-edited or truncated summary.json is named,
 * not a crash.
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
  // Optional: a summary.json written before it lacks it (the report still reads one).
  if (obj(requests) && requests.queue_timeouts !== undefined) need('requests.queue_timeouts', num(requests.queue_timeouts), 'a number', requests.queue_timeouts);
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
      if (obj(cr) && cr.queue_timeouts !== undefined) need('chain.requests.queue_timeouts', num(cr.queue_timeouts), 'a number', cr.queue_timeouts);
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

/** A run folder's files by name; a CSV the run did not write is null. */
export interface RunFiles {
  summary: Summary;
  config: Config | null;
  timeline: CsvSource | null;
  events: CsvSource | null;
  requests: CsvSource | null;
  /** logs.txt's path, or null. */
  logs: string | null;
}

/**
 * Why `dir` is not a run folder when it is something a user may mistake for one: nothing there,
 * a file, a sweep's folder (its page is comparison.html) or a check's (check.json). Null for any
 * other folder: the caller names the run files it lacks.
 */
function notARunFolder(dir: string): string | null {
  const give = 'give a run folder written by `deploysim run`';
  let isFolder: boolean;
  try {
    isFolder = statSync(dir).isDirectory();
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? `${dir} does not exist; ${give}` : null;
  }
  if (!isFolder) return `${dir} is a file, not a run folder; ${give}`;
  const at = (f: string) => join(dir, f);
  if (existsSync(at('comparison.html'))) return `${dir} is a sweep folder, not a run folder; its report is ${at('comparison.html')}`;
  if (existsSync(at('sweep.json'))) {
    return `${dir} is a sweep folder (${at('sweep.json')}), not a run folder; it has no comparison.html yet (written when the sweep finishes, or by \`deploysim merge\` for shards)`;
  }
  if (existsSync(at('check.json'))) {
    const rerun = existsSync(at('counterexample.yaml')) ? `, or \`deploysim run ${at('counterexample.yaml')}\` for a run folder of the counterexample` : '';
    return `${dir} is a check folder, not a run folder; see ${at('check.json')}${rerun}`;
  }
  return null;
}

/**
 * A run folder opened: summary.json and config.json read (they are small), the CSVs found but not
 * read (each is streamed by its reader when wanted). Strict needs events.csv (the checker judges
 * them); lenient needs timeline.csv (the report draws it), and an old folder without events.csv
 * reads as one with no events.
 */
export function openRunDir(dir: string, mode: ReadMode): RunFiles {
  const needed = mode === 'strict' ? ['summary.json', 'events.csv'] : ['summary.json', 'timeline.csv'];
  const missing = needed.filter((f) => !existsSync(join(dir, f)));
  if (missing.length > 0) throw new RunDirError(notARunFolder(dir) ?? `${dir} is not a run folder: missing ${missing.join(' and ')}`);
  const summary = readSummary(dir);
  const config = readConfig(dir);
  const csv = (name: string): CsvSource | null => (existsSync(join(dir, name)) ? { file: join(dir, name) } : null);
  const logs = join(dir, 'logs.txt');
  return { summary, config, timeline: csv('timeline.csv'), events: csv('events.csv'), requests: csv('requests.csv'), logs: existsSync(logs) ? logs : null };
}
