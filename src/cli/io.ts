/** What a command may touch of the outside world, so commands run in-process in tests. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Record the exit code; the process exits once main returns. */
  exit(code: number): void;
  /** stderr is a terminal (progress indicators only then). */
  isTTY: boolean;
  /** Raw stderr writes for progress lines. */
  errRaw(text: string): void;
}
