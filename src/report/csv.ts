import { parseCsv } from '../output/read-csv.js';

export { parseCsv };

/** Rows as records keyed by the header line. */
export function parseCsvRecords(text: string): { header: string[]; records: Record<string, string>[] } {
  const rows = parseCsv(text);
  const header = rows[0] ?? [];
  const records = rows.slice(1).map((r) => {
    const rec: Record<string, string> = {};
    header.forEach((h, j) => {
      rec[h] = r[j] ?? '';
    });
    return rec;
  });
  return { header, records };
}
