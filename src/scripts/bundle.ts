/**
 * The second half of `npm run build`: bundles the CLI that tsc compiled to dist/ into
 * dist/bundle/, which bin/deploysim.js loads. Node resolving and compiling ~200 small ES modules
 * (ours, zod's, csv-stringify's, d3's) one file at a time was most of a short run's fixed cost; a
 * bundle is a few files. `splitting` keeps each command's code in its own chunk, loaded by the
 * command's `import()`, so `--help` loads no simulator and `run` no sweep.
 *
 * It bundles tsc's output, not src/: the bundle runs exactly the JavaScript the tests run.
 * dist/bundle/ sits two levels under the root, as dist/cli/ does, so the `new URL('../../…',
 * import.meta.url)` paths (schema/, dist/sweep/worker.js) resolve the same from either.
 * Left out: jsdom (loads files next to itself; only the sweep's comparison page uses it) and
 * tinypool (starts its workers from its own files).
 */
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const outdir = 'dist/bundle';
rmSync(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: { deploysim: 'dist/cli/index.js' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['jsdom', 'tinypool'],
  // The CommonJS packages (yaml, commander, seedrandom, ...) call require() for Node's modules.
  banner: { js: "import { createRequire as __deploysimRequire } from 'node:module'; const require = __deploysimRequire(import.meta.url);" },
  chunkNames: 'chunk-[hash]',
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(`bundled dist/cli/index.js into ${outdir}/ (${Object.keys(result.metafile.outputs).length} files, ${(bytes / 1024).toFixed(0)} KiB)`);
