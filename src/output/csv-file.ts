import fs from 'node:fs';

const BATCH = 2000;

/**
 * A CSV file written as rows arrive, in batches, with synchronous writes: memory
 * stays bounded however many rows a run produces, and the output is the same
 * byte for byte on every run.
 *
 * Rows are formatted here (`csvLine`), byte for byte as csv-stringify writes them with our
 * number format (test/csv-file.test.ts compares the two): its per-field option handling cost
 * more than the simulation of a timeline row, and its module a share of every run's start.
 */
export class CsvFile<Row> {
  private fd: number;
  private batch = '';
  private rows = 0;

  constructor(
    file: string,
    columns: readonly string[],
    private readonly toCells: (row: Row) => unknown[],
  ) {
    this.fd = fs.openSync(file, 'w');
    fs.writeSync(this.fd, csvLine(columns));
  }

  write(row: Row): void {
    this.batch += csvLine(this.toCells(row));
    if (++this.rows >= BATCH) this.flush();
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }

  private flush(): void {
    if (this.rows === 0) return;
    fs.writeSync(this.fd, this.batch);
    this.batch = '';
    this.rows = 0;
  }
}

/** One record and its newline, as csv-stringify's defaults write it (numbers by formatNumber). */
export function csvLine(cells: readonly unknown[]): string {
  let line = '';
  for (let i = 0; i < cells.length; i++) {
    if (i > 0) line += ',';
    line += csvCell(cells[i]);
  }
  return line + '\n';
}

/** A field quoted (its quotes doubled) when it holds a comma, a quote or a line break. */
const NEEDS_QUOTES = /[",\n\r]/;

/** csv-stringify's default casts: null and undefined empty, true "1", false empty, objects as JSON. */
function csvCell(v: unknown): string {
  let s: string;
  switch (typeof v) {
    case 'number':
      return formatNumber(v);
    case 'string':
      s = v;
      break;
    case 'undefined':
      return '';
    case 'boolean':
      return v ? '1' : '';
    case 'bigint':
      return String(v);
    case 'object':
      if (v === null) return '';
      s = v instanceof Date ? String(v.getTime()) : JSON.stringify(v);
      break;
    default:
      throw new Error(`a CSV cell must be a string, number, boolean, null or object, got ${typeof v}`);
  }
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Fixed precision so outputs are identical across runs and readable: at most 6 decimals, no float noise. */
export function formatNumber(x: number): string {
  if (Number.isInteger(x)) return String(x);
  const r = Math.round(x * 1e6) / 1e6;
  return String(r);
}

export function roundDeep<T>(v: T): T {
  if (typeof v === 'number') return (Number.isInteger(v) ? v : Math.round(v * 1e6) / 1e6) as T;
  if (Array.isArray(v)) return v.map(roundDeep) as T;
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = roundDeep(x);
    return out as T;
  }
  return v;
}
