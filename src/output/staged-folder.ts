/**
 * How deploysim writes a folder: under a hidden temporary name beside the target, holding the
 * target's lock, then put in place whole (installFolder: only deploysim's files are replaced).
 * On an error or an interruption the temporary folder goes and the target is as it was.
 */
import fs from 'node:fs';
import path from 'node:path';
import { onExitRemove } from './cleanup.js';
import { lockFolder } from './folder-lock.js';
import { installFolder, type FolderKind, type OutPlan } from './owned-folder.js';

export interface StagedFolder {
  /** The temporary folder to write into. */
  tmp: string;
  /** Put the finished folder in place. */
  install(): void;
  /** Remove the temporary folder (gone already once installed) and release the lock; always call it. */
  dispose(): void;
}

let counter = 0;

/** Throws OutputRefused when another deploysim is writing the same folder. */
export function stageFolder(plan: OutPlan, kind: FolderKind): StagedFolder {
  const lock = lockFolder(plan.dir); // creates the parent folder too
  const tmp = path.join(path.dirname(plan.dir), `.${path.basename(plan.dir)}.deploysim-tmp-${process.pid}-${counter++}`);
  const forget = onExitRemove(tmp);
  try {
    fs.mkdirSync(tmp);
  } catch (e) {
    forget();
    lock.release();
    throw e;
  }
  return {
    tmp,
    install: () => installFolder(tmp, plan, kind),
    dispose() {
      fs.rmSync(tmp, { recursive: true, force: true });
      forget();
      lock.release();
    },
  };
}
