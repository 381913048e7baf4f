/**
 * Reading a file the scenario names, bounded: it must be a regular file (not /dev/zero, a FIFO
 * or a folder) no larger than a cap, and the read stops at the cap even if the file grows while
 * it is read. Opened non-blocking so a FIFO is refused instead of waiting for a writer.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

/** The scenario file: hand-written YAML; 10 MB is far beyond any real one and cheap to parse. */
export const SCENARIO_MAX_BYTES = 10 * 1024 * 1024;
/**
 * A trace CSV: the text must fit in one JS string (V8's limit is ~512 MiB), so 500 MB; the
 * Azure LLM inference traces are tens of MB.
 */
export const TRACE_MAX_BYTES = 500 * 1024 * 1024;

/** Why a file was not read: one phrase, e.g. `a character device, not a regular file`. */
export class FileRefusal extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'FileRefusal';
  }
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / (1024 * 1024)) * 10) / 10} MB`;
  if (n >= 1024) return `${Math.round((n / 1024) * 10) / 10} KB`;
  return `${n} bytes`;
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** The bytes of `path`, or a FileRefusal saying why not (missing, not a regular file, over `cap`). */
export function readBoundedFile(path: string, cap: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'a folder, not a file' : err.message;
    throw new FileRefusal(why, err.code);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new FileRefusal('a folder, not a file', 'EISDIR');
    if (!st.isFile()) throw new FileRefusal(`${kindOf(st)}, allowed a regular file of at most ${formatBytes(cap)}`);
    // `size` undefined: the file grew past the cap while it was read.
    const tooBig = (size?: number) =>
      new FileRefusal(`a file of ${size !== undefined ? formatBytes(size) : `more than ${formatBytes(cap)}`}, allowed a regular file of at most ${formatBytes(cap)}`);
    if (st.size > cap) throw tooBig(st.size);
    // Read up to cap + 1 bytes whatever fstat said: a file that grows past the cap is refused.
    const chunks: Buffer[] = [];
    let total = 0;
    const chunk = Buffer.allocUnsafe(Math.min(cap + 1, 1 << 20));
    for (;;) {
      const n = readSync(fd, chunk, 0, Math.min(chunk.length, cap + 1 - total), null);
      if (n === 0) break;
      chunks.push(Buffer.from(chunk.subarray(0, n)));
      total += n;
      if (total > cap) throw tooBig();
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}
