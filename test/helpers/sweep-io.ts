import type { SweepIo } from '../../src/sweep/io.js';

/** A SweepIo that keeps what a sweep prints (a newline after each text) and drops its progress lines. */
export function captureSweepIo(): SweepIo & { outText: () => string; errText: () => string } {
  let out = '';
  let err = '';
  return {
    out: (t) => void (out += t + '\n'),
    err: (t) => void (err += t + '\n'),
    errStream: { write: () => true } as unknown as NodeJS.WritableStream,
    outText: () => out,
    errText: () => err,
  };
}
