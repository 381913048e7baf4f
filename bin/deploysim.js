#!/usr/bin/env node
// Thin launcher: the CLI bundled into dist/bundle/ by `npm run build` (run on `npm ci` via prepare).
import { main } from '../dist/bundle/deploysim.js';
main(process.argv).then((code) => { process.exitCode = code; });
