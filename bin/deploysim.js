#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (run on `npm ci` via prepare).
import { main } from '../dist/cli/index.js';
main(process.argv).then((code) => { process.exitCode = code; });
