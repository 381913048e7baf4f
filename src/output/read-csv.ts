import { parse } from 'csv-parse/sync';

/**
 * The one CSV reader for the files a run writes (the report and the checker read
 * them back): csv-parse, the sibling of the csv-stringify that writes them, so
 * quoting rules match by construction. Blank lines are skipped.
 */
export function parseCsv(text: string): string[][] {
  return parse(text, { skip_empty_lines: true, relax_column_count: true }) as string[][];
}
