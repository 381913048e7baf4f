/**
 * The sweep's workers run compiled JS (dist/). `npm test` builds first; a direct
 * `npx vitest run test/sweep` builds here when any source is newer than its compiled file.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function stale(srcDir: string, distDir: string): boolean {
  for (const entry of readdirSync(srcDir, { withFileTypes: true })) {
    const src = join(srcDir, entry.name);
    if (entry.isDirectory()) {
      if (stale(src, join(distDir, entry.name))) return true;
    } else if (entry.name.endsWith('.ts')) {
      const out = join(distDir, entry.name.replace(/\.ts$/, '.js'));
      if (!existsSync(out) || statSync(out).mtimeMs < statSync(src).mtimeMs) return true;
    }
  }
  return false;
}

export function ensureBuilt(): void {
  if (!stale('src', 'dist')) return;
  try {
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'pipe' });
  } catch (err) {
    // tsc still emits on type errors elsewhere in the tree; the workers only need their files.
    if (!existsSync('dist/sweep/worker.js')) throw err;
  }
}
