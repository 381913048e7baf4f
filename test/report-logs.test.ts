import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readLogHead } from '../src/report/log-head.js';
import { cli } from './helpers/cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploysim-loghead-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the report shows the first lines of logs.txt', () => {
  it('readLogHead: the first n lines and the count, a last line without a newline counted', () => {
    const f = path.join(dir, 'l.txt');
    fs.writeFileSync(f, 'a\nb\nc\nd');
    expect(readLogHead(f, 2)).toEqual({ lines: ['a', 'b'], total: 4 });
    fs.writeFileSync(f, '');
    expect(readLogHead(f, 2)).toEqual({ lines: [], total: 0 });
    expect(readLogHead(path.join(dir, 'none.txt'))).toBeNull();
  });

  it('run and report <dir> show the same head, as the file has it (HTML-escaped)', async () => {
    const out = path.join(dir, 'cuda');
    expect((await cli('run', 'scenarios/cuda-error.yaml', '--out', out, '--duration', '25m')).code).toBe(0);
    const logs = fs.readFileSync(path.join(out, 'logs.txt'), 'utf8').trim().split('\n');
    const page = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(page).toContain(`<h2>logs.txt (the first 15 of ${logs.length} lines)</h2><pre>${logs.slice(0, 15).join('\n')}</pre>`);
    fs.rmSync(path.join(out, 'report.html'));
    expect((await cli('report', out)).code).toBe(0);
    expect(fs.readFileSync(path.join(out, 'report.html'), 'utf8')).toBe(page);
  });
});
