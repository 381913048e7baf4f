import fs from 'node:fs';
import path from 'node:path';

/** Write one file under a temporary name, then rename it into place. */
export function writeFileAtomically(file: string, content: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}
