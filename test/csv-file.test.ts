import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { CsvFile, csvLine, formatNumber } from '../src/output/csv-file.js';

/** What CsvFile wrote before it formatted rows itself: csv-stringify with our number format. */
const reference = (rows: unknown[][]): string => stringify(rows, { cast: { number: formatNumber } });

describe('csvLine(cells) writes a record as csv-stringify does', () => {
  it('for the values our rows hold, and the awkward ones', () => {
    const cells = [0, -0, 1, 1.5, 0.1 + 0.2, 1e21, 1e-7, -3.25, NaN, Infinity, null, undefined, '', 'ready', 'a,b', 'say "hi"', 'two\nlines', 'cr\r', true, false, { k: 'v,w' }, [1, 2], new Date(5), 10n];
    expect(csvLine(cells)).toBe(reference([cells]));
    for (const c of cells) expect(csvLine([c])).toBe(reference([[c]]));
  });

  it('for any strings and numbers', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.double(), fc.integer(), fc.constant(null)), { minLength: 1, maxLength: 8 }), (cells) => {
        expect(csvLine(cells)).toBe(reference([cells]));
      }),
      { numRuns: 2000 },
    );
  });

  it('CsvFile writes the header and its rows, across batches, as csv-stringify would', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csv-file-'));
    const file = path.join(dir, 'rows.csv');
    const columns = ['t', 'event', 'detail'];
    const rows = Array.from({ length: 4500 }, (_, i) => ({ t: i / 7, event: i % 3 ? 'scaled' : 'fault,hit', detail: i % 5 ? null : `"${i}"` }));
    const out = new CsvFile<(typeof rows)[number]>(file, columns, (r) => [r.t, r.event, r.detail]);
    for (const r of rows) out.write(r);
    out.close();
    expect(fs.readFileSync(file, 'utf8')).toBe(reference([columns]) + reference(rows.map((r) => [r.t, r.event, r.detail])));
    fs.rmSync(dir, { recursive: true });
  });
});
