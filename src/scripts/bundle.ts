/**
 * The second half of `npm run build`: bundles the CLI that tsc compiled to dist/ into
 * dist/bundle/, which bin/deploysim.js loads. Node resolving, reading and compiling ~210 small ES
 * modules one at a time (93 of ours, 95 of zod's, csv-stringify's, d3's) was a third of a short
 * run's CPU; a run now loads 16 files. `splitting` puts each command's `import()` in its own
 * chunks: `--help` loads commander and the command wiring (70 KB), `run` no sweep or check.
 *
 * It bundles tsc's output, not src/: the bundle runs exactly the JavaScript the tests run.
 * dist/bundle/ sits two levels under the root, as dist/cli/ does, so the `new URL('../../…',
 * import.meta.url)` paths (schema/, dist/sweep/worker.js) resolve the same from either.
 * The sweep's worker is bundled too (dist/bundle/worker.js, which run-pool finds next to itself):
 * each worker thread then loads a few files instead of ~150. So is the draw-ahead worker
 * (dist/bundle/draw-worker.js, found the same way by draw-ahead/draw-ahead.ts).
 * Left out: tinypool (starts its threads from its own files).
 */
import { readFileSync, rmSync } from 'node:fs';
import { build, type Plugin } from 'esbuild';

const outdir = 'dist/bundle';

/**
 * zod's `z` namespace re-exports all ~45 of its message locales (`z.locales`, 300 KB), which a
 * bundle cannot tree-shake away and which cost ~8 ms of every run to compile and evaluate. Only
 * English is used (zod's default): the bundle keeps `z.locales.en` alone. The build fails if our
 * code ever mentions zod's locales, rather than the CLI failing at run time.
 */
const englishZodOnly: Plugin = {
  name: 'english-zod-only',
  setup(b) {
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      contents: "export { default as en } from './en.js';",
      resolveDir: args.path.replace(/[\\/]index\.js$/, ''),
      loader: 'js',
    }));
    b.onLoad({ filter: /[\\/]dist[\\/].*\.js$/ }, (args) => {
      if (args.path.includes('node_modules')) return undefined;
      const text = readFileSync(args.path, 'utf8');
      if (/\blocales\b/.test(text)) {
        return { errors: [{ text: `${args.path} mentions zod's locales, which the bundle leaves out (all but English): remove englishZodOnly from src/scripts/bundle.ts` }] };
      }
      return { contents: text, loader: 'js' };
    });
  },
};

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: { deploysim: 'dist/cli/index.js', worker: 'dist/sweep/worker.js', 'draw-worker': 'dist/draw-ahead/draw-worker.js' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['tinypool'],
  // The CommonJS packages (yaml, commander, seedrandom, ...) call require() for Node's modules.
  banner: { js: "import { createRequire as __deploysimRequire } from 'node:module'; const require = __deploysimRequire(import.meta.url);" },
  chunkNames: 'chunk-[hash]',
  // Fewer bytes to compile (-30 %); identifiers stay, so stack traces keep their function names.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  plugins: [englishZodOnly],
  logLevel: 'warning',
  metafile: true,
});
const outputs = Object.values(result.metafile.outputs);
const kib = outputs.reduce((n, o) => n + o.bytes, 0) / 1024;
console.log(`bundled dist/cli/index.js and dist/sweep/worker.js into ${outdir}/ (${outputs.length} files, ${kib.toFixed(0)} KiB)`);
