/**
 * The second half of `npm run build`: bundles the JavaScript tsc compiled to dist/ into
 * dist/bundle/, and saves V8's code cache for the CLI beside it.
 *
 * - The CLI, dist/bundle/deploysim.cjs: one CommonJS file that bin/deploysim.js runs through
 *   `vm.Script` with the code cache the build saved (dist/bundle/deploysim.cjs.cache). Node
 *   resolving, reading and compiling ~210 small ES modules one at a time was a third of a short
 *   run's CPU; one bundle of ES modules per command brought a short run to ~0.20 s; compiling
 *   that code was most of what was left. Node 22 caches compiled code by itself, Node 20 does not:
 *   with V8's cache of a run, a short run takes ~0.14 s (issue #15). The bundle is CommonJS
 *   because vm.Script takes a cache and runs a script, not modules; a command's modules are still
 *   evaluated only when it is imported (esbuild's lazy module wrappers).
 * - The code cache: the build runs `deploysim run scenarios/cuda-error.yaml` once through
 *   bin/deploysim.js and saves the compiled code of everything that ran (V8 rejects a cache made
 *   by another V8 version or other flags, and the launcher then compiles as before). The folder is
 *   emptied first, so a cache never outlives the bundle it was made from.
 * - The workers, as ES modules: the sweep's (dist/bundle/worker.js, which run-pool finds next to
 *   itself) and the draw-ahead one (dist/bundle/draw-worker.js): each worker thread loads a few
 *   files instead of ~150.
 *
 * It bundles tsc's output, not src/: the bundle runs exactly the JavaScript the tests run.
 * dist/bundle/ sits two levels under the root, as dist/cli/ does, so the `new URL('../../…',
 * import.meta.url)` paths (schema/, dist/sweep/worker.js) resolve the same from either (in the
 * CommonJS bundle import.meta.url is the bundle file's URL).
 * Left out: tinypool (starts its threads from its own files; an ES module, imported with import()).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build, type BuildOptions, type Plugin } from 'esbuild';

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
/** What both bundles share. */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  external: ['tinypool'],
  // Fewer bytes to compile (-30 %); identifiers stay, so stack traces keep their function names.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  plugins: [englishZodOnly],
  logLevel: 'warning',
  metafile: true,
} as const satisfies BuildOptions;
const result = await build({
  ...common,
  entryPoints: { worker: 'dist/sweep/worker.js', 'draw-worker': 'dist/draw-ahead/draw-worker.js' },
  outdir,
  splitting: true,
  format: 'esm',
  // The CommonJS packages (yaml, commander, seedrandom, ...) call require() for Node's modules.
  banner: { js: "import { createRequire as __deploysimRequire } from 'node:module'; const require = __deploysimRequire(import.meta.url);" },
  chunkNames: 'chunk-[hash]',
});
const cli = await build({
  ...common,
  entryPoints: ['dist/cli/index.js'],
  outfile: `${outdir}/deploysim.cjs`,
  format: 'cjs',
  // import.meta.url is the bundle's own URL (the paths above); __filename is the launcher's argument.
  define: { 'import.meta.url': '__deploysimUrl' },
  banner: { js: "const __deploysimUrl = require('node:url').pathToFileURL(__filename).href;" },
});
const outputs = [...Object.values(result.metafile.outputs), ...Object.values(cli.metafile.outputs)];
const kib = outputs.reduce((n, o) => n + o.bytes, 0) / 1024;
console.log(`bundled the CLI, the sweep's and the draw-ahead workers into ${outdir}/ (${outputs.length} files, ${kib.toFixed(0)} KiB)`);

// The code cache: one run through the launcher, which saves what V8 compiled when it is asked to.
const cacheFile = `${outdir}/deploysim.cjs.cache`;
const scenario = 'scenarios/cuda-error.yaml';
if (existsSync(scenario)) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'deploysim-warm-'));
  try {
    const r = spawnSync(process.execPath, ['bin/deploysim.js', 'run', scenario, '--out', path.join(tmp, 'run')], {
      env: { ...process.env, DEPLOYSIM_CODE_CACHE_OUT: cacheFile },
      encoding: 'utf8',
    });
    if (r.status === 0 && existsSync(cacheFile)) console.log(`saved V8's code cache of \`deploysim run\` in ${cacheFile}`);
    else console.log(`no code cache (the warm-up run exited ${r.status}): the CLI compiles its code at each start\n${r.stderr ?? ''}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
} else {
  console.log(`no code cache (${scenario} is missing): the CLI compiles its code at each start`);
}
