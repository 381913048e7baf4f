/**
 * `npm run gen`: regenerates docs/scenario.md and schema/scenario.schema.json from the scenario
 * schema (src/scenario/reference.ts). Run from the repository's root, after `npm run build`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { GENERATED, PROSE_FILE } from '../scenario/reference-files.js';

const prose = readFileSync(PROSE_FILE, 'utf8');
for (const [file, make] of Object.entries(GENERATED)) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, make(prose));
  console.log(`wrote ${file}`);
}
