/**
 * `deploysim run` draws report.html from the folder's files read back from disk, as
 * `deploysim report <dir>` does: the two pages are the same byte for byte (issue #11). Through
 * the CLI both ways, for a deployment and for a chain, with and without requests.csv.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploysim-run-report-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("run's report.html is report <dir>'s", () => {
  const cases: [string, string[]][] = [
    ['a deployment (hang)', ['scenarios/hang.yaml']],
    ['a deployment with requests.csv (crash-loop)', ['scenarios/crash-loop.yaml', '--set', 'output.requests=true']],
    ['a chain (cost-split)', ['scenarios/chains/cost-split.yaml']],
    ['a chain with requests.csv (retries): its call graph counted from the file', ['scenarios/chains/retries.yaml', '--set', 'output.requests=true']],
  ];
  for (const [what, args] of cases) {
    it(what, async () => {
      const out = path.join(dir, what.replace(/\W+/g, '-'));
      const run = await cli('run', ...args, '--out', out);
      expect(run.code, run.err).toBe(0);
      const fromRun = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
      const redrawn = path.join(dir, `${path.basename(out)}.html`);
      const report = await cli('report', out, '--out', redrawn);
      expect(report.code, report.err).toBe(0);
      // toBe on two ~100 KB strings prints both on a failure; compare, then say where they part.
      const again = fs.readFileSync(redrawn, 'utf8');
      let at = 0;
      while (at < fromRun.length && fromRun[at] === again[at]) at++;
      expect(at === fromRun.length && again.length === fromRun.length, `the pages differ from character ${at}: ${JSON.stringify(fromRun.slice(at, at + 80))}`).toBe(true);
    });
  }
});
