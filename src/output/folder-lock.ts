/**
 * One writer per output folder: two runs into the same `--out` at once would race to rename
 * their folders into place (a silent last-wins). The lock is a file beside the target, created
 * exclusively, holding the writer's pid; a lock whose process is gone is stale and taken over.
 */
import fs from 'node:fs';
import path from 'node:path';
import { OutputRefused } from './owned-folder.js';
import { onExitRemove } from './cleanup.js';

export interface FolderLock {
  release(): void;
}

export function lockPathOf(dir: string): string {
  return path.join(path.dirname(dir), `.${path.basename(dir)}.deploysim-lock`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Take the lock of `dir` (absolute) or throw OutputRefused naming the other writer. */
export function lockFolder(dir: string, shown: string = dir): FolderLock {
  const file = lockPathOf(dir);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      const forget = onExitRemove(file);
      return {
        release() {
          forget();
          fs.rmSync(file, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
      if (Number.isSafeInteger(pid) && pid > 0 && alive(pid)) {
        throw new OutputRefused(`--out ${shown}: another deploysim (pid ${pid}) is writing it now; wait for it to finish or choose another --out; nothing was written`);
      }
      fs.rmSync(file, { force: true }); // stale: its writer died without releasing it
    }
  }
  throw new OutputRefused(`--out ${shown}: could not take the lock ${file}; nothing was written`);
}
