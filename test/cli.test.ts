import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'deploysim-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const bad = fs.readdirSync('test/fixtures/bad').filter((f) => f.endsWith('.yaml')).sort();

describe('deploysim run', () => {
  it('writes the run folder and a short human summary; exit 0', async () => {
    const out = path.join(tmp, 'hang');
    const r = await cli('run', 'scenarios/hang.yaml', '--out', out, '--duration', '20m');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^hang \(seed 9, 20m, baseten-2025\)/);
    expect(r.out).toMatch(/fault {9}hang on replica 0 at 15m: traffic stopped \+21 s, restarted \+51 s/);
    expect(fs.readdirSync(out).sort()).toEqual(['.deploysim', 'config.json', 'events.csv', 'logs.txt', 'report.html', 'summary.json', 'timeline.csv']);
    const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
    expect(summary.duration_s).toBe(1200);
    // No temporary folder is left beside it.
    expect(fs.readdirSync(tmp).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('--seed, --set and output.requests reach the run', async () => {
    const out = path.join(tmp, 'steady');
    const r = await cli('run', 'scenarios/steady-warm.yaml', '--out', out, '--seed', '5', '--duration', '10m', '--set', 'output.requests=true', '--set', 'traffic.0.rate=1');
    expect(r.code).toBe(0);
    const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
    expect(summary.seed).toBe(5);
    expect(summary.requests.arrived).toBeGreaterThan(500); // ~600 at 1/s
    expect(summary.requests.arrived).toBeLessThan(700);
    const rows = fs.readFileSync(path.join(out, 'requests.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toBe('id,arrival,dispatched,replica,finished,status,attempts,latency');
    expect(rows.length - 1).toBe(summary.requests.arrived);
  });

  it('two runs with the same seed write byte-identical files, report included', async () => {
    const a = path.join(tmp, 'same-a');
    const b = path.join(tmp, 'same-b');
    for (const out of [a, b]) expect((await cli('run', 'scenarios/cuda-error.yaml', '--out', out, '--set', 'output.requests=true')).code).toBe(0);
    for (const f of fs.readdirSync(a)) expect(fs.readFileSync(path.join(b, f)).equals(fs.readFileSync(path.join(a, f))), f).toBe(true);
  });

  it.each(bad)('a broken file (%s) exits 2 with file:line:col, no stack trace, and writes nothing', async (file) => {
    const out = path.join(tmp, `bad-${file}`);
    const r = await cli('run', path.join('test/fixtures/bad', file), '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`test/fixtures/bad/${file}`);
    expect(r.err).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // no stack frames
    expect(r.out).toBe('');
    expect(fs.existsSync(out)).toBe(false);
  });

  it('a bad --set exits 2 naming the override', async () => {
    const out = path.join(tmp, 'bad-set');
    const r = await cli('run', 'scenarios/hang.yaml', '--out', out, '--set', 'deployment.runtime.health_checks.restart_threshold_seconds=20');
    expect(r.code).toBe(2);
    expect(r.err).toBe('--set deployment.runtime.health_checks.restart_threshold_seconds=20: found 20, allowed 30–1800 (baseten-2025; baseten-2026 accepts 10–3000: set `platform: baseten-2026`)');
    expect(fs.existsSync(out)).toBe(false);
  });

  it('a missing file, a missing argument and an unknown command exit 2', async () => {
    expect((await cli('run', 'no/such.yaml')).code).toBe(2);
    expect((await cli('run')).code).toBe(2);
    expect((await cli('frobnicate')).code).toBe(2);
    expect((await cli('run', 'scenarios/hang.yaml', '--seed', 'abc')).err).toBe('--seed: found "abc", allowed an integer 0–9007199254740991 written in decimal digits');
  });
});

describe('deploysim validate', () => {
  it('checks several files, reports every error and exits 2 if any is bad', async () => {
    const r = await cli('validate', 'scenarios/hang.yaml', 'test/fixtures/bad/min-gt-max.yaml');
    expect(r.code).toBe(2);
    expect(r.out).toBe('ok  scenarios/hang.yaml');
    expect(r.err).toMatch(/^test\/fixtures\/bad\/min-gt-max\.yaml:\d+:\d+ deployment\.autoscaling\./);
    expect(r.err).toMatch(/1 of 2 scenario files invalid$/);
  });

  it('exits 0 on every file in scenarios/', async () => {
    const files = fs.readdirSync('scenarios').filter((f) => f.endsWith('.yaml')).map((f) => path.join('scenarios', f));
    const r = await cli('validate', ...files);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('the run summary explains a low availability in one line', () => {
  it('a certain crash loop (4–6 min load, 60 s restart threshold, baseten-2025) says so', async () => {
    const file = path.join(tmp, 'crash.yaml');
    fs.writeFileSync(file, 'platform: baseten-2025\nduration: 1h\ndeployment:\n  runtime: { health_checks: { restart_threshold_seconds: 60 } }\n  startup: { load: { dist: uniform, min: 4m, max: 6m } }\n  service_time: 1s\ntraffic: [{ kind: poisson, rate: 1 }]\n');
    const r = await cli('run', file, '--out', path.join(tmp, 'crash'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\n {2}diagnosis {5}availability 0\.0 %: a crash loop \(\d+ restarts of 1 replica\)/);
    expect(r.err).toContain('a certain crash loop');
  });
});

describe('the run summary of a chain', () => {
  it('has one line per chainlet and the faults of every chainlet, named', async () => {
    const r = await cli('run', 'scenarios/chains/rag-cascade.yaml', '--out', path.join(tmp, 'rag'), '--duration', '25m');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\n {2}chainlet {6}LLM: [\d,]+ requests · \d+ failed · replicas peak 2 · restarts 1 · traffic stops 1 · \$/);
    expect(r.out).toContain('  fault         cuda_error on LLM replica 0 at 20m: traffic stopped +20 s, restarted +50 s');
    expect(r.out).not.toMatch(/\n {2}replicas /); // the entrypoint's replicas alone would read as the chain's
  });
});
