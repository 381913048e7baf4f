#!/usr/bin/env node
// Launcher for the CLI that `npm run build` (run by `npm ci` via prepare) bundles into
// dist/bundle/deploysim.cjs (src/scripts/bundle.ts). It runs the bundle with V8's code cache that
// the build saved beside it, so a command does not compile its code again at each start (Node 20
// has no compile cache of its own). A missing or rejected cache (another Node) only costs time.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const file = fileURLToPath(new URL('../dist/bundle/deploysim.cjs', import.meta.url));
let source;
try {
  source = fs.readFileSync(file, 'utf8');
} catch {
  process.stderr.write(`deploysim is not built (${file} is missing): run \`npm run build\`\n`);
  process.exit(1);
}
let cachedData;
try {
  cachedData = fs.readFileSync(`${file}.cache`);
} catch {
  cachedData = undefined;
}
// __deploysimImport: this module's import(), for the ES modules the bundle loads (tinypool, the
// sweep's pool): Node 20 does not give a script run from a code cache a loader for import().
const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __deploysimImport) {${source}\n})`, {
  filename: file,
  cachedData,
});
const bundle = { exports: {} };
script.runInThisContext()(bundle.exports, createRequire(file), bundle, file, path.dirname(file), (specifier) => import(specifier));
process.exitCode = await bundle.exports.main(process.argv);
if (process.env.DEPLOYSIM_CODE_CACHE_DEBUG) process.stderr.write(`code cache: ${cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'used'}\n`);
// The build's warm-up run (src/scripts/bundle.ts) asks for the compiled code of what ran.
if (process.env.DEPLOYSIM_CODE_CACHE_OUT) fs.writeFileSync(process.env.DEPLOYSIM_CODE_CACHE_OUT, script.createCachedData());
