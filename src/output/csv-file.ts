import fs from 'node:fs';
import { stringify } from 'csv-stringify/sync';

const BATCH = 2000;

/**
 * A CSV file written as rows arrive, in batches, with synchronous writes: memory
 * stays bounded however many rows a run produces, and the output is the same
 * byte for byte on every run.
 */
export class CsvFile<Row> {
  private fd: number;
  private batch: unknown[][] = [];

  constructor(
    file: string,
    private readonly columns: readonly string[],
    private readonly toCells: (row: Row) => unknown[],
  ) {
    this.fd = fs.openSync(file, 'w');
    fs.writeSync(this.fd, stringify([columns as string[]]));
  }

  write(row: Row): void {
    this.batch.push(this.toCells(row));
    if (this.batch.length >= BATCH) this.flush();
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }

  private flush(): void {
    if (this.batch.length === 0) return;
    fs.writeSync(this.fd, stringify(this.batch, { cast: { number: formatNumber } }));
    this.batch = [];
  }
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
