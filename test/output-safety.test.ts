/**
 * Never lose a user's file (SPEC §9): every way a careless or unlucky `run` could replace what
 * the user has is refused with exit 2 before any work, and the user's files are byte-identical
 * afterwards. Every victim folder is built in a fresh temporary directory.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { lockPathOf } from '../src/output/folder-lock.js';
import { MARKER_FILE, readMarker } from '../src/output/owned-folder.js';
import { runToFolder } from '../src/run-to-folder.js';
import { RunInterrupted } from '../src/run.js';
import { loadScenario } from '../src/scenario/load.js';
import { cli } from './helpers/cli.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'deploysim-safety-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const bin = path.resolve('bin/deploysim.js');
const scenario = path.resolve('scenarios/steady-warm.yaml');

let box: string;
let n = 0;
beforeEach(() => {
  box = path.join(root, `case-${n++}`);
  fs.mkdirSync(box);
});

/** A folder of the user's: files and a subfolder, returned with a snapshot to compare with later. */
function victim(dir: string): () => Record<string, string> {
  fs.mkdirSync(path.join(dir, 'notes'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'thesis.tex'), '\\section{Results}\n');
  fs.writeFileSync(path.join(dir, 'summary.json'), '{"mine": true}\n'); // a name deploysim also writes
  fs.writeFileSync(path.join(dir, 'notes', 'todo.txt'), 'call the platform team\n');
  return () => snapshot(dir);
}

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      if (e.isDirectory()) walk(path.join(d, e.name), r);
      else out[r] = fs.readFileSync(path.join(d, e.name), 'utf8');
    }
  };
  walk(dir, '');
  return out;
}

const run = (...args: string[]) => cli('run', scenario, '--duration', '2m', ...args);

describe('run --out never replaces what deploysim did not write', () => {
  it('a folder holding the user\'s files: exit 2 before any work, every file byte-identical', async () => {
    const dir = path.join(box, 'mine');
    const before = victim(dir)();
    const r = await run('--out', dir);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `--out ${dir}: exists and holds 3 entries deploysim did not write (notes, summary.json, thesis.tex); ` +
        `choose another path, or pass --force to write into it (only files named like deploysim's outputs are replaced: it would REPLACE summary.json, which you may want to keep; nothing else is touched); nothing was written`,
    );
    expect(r.out).toBe('');
    expect(snapshot(dir)).toEqual(before);
    expect(fs.readdirSync(box)).toEqual(['mine']); // no temporary, no lock left
  });

  it('a file: exit 2, the file unchanged', async () => {
    const file = path.join(box, 'results.txt');
    fs.writeFileSync(file, 'precious\n');
    const r = await run('--out', file);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^--out .*results\.txt: is a file, not a folder deploysim wrote/);
    expect(fs.readFileSync(file, 'utf8')).toBe('precious\n');
  });

  it('a path through `..` that lands on the user\'s folder (sub/..): refused like the folder itself', async () => {
    const dir = path.join(box, 'parent');
    const before = victim(dir)();
    fs.mkdirSync(path.join(dir, 'sub'));
    const r = await run('--out', `${dir}/sub/..`);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`(${dir}): exists and holds 4 entries`);
    expect(snapshot(dir)).toEqual(before);
  });

  it('a symbolic link: refused, the folder it points to untouched', async () => {
    const dir = path.join(box, 'real');
    const before = victim(dir)();
    fs.symlinkSync(dir, path.join(box, 'link'));
    const r = await run('--out', path.join(box, 'link'));
    expect(r.code).toBe(2);
    expect(snapshot(dir)).toEqual(before);
  });

  it('a symbolic link to an empty folder, or to a folder deploysim wrote, is refused too (as the README says)', async () => {
    const empty = path.join(box, 'empty');
    fs.mkdirSync(empty);
    fs.symlinkSync(empty, path.join(box, 'to-empty'));
    const ours = path.join(box, 'ours');
    expect((await run('--out', ours)).code).toBe(0);
    const before = snapshot(ours);
    fs.symlinkSync(ours, path.join(box, 'to-ours'));
    for (const link of ['to-empty', 'to-empty/', 'to-ours']) {
      const r = await run('--out', path.join(box, link));
      expect(r.code, link).toBe(2);
      expect(r.err, link).toContain('is a symbolic link; give the folder it points to');
    }
    expect(fs.readdirSync(empty)).toEqual([]);
    expect(snapshot(ours)).toEqual(before);
  });

  it('the folder that holds the scenario: refused', async () => {
    const dir = path.join(box, 'project');
    fs.mkdirSync(dir);
    fs.copyFileSync(scenario, path.join(dir, 'my.yaml'));
    const r = await cli('run', path.join(dir, 'my.yaml'), '--duration', '2m', '--out', dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`--out ${dir}: holds ${path.join(dir, 'my.yaml')}, which this command reads; nothing was written`);
    expect(fs.readdirSync(dir)).toEqual(['my.yaml']);
  });

  it('the root, the home folder, the working folder and its ancestors: refused', async () => {
    for (const [out, why] of [
      ['/', 'is the root folder'],
      [os.homedir(), 'is your home folder'],
      ['.', 'is the working folder'],
      ['..', 'holds the working folder'],
    ] as const) {
      const r = await run('--out', out);
      expect(r.code, out).toBe(2);
      expect(r.err, out).toContain(why);
    }
  });

  it('under a file, or in a folder that cannot be written: refused before the simulation, not after it', async () => {
    fs.writeFileSync(path.join(box, 'afile'), 'x');
    const r = await cli('run', scenario, '--duration', '30d', '--out', path.join(box, 'afile', 'run'));
    expect(r.code).toBe(2);
    expect(r.err).toContain(`cannot be created: ${path.join(box, 'afile')} is a file; nothing was written`);
    if (process.getuid?.() !== 0) {
      // root writes anywhere: the permission case only means something for a user.
      const ro = path.join(box, 'readonly');
      fs.mkdirSync(ro, { mode: 0o555 });
      const r2 = await cli('run', scenario, '--duration', '30d', '--out', path.join(ro, 'run'));
      expect(r2.code).toBe(2);
      expect(r2.err).toContain('is not writable');
    }
  });
});

describe('what deploysim wrote, it may replace', () => {
  it('a run folder is marked, and the next run into it replaces it whole', async () => {
    const dir = path.join(box, 'run');
    expect((await run('--out', dir)).code).toBe(0);
    expect(readMarker(dir)).toEqual({ written_by: 'deploysim', kind: 'run', files: ['config.json', 'events.csv', 'logs.txt', 'report.html', 'summary.json', 'timeline.csv'] });
    fs.writeFileSync(path.join(dir, 'summary.json'), 'stale'); // ours to replace
    expect((await run('--out', dir, '--seed', '7')).code).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8')).seed).toBe(7);
    expect(fs.readdirSync(box)).toEqual(['run']);
  });

  it('a file the user put into a run folder survives the next run into it', async () => {
    const dir = path.join(box, 'run');
    expect((await run('--out', dir)).code).toBe(0);
    fs.writeFileSync(path.join(dir, 'my-notes.md'), 'replica 0 looked odd\n');
    const r = await run('--out', dir);
    expect(r.code).toBe(0);
    expect(r.err).toContain('keeps 1 entry deploysim did not write (my-notes.md)');
    expect(fs.readFileSync(path.join(dir, 'my-notes.md'), 'utf8')).toBe('replica 0 looked odd\n');
    expect(fs.readdirSync(dir).sort()).toEqual([MARKER_FILE, 'config.json', 'events.csv', 'logs.txt', 'my-notes.md', 'report.html', 'summary.json', 'timeline.csv']);
  });

  it('--force into the user\'s folder replaces only files named like deploysim\'s outputs', async () => {
    const dir = path.join(box, 'mine');
    const before = victim(dir)();
    const r = await run('--out', dir, '--force');
    expect(r.code).toBe(0);
    const after = snapshot(dir);
    expect(after['thesis.tex']).toBe(before['thesis.tex']);
    expect(after[path.join('notes', 'todo.txt')]).toBe(before[path.join('notes', 'todo.txt')]);
    expect(JSON.parse(after['summary.json']!).scenario).toBe('steady-warm'); // its summary.json was replaced, as --force says
    expect(readMarker(dir)!.files).not.toContain('thesis.tex');
    // Marked now, but the next run still leaves the user's files alone.
    expect((await run('--out', dir)).code).toBe(0);
    expect(snapshot(dir)['thesis.tex']).toBe(before['thesis.tex']);
  });

  it('a forged marker cannot name a file outside the folder', async () => {
    const dir = path.join(box, 'forged');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(box, 'outside.txt'), 'keep');
    fs.writeFileSync(path.join(dir, MARKER_FILE), JSON.stringify({ written_by: 'deploysim', kind: 'run', files: ['../outside.txt'] }));
    const r = await run('--out', dir);
    expect(r.code).toBe(2);
    expect(fs.readFileSync(path.join(box, 'outside.txt'), 'utf8')).toBe('keep');
  });

  it('an empty folder is used (the user made it for the run)', async () => {
    const dir = path.join(box, 'empty');
    fs.mkdirSync(dir);
    expect((await run('--out', dir)).code).toBe(0);
    expect(readMarker(dir)?.kind).toBe('run');
  });
});

describe('one writer, and nothing half-written', () => {
  it('a second run into a folder another live deploysim is writing is refused; a stale lock is taken over', async () => {
    const dir = path.join(box, 'busy');
    fs.writeFileSync(lockPathOf(dir), `${process.pid}\n`); // this process is alive
    const r = await run('--out', dir);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`--out ${dir}: another deploysim (pid ${process.pid}) is writing it now; wait for it to finish or choose another --out; nothing was written`);
    expect(fs.existsSync(dir)).toBe(false);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    fs.writeFileSync(lockPathOf(dir), `${dead}\n`);
    expect((await run('--out', dir)).code).toBe(0);
    expect(fs.existsSync(lockPathOf(dir))).toBe(false);
  });

  it('a run that fails leaves no temporary folder, and the previous run folder whole', async () => {
    const dir = path.join(box, 'prev');
    expect((await run('--out', dir)).code).toBe(0);
    const before = snapshot(dir);
    const { config } = loadScenario(scenario);
    config.deployment.service_time = { dist: 'nonsense' } as never; // the model throws on its first request
    await expect(runToFolder(config, dir)).rejects.toThrow();
    expect(snapshot(dir)).toEqual(before);
    expect(fs.readdirSync(box)).toEqual(['prev']);
  });

  it('Ctrl-C (SIGINT) or SIGTERM stops the run: exit 130, no folder, no temporary, no lock', async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const out = path.join(box, `long-${signal}`);
      const child = spawn(process.execPath, [bin, 'run', scenario, '--duration', '60d', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      // Wait until the run has made its temporary folder, then interrupt it.
      const deadline = Date.now() + 30_000;
      while (!fs.readdirSync(box).some((f) => f.startsWith(`.long-${signal}.deploysim-tmp`)) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      child.kill(signal);
      const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
      expect(code, err).toBe(130);
      expect(err).toContain(`interrupted: nothing written to ${out}`);
      expect(fs.readdirSync(box).filter((f) => f.includes(`long-${signal}`))).toEqual([]);
    }
  });

  it('Ctrl-C while the report is drawn (after the simulation) still leaves nothing: the previous run folder whole', async () => {
    // The report is drawn in one synchronous go, so the signal's handler runs only after it: the
    // run must look at the signal before it puts the folder in place.
    const dir = path.join(box, 'prev');
    expect((await run('--out', dir)).code).toBe(0);
    const before = snapshot(dir);
    const { config } = loadScenario(scenario);
    const ctrl = new AbortController();
    const report = (_dir: string): string => {
      setImmediate(() => ctrl.abort()); // the handler of a Ctrl-C pressed now runs at the next turn
      return '<html></html>';
    };
    await expect(runToFolder(config, dir, { signal: ctrl.signal, report })).rejects.toThrow(RunInterrupted);
    expect(snapshot(dir)).toEqual(before);
    expect(fs.readdirSync(box)).toEqual(['prev']);
  });

  it('`name:` that walks out of reports/ from the working folder cannot delete a folder there', () => {
    // Run as a stranger would: from a folder of theirs, a scenario from someone else.
    const cwd = path.join(box, 'work');
    const before = victim(path.join(cwd, 'src'))();
    fs.mkdirSync(path.join(cwd, 'reports', 'old-run'), { recursive: true });
    fs.writeFileSync(path.join(cwd, 'reports', 'old-run', 'keep.txt'), 'earlier');
    const text = fs.readFileSync(scenario, 'utf8').replace(/^name: .*$/m, '');
    for (const name of ['../src', '""', '..', '.']) {
      fs.writeFileSync(path.join(cwd, 'evil.yaml'), `name: ${name}\n${text}`);
      const r = spawnSync(process.execPath, [bin, 'run', 'evil.yaml', '--duration', '1m'], { cwd, encoding: 'utf8' });
      expect(r.status, `${name}: ${r.stderr}`).toBe(2);
      expect(snapshot(path.join(cwd, 'src'))).toEqual(before);
      expect(fs.readFileSync(path.join(cwd, 'reports', 'old-run', 'keep.txt'), 'utf8')).toBe('earlier');
    }
  });
});
