/**
 * logs.txt (SPEC §13): the platform's log lines for a run, one per line, so a user can hold the
 * simulated story next to their real logs. Each line is `<time> <source> <message>`:
 * - time: the simulated instant from `assumptions.start_time`, in UTC, as the platform writes it
 *   (`Jan 27 10:36:03pm`: month, day, 12-hour clock, seconds truncated);
 * - source: the replica's name, five characters `[a-z0-9]` (`md2pg`), or `autoscaler` for
 *   scaling; in a chain, the chainlet's name and a slash before it (`LLM/md2pg`);
 * - message: the platform's own text where it is known (a failed health check, a crash), else
 *   deploysim's plain words.
 * Lines are written as they happen, in batches: memory stays bounded however long the run.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { LogEntry } from '../model/summary.js';
import { formatNumber } from './csv-file.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The start instant in ms since the epoch; throws on a string that is no date-time (the schema refuses those first). */
export function startTimeMs(startTime: string): number {
  const ms = Date.parse(startTime);
  if (!Number.isFinite(ms)) throw new Error(`assumptions.start_time: not a date-time: ${JSON.stringify(startTime)}`);
  return ms;
}

/**
 * The platform's time stamp of simulated time `t` (s) after `startMs`, in UTC: `Jan 1 12:00:00am`.
 * `t` is taken as events.csv writes it, to 6 decimals (float noise such as 1219.9999999 is 1220),
 * then the seconds are truncated, never rounded (45296.9 s is 12:34:56pm).
 */
export function formatLogTime(startMs: number, t: number): string {
  const ms = startMs + Math.round(t * 1e6) / 1e3;
  const d = new Date(Math.floor(ms / 1000) * 1000);
  const h = d.getUTCHours();
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()} ${h % 12 === 0 ? 12 : h % 12}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}${h < 12 ? 'am' : 'pm'}`;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Replica names: five `[a-z0-9]` characters from a hash of (seed, chainlet, replica id), so a
 * replica keeps its name on every run of the scenario. Unique in the run: a name already given
 * is hashed again with an attempt number until it is free (names are handed out in the order
 * replicas first appear, the same on every run).
 */
export class ReplicaNames {
  private readonly given = new Map<string, string>();
  private readonly taken = new Set<string>();

  constructor(private readonly seed: number) {}

  name(chainlet: string | undefined, replica: number): string {
    const key = `${chainlet ?? ''}/${replica}`;
    let name = this.given.get(key);
    if (name !== undefined) return name;
    for (let attempt = 0; ; attempt++) {
      name = replicaName(this.seed, chainlet, replica, attempt);
      if (!this.taken.has(name)) break;
    }
    this.taken.add(name);
    this.given.set(key, name);
    return name;
  }
}

/** The `attempt`-th candidate name of a replica (0: its own; more only on a collision). */
export function replicaName(seed: number, chainlet: string | undefined, replica: number, attempt = 0): string {
  const h = createHash('sha256').update(`deploysim-replica\0${seed}\0${chainlet ?? ''}\0${replica}\0${attempt}`).digest();
  let s = '';
  for (let i = 0; i < 5; i++) s += ALPHABET[h[i]! % ALPHABET.length];
  return s;
}

/** The platform's texts (its FAQ and crash logs); everything else in logs.txt is deploysim's wording. */
export const HEALTH_CHECK_FAILED = 'Health check failed.';
export function crashText(restartCount: number): string {
  return `Model terminated unexpectedly. Exit code: 0, reason: Completed, restart count: ${restartCount}`;
}

/** The message of an entry; an empty list for an entry that gets no line (a state with its own line elsewhere). */
export function logMessages(e: LogEntry): string[] {
  switch (e.what) {
    case 'check_failed':
      return [HEALTH_CHECK_FAILED];
    case 'state':
      return stateMessages(e.from, e.to);
    case 'routable':
      return [e.resumed ? 'Health check passed: traffic resumed.' : 'Ready: receiving traffic.'];
    case 'traffic_stopped':
      return [`Traffic stopped: ${e.failures} health checks failed in a row.`];
    case 'restart': {
      const then = `restart count: ${e.count}, next start in ${formatNumber(e.backoff)} s`;
      switch (e.cause) {
        case 'crash':
          return [crashText(e.count), ...(e.backoff > 0 ? [`Back-off: next start in ${formatNumber(e.backoff)} s (CrashLoopBackOff).`] : [])];
        case 'liveness':
          return [`Restarting the model: health checks failed past the restart threshold (${then}).`];
        case 'startup':
          return [`Restarting the model: startup health checks failed past the startup threshold (${then}).`];
        case 'load_failure':
          return [`Model load failed, and again on its retry: restarting the model (${then}).`];
      }
      break;
    }
    case 'fault':
      return [`Simulated fault: ${e.kind}.`];
    case 'lost':
      return ['Node lost (preempted): the replica is gone; its requests are retried elsewhere.'];
    case 'scale': {
      const desired = e.desired !== e.to ? `, desired ${e.desired}` : '';
      return [`Scaling ${e.direction} from ${e.from} to ${e.to} replica${e.to === 1 ? '' : 's'} (average in flight ${formatNumber(Math.round(e.avgInFlight * 1000) / 1000)}${desired}).`];
    }
  }
  return [];
}

function stateMessages(from: string, to: string): string[] {
  switch (to) {
    case 'scheduling':
      return ['New replica: scheduling.'];
    case 'pulling':
      return ['Pulling the image.'];
    case 'loading':
      return ['Model load started.'];
    case 'ready':
      return [from === '' ? 'Replica started warm: model loaded.' : 'Model load finished.'];
    case 'terminating':
      return ['Scale down: replica terminating; it drains its requests.'];
    case 'terminated':
      return ['Replica terminated.'];
    default:
      return []; // backoff: the restart's line says it
  }
}

const BATCH = 2000;

/** logs.txt, written as entries arrive (in batches, synchronously, like the CSV files). */
export class LogsFile {
  private readonly fd: number;
  private batch: string[] = [];
  private readonly names: ReplicaNames;
  private readonly startMs: number;

  constructor(file: string, opts: { seed: number; startTime: string }) {
    this.startMs = startTimeMs(opts.startTime);
    this.names = new ReplicaNames(opts.seed);
    this.fd = fs.openSync(file, 'w');
  }

  write(e: LogEntry): void {
    for (const line of logLines(e, this.startMs, this.names)) this.batch.push(line);
    if (this.batch.length >= BATCH) this.flush();
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }

  private flush(): void {
    if (this.batch.length === 0) return;
    fs.writeSync(this.fd, this.batch.join(''));
    this.batch = [];
  }
}

/** An entry's lines, each ending in a newline. */
export function logLines(e: LogEntry, startMs: number, names: ReplicaNames): string[] {
  const messages = logMessages(e);
  if (messages.length === 0) return [];
  const who = e.what === 'scale' ? 'autoscaler' : names.name(e.chainlet, e.replica);
  const source = e.chainlet !== undefined ? `${e.chainlet}/${who}` : who;
  const time = formatLogTime(startMs, e.t);
  return messages.map((m) => `${time} ${source} ${m}\n`);
}
