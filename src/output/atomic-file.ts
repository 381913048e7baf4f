import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let counter = 0;

/**
 * Write a file under a temporary name (`<file>.<pid>.<n>.tmp`) in the same folder, then rename: a
 * file that exists is whole. On any error (a full disk, an interrupt) the temporary file is removed.
 */
export function writeFileAtomic(path: string, data: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${counter++}.tmp`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Remove temporary files writeFileAtomic left for `names` in `dir` (a process killed mid-write:
 * a second Ctrl-C, SIGKILL). Only names deploysim writes there, with its temporary suffix, of a
 * process not running here, and not written in the last seconds (a write takes milliseconds: a
 * live writer on another machine sharing the volume keeps its file).
 */
export function removeStaleTemps(dir: string, names: readonly string[]): string[] {
  const pattern = new RegExp(`^(?:${names.map(escape).join('|')})\\.(\\d+)\\.\\d+\\.tmp$`);
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  const now = Date.now();
  const stale = entries.filter((e) => {
    const m = pattern.exec(e);
    if (!m || Number(m[1]) === process.pid || alive(Number(m[1]))) return false;
    try {
      return now - statSync(join(dir, e)).mtimeMs > 2000;
    } catch {
      return false;
    }
  });
  for (const e of stale) rmSync(join(dir, e), { force: true });
  return stale.map((e) => basename(e));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
