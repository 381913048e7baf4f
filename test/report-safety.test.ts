/**
 * SPEC §9 for `deploysim report`: a malformed summary.json or config.json is exit 2 naming the
 * file and what is wrong (not a crash), and `--out` never overwrites a file deploysim did not write.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runToFolder } from '../src/run-to-folder.js';
import { GENERATOR_META } from '../src/report/render-report.js';
import { loadScenario } from '../src/scenario/load.js';
import { cli } from './helpers/cli.js';

let root: string;
let runDir: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'report-safety-'));
  runDir = join(root, 'steady');
  await runToFolder(loadScenario('scenarios/steady-warm.yaml').config, runDir);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A copy of the run folder with summary.json (or another file) replaced. */
function brokenRun(file: string, text: string): string {
  const dir = mkdtempSync(join(root, 'broken-'));
  for (const f of ['summary.json', 'timeline.csv', 'events.csv', 'config.json']) copyFileSync(join(runDir, f), join(dir, f));
  writeFileSync(join(dir, file), text);
  return dir;
}

describe('report on a malformed run folder exits 2 naming the file', () => {
  const summary = () => JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as Record<string, unknown>;
  const shapes: [string, () => string, string][] = [
    ['null', () => 'null', 'found null, expected an object'],
    ['an array', () => '[]', 'found an array, expected an object'],
    ['a number', () => '42', 'found number 42, expected an object'],
    ['not JSON', () => '{"scenario": "x",', 'summary.json: '],
    ['an empty object', () => '{}', 'missing duration_s'],
    ['requests null', () => JSON.stringify({ ...summary(), requests: null }), 'requests: found null, expected an object'],
    ['billing.cost a string', () => JSON.stringify({ ...summary(), billing: { ...(summary().billing as object), cost: 'cheap' } }), 'billing.cost: found string "cheap", expected a number'],
    ['latency_s missing', () => JSON.stringify({ ...summary(), latency_s: undefined }), 'missing latency_s'],
    ['faults not records', () => JSON.stringify({ ...summary(), health: { faults: [1] } }), 'health.faults'],
  ];
  for (const [what, text, why] of shapes) {
    it(`summary.json that is ${what}`, async () => {
      const dir = brokenRun('summary.json', text());
      const r = await cli('report', dir);
      expect(r.code).toBe(2);
      expect(r.err).toContain(join(dir, 'summary.json'));
      expect(r.err).toContain(why);
      expect(r.err).not.toContain('Cannot read properties');
      expect(existsSync(join(dir, 'report.html'))).toBe(false);
    });
  }

  it('config.json that is an array', async () => {
    const dir = brokenRun('config.json', '[]');
    const r = await cli('report', dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${join(dir, 'config.json')}: not a run config (found an array`);
  });

  it('the unchanged summary still draws (exit 0)', async () => {
    const dir = brokenRun('summary.json', readFileSync(join(runDir, 'summary.json'), 'utf8'));
    expect((await cli('report', dir)).code).toBe(0);
  });
});

describe('report --out never overwrites a file deploysim did not write', () => {
  it('--out at a user file: exit 2 naming it, the file byte-identical', async () => {
    const file = join(root, 'thesis.html');
    writeFileSync(file, '<html>my thesis</html>\n');
    const r = await cli('report', runDir, '--out', file);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`--out ${file}: exists and is not a report deploysim wrote`);
    expect(readFileSync(file, 'utf8')).toBe('<html>my thesis</html>\n');
  });

  it('--out at a folder: exit 2', async () => {
    const dir = join(root, 'a-folder');
    mkdirSync(dir);
    const r = await cli('report', runDir, '--out', dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain('is a folder');
  });

  it('the default report.html replaced by a user file is not overwritten either', async () => {
    const dir = brokenRun('report.html', 'mine\n');
    const r = await cli('report', dir);
    expect(r.code).toBe(2);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toBe('mine\n');
  });

  it('a report deploysim wrote (generator meta) is replaced: exit 0', async () => {
    const file = join(root, 'again.html');
    expect((await cli('report', runDir, '--out', file)).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain(GENERATOR_META);
    expect((await cli('report', runDir, '--out', file)).code).toBe(0);
  });

  it('a report written before the generator meta is recognised and replaced', async () => {
    const file = join(root, 'old.html');
    expect((await cli('report', runDir, '--out', file)).code).toBe(0);
    writeFileSync(file, readFileSync(file, 'utf8').replace(GENERATOR_META + '\n', ''));
    expect(readFileSync(file, 'utf8')).not.toContain(GENERATOR_META);
    expect((await cli('report', runDir, '--out', file)).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain(GENERATOR_META);
  });
});
