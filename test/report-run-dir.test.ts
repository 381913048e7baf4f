/** readRunDir and `deploysim report` over real run folders written by runToFolder. */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JSDOM } from 'jsdom';
import { main } from '../src/cli/index.js';
import { registerReportCommand } from '../src/cli/report-command.js';
import { runToFolder } from '../src/run-to-folder.js';
import { readRunDir, RunDirError } from '../src/report/read-run-dir.js';
import { CHART_IDS, renderReport } from '../src/report/render-report.js';
import type { TimelineRow } from '../src/model/summary.js';
import { loadScenario } from '../src/scenario/load.js';
import { captureIo } from './helpers/cli.js';

let root: string;
let runDir: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'deploysim-report-'));
  runDir = join(root, 'cuda-error');
  await runToFolder(loadScenario('scenarios/cuda-error.yaml').config, runDir);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function report(args: string[]): Promise<{ code: number | null; out: string[]; err: string[] }> {
  const c = captureIo();
  const program = new Command('deploysim').exitOverride();
  registerReportCommand(program, c.io);
  await program.parseAsync(['node', 'deploysim', 'report', ...args]);
  const lines = (text: string) => (text === '' ? [] : text.replace(/\n$/, '').split('\n'));
  return { code: c.code(), out: lines(c.out()), err: lines(c.err()) };
}

describe('readRunDir', () => {
  it('readRunDir(dir) reads a real run folder: summary, every timeline row and event, config', () => {
    const input = readRunDir(runDir);
    const timeline: TimelineRow[] = [];
    input.timeline.forEach((r) => timeline.push(r));
    const csvLines = (f: string) => readFileSync(join(runDir, f), 'utf8').trim().split('\n').length - 1;
    expect(input.summary.scenario).toBe('cuda-error');
    expect(timeline).toHaveLength(csvLines('timeline.csv'));
    expect(input.events).toHaveLength(csvLines('events.csv'));
    expect(input.config?.deployment.runtime.health_checks.stop_traffic_threshold_seconds).toBe(30);
    expect(input.events.some((e) => e.event === 'fault' && e.replica === 0 && e.detail === 'kind=cuda_error')).toBe(true);
    const scale = input.events.find((e) => e.event === 'scale_up');
    if (scale) expect(typeof scale.to).toBe('number');
    expect(timeline.every((r) => typeof r.t === 'number')).toBe(true);
  });

  it('readRunDir(dir) gives config null when config.json is absent', async () => {
    const dir = join(root, 'no-config');
    await runToFolder(loadScenario('scenarios/cuda-error.yaml').config, dir);
    rmSync(join(dir, 'config.json'));
    expect(readRunDir(dir).config).toBeNull();
  });

  it('readRunDir(dir) throws RunDirError naming the missing files', () => {
    const empty = mkdtempSync(join(root, 'empty-'));
    expect(() => readRunDir(empty)).toThrow(RunDirError);
    expect(() => readRunDir(empty)).toThrow(/missing summary\.json and timeline\.csv/);
  });

  it('the report of a folder read back marks the CUDA fault at its time', () => {
    const input = readRunDir(runDir);
    const doc = new JSDOM(renderReport(input)).window.document;
    for (const id of CHART_IDS) expect(doc.getElementById(id)).not.toBeNull();
    const fault = input.summary.health.faults[0]!;
    const m = doc.querySelector('#chart-lanes g.marker[data-event="fault"]')!;
    expect(Number(m.getAttribute('data-t'))).toBe(fault.at);
    expect(doc.querySelectorAll('#fault-table tbody tr')).toHaveLength(input.summary.health.faults.length);
  });
});

describe('deploysim report', () => {
  it('report <run-dir> writes report.html atomically and exits 0', async () => {
    rmSync(join(runDir, 'report.html'));
    const r = await report([runDir]);
    expect(r.code).toBe(0);
    expect(r.out).toEqual([`wrote ${join(runDir, 'report.html')}`]);
    expect(readFileSync(join(runDir, 'report.html'), 'utf8')).toBe(renderReport(readRunDir(runDir)));
    expect(readdirSync(runDir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('report <run-dir> --out FILE writes there', async () => {
    const out = join(root, 'elsewhere.html');
    const r = await report([runDir, '--out', out]);
    expect(r.code).toBe(0);
    expect(existsSync(out)).toBe(true);
  });

  it('report <folder without summary.json/timeline.csv> exits 2 with a clear message', async () => {
    const empty = mkdtempSync(join(root, 'empty-'));
    writeFileSync(join(empty, 'timeline.csv'), 't\n10\n');
    const r = await report([empty]);
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toMatch(/not a run folder: missing summary\.json/);
    expect(existsSync(join(empty, 'report.html'))).toBe(false);
  });

  it('report <missing folder> exits 2 saying it does not exist', async () => {
    const r = await report([join(root, 'nope')]);
    expect(r.code).toBe(2);
    expect(r.err).toEqual([`deploysim report: ${join(root, 'nope')} does not exist; give a run folder written by \`deploysim run\``]);
  });

  it('report <a file> exits 2 saying it is a file, not a run folder', async () => {
    const file = join(root, 'a-file.txt');
    writeFileSync(file, 'x\n');
    const r = await report([file]);
    expect(r.code).toBe(2);
    expect(r.err).toEqual([`deploysim report: ${file} is a file, not a run folder; give a run folder written by \`deploysim run\``]);
  });

  it('report <sweep folder> exits 2 pointing at its comparison.html (or its sweep.json before the sweep finished)', async () => {
    const sweep = mkdtempSync(join(root, 'sweep-'));
    writeFileSync(join(sweep, 'sweep.json'), '{}\n');
    let r = await report([sweep]);
    expect(r.code).toBe(2);
    expect(r.err).toEqual([`deploysim report: ${sweep} is a sweep folder (${join(sweep, 'sweep.json')}), not a run folder; it has no comparison.html yet (written when the sweep finishes, or by \`deploysim merge\` for shards)`]);
    writeFileSync(join(sweep, 'comparison.html'), '<!DOCTYPE html>\n');
    r = await report([sweep]);
    expect(r.err).toEqual([`deploysim report: ${sweep} is a sweep folder, not a run folder; its report is ${join(sweep, 'comparison.html')}`]);
    expect(existsSync(join(sweep, 'report.html'))).toBe(false);
  });

  it('report <check folder> exits 2 pointing at check.json and the counterexample to run', async () => {
    const check = mkdtempSync(join(root, 'check-'));
    writeFileSync(join(check, 'check.json'), '{}\n');
    let r = await report([check]);
    expect(r.code).toBe(2);
    expect(r.err).toEqual([`deploysim report: ${check} is a check folder, not a run folder; see ${join(check, 'check.json')}`]);
    writeFileSync(join(check, 'counterexample.yaml'), 'name: x\n');
    r = await report([check]);
    expect(r.err).toEqual([
      `deploysim report: ${check} is a check folder, not a run folder; see ${join(check, 'check.json')}, or \`deploysim run ${join(check, 'counterexample.yaml')}\` for a run folder of the counterexample`,
    ]);
  });

  it('deploysim report through main: 0 on a run folder, 2 on a folder that is not one', async () => {
    const io = captureIo().io;
    expect(await main(['node', 'deploysim', 'report', runDir], io)).toBe(0);
    expect(await main(['node', 'deploysim', 'report', mkdtempSync(join(root, 'empty-'))], io)).toBe(2);
  });
});
