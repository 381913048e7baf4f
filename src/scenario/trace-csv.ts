/**
 * Loads a request trace in the Azure LLM inference format (2023 traces, Splitwise paper):
 *
 *   TIMESTAMP,ContextTokens,GeneratedTokens
 *   2023-11-16 18:15:46.6805900,374,44
 *
 * Timestamps are read as UTC. The fractional part has up to 7 digits (100 ns); a Date keeps
 * only milliseconds, so the whole seconds go through Date.UTC and the fraction is parsed on its
 * own as integer nanoseconds: offset = ((whole_i − whole_0) × 1e9 + (ns_i − ns_0)) / 1e9, where
 * the numerator is an exact integer (up to 104 days), so each offset is the nearest double.
 * A timestamp may also be a plain number of seconds. The token columns are optional (zeros
 * when absent; `hasTokens` says so). Rows must be sorted by time.
 */
import type { TraceRows } from '../model/config.js';
import { readBoundedFile, TRACE_MAX_BYTES } from './read-file.js';

export interface LoadedTrace {
  rows: TraceRows;
  /** Both ContextTokens and GeneratedTokens columns were present. */
  hasTokens: boolean;
}

/** A problem with the file's contents; `message` is one line, meant to follow the file's name. */
export class TraceCsvError extends Error {}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z?$/;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** [whole seconds since the epoch, fraction of a second in nanoseconds], or null. */
function parseTimestamp(text: string): [number, number] | null {
  const m = TIMESTAMP.exec(text);
  if (m) {
    const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
    const ms = Date.UTC(year, month - 1, day, hour, minute, second);
    const back = new Date(ms);
    // Reject calendar overflow (2023-02-30 would silently become March 2).
    if (back.getUTCDate() !== day || back.getUTCMonth() !== month - 1 || hour > 23 || minute > 59 || second > 60) return null;
    // The fraction as integer nanoseconds, so differences between rows are exact.
    return [ms / 1000, m[7] ? Number(m[7].slice(0, 9).padEnd(9, '0')) : 0];
  }
  if (NUMBER.test(text)) {
    const n = Number(text);
    if (!Number.isFinite(n)) return null;
    const whole = Math.floor(n);
    return [whole, (n - whole) * 1e9];
  }
  return null;
}

function splitLine(line: string): string[] {
  return line.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
}

export function parseTraceCsv(text: string, timeColumn = 'TIMESTAMP'): LoadedTrace {
  const lines = text.split(/\r?\n/);
  const header = splitLine(lines[0] ?? '');
  const timeIdx = header.indexOf(timeColumn);
  if (timeIdx < 0) {
    throw new TraceCsvError(`line 1: no column \`${timeColumn}\` in the header (columns: ${header.join(', ') || 'none'})`);
  }
  const inIdx = header.indexOf('ContextTokens');
  const outIdx = header.indexOf('GeneratedTokens');
  const hasTokens = inIdx >= 0 && outIdx >= 0;

  const offsets: number[] = [];
  const inputs: number[] = [];
  const outputs: number[] = [];
  let whole0 = 0;
  let frac0 = 0;
  let previous = -Infinity;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const cells = splitLine(line);
    const lineNo = i + 1;
    const stamp = parseTimestamp(cells[timeIdx] ?? '');
    if (!stamp) {
      throw new TraceCsvError(
        `line ${lineNo}: \`${cells[timeIdx] ?? ''}\` is not a timestamp (expected YYYY-MM-DD HH:MM:SS[.fraction], UTC, or seconds)`,
      );
    }
    if (offsets.length === 0) [whole0, frac0] = stamp;
    const offset = ((stamp[0] - whole0) * 1e9 + (stamp[1] - frac0)) / 1e9;
    if (offset < previous) {
      throw new TraceCsvError(`line ${lineNo}: ${cells[timeIdx]} is earlier than the row before it (rows must be sorted by time)`);
    }
    previous = offset;
    offsets.push(offset);
    if (hasTokens) {
      const tokens = [inIdx, outIdx].map((idx) => {
        const cell = cells[idx] ?? '';
        const n = NUMBER.test(cell) ? Number(cell) : NaN;
        if (!(n >= 0)) throw new TraceCsvError(`line ${lineNo}: ${header[idx]} \`${cell}\` is not a token count ≥ 0`);
        return n;
      });
      inputs.push(tokens[0]!);
      outputs.push(tokens[1]!);
    } else {
      inputs.push(0);
      outputs.push(0);
    }
  }
  if (offsets.length === 0) throw new TraceCsvError('has a header but no rows');
  return {
    rows: {
      offsets: Float64Array.from(offsets),
      input_tokens: Float64Array.from(inputs),
      output_tokens: Float64Array.from(outputs),
    },
    hasTokens,
  };
}

/**
 * Sweeps load the same scenario (and trace) many times in one process: keep each parsed trace.
 * The arrays are shared between configs, so consumers must treat them as read-only.
 */
const cache = new Map<string, LoadedTrace>();

/**
 * Reads (a regular file of at most TRACE_MAX_BYTES) and parses `absPath`; throws TraceCsvError for
 * bad contents and a FileRefusal (code ENOENT when missing) when it cannot be read.
 */
export function loadTraceCsv(absPath: string, timeColumn = 'TIMESTAMP'): LoadedTrace {
  const key = `${absPath}\u0000${timeColumn}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const loaded = parseTraceCsv(readBoundedFile(absPath, TRACE_MAX_BYTES).toString('utf8'), timeColumn);
  cache.set(key, loaded);
  return loaded;
}
