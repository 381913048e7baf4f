#!/usr/bin/env node
// Thin launcher for the CLI that `npm run build` (run by `npm ci` via prepare) bundles into
// dist/bundle/ (src/scripts/bundle.ts): one entry file, then the chunks the command imports.
import module from 'node:module';

// Node 22+ keeps V8's compiled code between runs (tsc and npm do the same); Node 20 has no such cache.
module.enableCompileCache?.();
const { main } = await import('../dist/bundle/deploysim.js');
process.exitCode = await main(process.argv);
