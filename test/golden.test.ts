import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatNumber, roundDeep } from '../src/output/csv-file.js';
import { simulate } from '../src/run.js';
import { loadScenario } from '../src/scenario/load.js';

/**
 * Golden outputs: every scenario in scenarios/, at its own seed and at seed 1001, with requests recorded. A change
 * here is a change of behaviour: it must be deliberate, and the commit that rewrites the files
 * (`DEPLOYSIM_GOLDEN=update npx vitest run test/golden.test.ts`) names the SPEC rule that moved
 * it. The summary is kept whole (a diff shows what changed); the long CSVs by their sha256.
 */
const dir = path.resolve(import.meta.dirname, '../scenarios');
const goldenDir = path.resolve(import.meta.dirname, 'golden');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

function digest(rows: Record<string, unknown>[]): { rows: number; sha256: string } {
  const h = createHash('sha256');
  for (const r of rows) h.update(Object.values(r).map((v) => (typeof v === 'number' ? formatNumber(v) : String(v ?? ''))).join(',') + '\n');
  return { rows: rows.length, sha256: h.digest('hex') };
}

function outputsOf(file: string, seed?: number): unknown {
  const { config } = loadScenario(path.join(dir, file), { seed });
  config.output.requests = true;
  const timeline: Record<string, unknown>[] = [];
  const events: Record<string, unknown>[] = [];
  const requests: Record<string, unknown>[] = [];
  const summary = simulate(config, {
    sample: (r) => timeline.push({ ...r }),
    event: (r) => events.push({ ...r }),
    request: (r) => requests.push({ ...r }),
  });
  return { summary: roundDeep(summary), timeline: digest(timeline), events: digest(events), requests: digest(requests) };
}

describe('golden outputs of scenarios/', () => {
  for (const file of files) {
    it(file, () => {
      const golden = path.join(goldenDir, file.replace(/\.yaml$/, '.json'));
      const actual = JSON.parse(JSON.stringify({ own_seed: outputsOf(file), seed_1001: outputsOf(file, 1001) }));
      if (process.env.DEPLOYSIM_GOLDEN === 'update') {
        fs.writeFileSync(golden, JSON.stringify(actual, null, 2) + '\n');
        return;
      }
      expect(fs.existsSync(golden), `${golden} missing: run with DEPLOYSIM_GOLDEN=update`).toBe(true);
      expect(actual).toEqual(JSON.parse(fs.readFileSync(golden, 'utf8')));
    });
  }
});
