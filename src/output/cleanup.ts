/**
 * What an interrupted or failed command must not leave behind (its temporary folder, its lock).
 * Paths registered here are removed when the process exits, whatever the reason, as a backstop
 * to the command's own cleanup. Only paths deploysim itself created are ever registered.
 */
import fs from 'node:fs';

const pending = new Set<string>();
let hooked = false;

function removeAll(): void {
  for (const p of pending) {
    try {
      fs.rmSync(p, { recursive: true, force: true });
    } catch {
      // exiting anyway: nothing more can be done
    }
  }
  pending.clear();
}

/** Remove `p` at exit unless the returned function is called first (the path was installed or released). */
export function onExitRemove(p: string): () => void {
  if (!hooked) {
    process.on('exit', removeAll);
    hooked = true;
  }
  pending.add(p);
  return () => pending.delete(p);
}
