import type { Command } from 'commander';
import type { SweepIo } from '../sweep/io.js';

/**
 * What a command may touch of the outside world, so commands run in-process in tests. It is the
 * sweep's Io (out, err, and errStream for progress lines) plus the exit code; src/sweep takes it
 * as that, without importing the CLI.
 */
export interface Io extends SweepIo {
  /** Record the exit code; the process exits once main returns. */
  exit(code: number): void;
}

/** The one shape of a command file: add the command and its options; the work is imported when it runs. */
export type RegisterCommand = (program: Command, io: Io) => void;

/**
 * The process's streams: the only place the CLI writes to them. A text gets a final newline unless
 * it already ends with one (the sweep's table does). `exit` sets process.exitCode, for a script
 * that registers a command without main (main records the code itself and returns it).
 */
export function processIo(): Io {
  const line = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);
  return {
    out: (text) => void process.stdout.write(line(text)),
    err: (text) => void process.stderr.write(line(text)),
    errStream: process.stderr,
    exit: (code) => void (process.exitCode = code),
  };
}
