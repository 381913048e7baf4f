/**
 * Where a sweep, a compare or a merge writes: the table on `out`, messages on `err`, progress on
 * `errStream` (a bar on a terminal, a plain line every ~5 % otherwise). The CLI's Io
 * (src/cli/io.ts) is this plus `exit`; src/sweep never imports the CLI.
 */
export interface SweepIo {
  /** One or more lines; the writer ends them with a newline unless the text already ends with one. */
  out(text: string): void;
  /** Messages, written like `out`. */
  err(text: string): void;
  errStream: ProgressStream;
}

/** stderr, or a stand-in: progress lines are written raw, and drawn as a bar only when `isTTY`. */
export type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean };
