import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { parse } from 'csv-parse/sync';

/**
 * The one CSV reader for the files a run writes (the report and the checker read them back).
 * Quoting is csv-parse's, the sibling of the csv-stringify that writes them, so the rules match
 * by construction. Blank lines are skipped.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  const records = new CsvRecords((cells) => rows.push(cells), '<text>');
  records.push(text);
  records.end();
  return rows;
}

/** A CSV file that cannot be split into records (an unclosed quote): names the file and line. */
export class CsvSyntaxError extends Error {
  override name = 'CsvSyntaxError';
}

/**
 * Records of a CSV stream, as text arrives in pieces: a record ends at a newline outside quotes.
 * A record without a quote is split on commas (what csv-parse gives for it, only faster: a
 * requests.csv has a row per request); one with quotes goes to csv-parse. `line` is the record's
 * first line in the file, 1-based, for error messages.
 */
export class CsvRecords {
  private rest = '';
  /** The line `rest` starts on. */
  private line = 1;

  constructor(
    private readonly onRecord: (cells: string[], line: number) => void,
    private readonly file: string,
  ) {}

  push(text: string): void {
    const s = this.rest + text;
    let start = 0;
    let from = 0;
    for (;;) {
      const nl = s.indexOf('\n', from);
      if (nl < 0) break;
      // A newline inside a quoted field (an odd number of quotes so far) does not end the record.
      if (oddQuotes(s, start, nl)) {
        from = nl + 1;
        continue;
      }
      this.record(s.slice(start, nl));
      start = from = nl + 1;
    }
    this.rest = s.slice(start);
  }

  end(): void {
    if (this.rest !== '') {
      if (oddQuotes(this.rest, 0, this.rest.length)) throw new CsvSyntaxError(`${this.file}:${this.line}: a quoted field is never closed`);
      this.record(this.rest);
    }
    this.rest = '';
  }

  private record(text: string): void {
    const line = this.line;
    let lines = 1;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
    this.line += lines;
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (text === '') return;
    if (!text.includes('"')) {
      this.onRecord(text.split(','), line);
      return;
    }
    let rows: string[][];
    try {
      rows = parse(text, { relax_column_count: true }) as string[][];
    } catch (e) {
      throw new CsvSyntaxError(`${this.file}:${line}: ${(e as Error).message}`);
    }
    for (const cells of rows) this.onRecord(cells, line);
  }
}

function oddQuotes(s: string, from: number, to: number): boolean {
  let odd = false;
  for (let i = s.indexOf('"', from); i >= 0 && i < to; i = s.indexOf('"', i + 1)) odd = !odd;
  return odd;
}

/** Each record of a CSV file, read 1 MB at a time: memory stays bounded however long the file. */
export function eachCsvRecord(file: string, fn: (cells: string[], line: number) => void): void {
  const records = new CsvRecords(fn, file);
  const decoder = new StringDecoder('utf8');
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      records.push(decoder.write(buf.subarray(0, n)));
    }
    records.push(decoder.end());
    records.end();
  } finally {
    closeSync(fd);
  }
}

/** Each record of CSV text (tests, and files already in memory). */
export function eachCsvRecordOfText(text: string, file: string, fn: (cells: string[], line: number) => void): void {
  const records = new CsvRecords(fn, file);
  records.push(text);
  records.end();
}
