import { main } from '../../src/cli/index.js';
import type { Io } from '../../src/cli/io.js';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** An Io that keeps what a command writes, as processIo() would write it to the streams. */
export interface CapturedIo {
  io: Io;
  /** stdout so far: each text ends with a newline (added unless it had one). */
  out(): string;
  /** stderr so far: messages like `out`, and progress lines (errStream, not a terminal) as written. */
  err(): string;
  /** The last code the command set through io.exit, or null. */
  code(): number | null;
}

export function captureIo(): CapturedIo {
  let out = '';
  let err = '';
  let code: number | null = null;
  const line = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);
  const io: Io = {
    out: (t) => void (out += line(t)),
    err: (t) => void (err += line(t)),
    errStream: { write: (t: string | Uint8Array) => ((err += String(t)), true), isTTY: false } as unknown as Io['errStream'],
    exit: (c) => void (code = c),
  };
  return { io, out: () => out, err: () => err, code: () => code };
}

/** Run the CLI in-process, capturing its streams (without their final newline). */
export async function cli(...args: string[]): Promise<CliResult> {
  const c = captureIo();
  const code = await main(['node', 'deploysim', ...args], c.io);
  return { code, out: c.out().replace(/\n$/, ''), err: c.err().replace(/\n$/, '') };
}
