import fs from 'node:fs';
import path from 'node:path';

/**
 * Build a folder under a temporary name and rename it into place when complete,
 * so a crash never leaves a half-written run that looks whole. The temporary
 * folder is removed if `build` throws.
 */
export function writeDirAtomically<T>(dir: string, build: (tmp: string) => T): T {
  const parent = path.dirname(path.resolve(dir));
  fs.mkdirSync(parent, { recursive: true });
  const tmp = path.join(parent, `.${path.basename(dir)}.tmp-${process.pid}-${Date.now()}`);
  fs.mkdirSync(tmp);
  try {
    const result = build(tmp);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(tmp, dir);
    return result;
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** Write one file under a temporary name, then rename it into place. */
export function writeFileAtomically(file: string, content: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}
