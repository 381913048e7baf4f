import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LineCounter, parseDocument } from 'yaml';
import { gridSize, gridValue, parseExplore, type Dimension } from '../src/check/explore.js';
import { corners, edgeMidpoints, latinHypercube, planSamples } from '../src/check/samples.js';
import { runCheck } from '../src/check/run-check.js';

const dir = mkdtempSync(path.join(tmpdir(), 'deploysim-check-order-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function dims(explore: string): Dimension[] {
  const lines = new LineCounter();
  const doc = parseDocument(`traffic:\n  - { kind: poisson, rate: 1 }\nfaults:\n  - { kind: hang, at: 60 }\nexplore:\n${explore}`, { lineCounter: lines });
  const r = parseExplore(doc, lines);
  expect(r.problems).toEqual([]);
  return r.dimensions;
}

function check(file: string, runs: number, out: string): { code: number; out: string; err: string } {
  let o = '';
  let e = '';
  const code = runCheck(file, { runs, out }, { out: (t) => (o += `${t}\n`), err: (t) => (e += `${t}\n`) });
  return { code, out: o, err: e };
}

describe('the order of a check: corners, edge midpoints, then stratified samples', () => {
  const box = dims('  traffic.0.rate: [1, 9]\n  faults.0.at: [10s, 20s]\n  faults.0.kind: [hang, cuda_error]\n');

  it('corners(box) lists every end of every range and every choice, low ends first', () => {
    // rate 1|9 (index 0|8), at 10|20 s (0|10), kind hang|cuda_error (0|1): 2 × 2 × 2.
    expect([...corners(box)]).toEqual([
      [0, 0, 0], [0, 0, 1], [0, 10, 0], [0, 10, 1],
      [8, 0, 0], [8, 0, 1], [8, 10, 0], [8, 10, 1],
    ]);
  });

  it('edgeMidpoints(box) puts one range at its middle value and the others at a corner', () => {
    const mids = [...edgeMidpoints(box)];
    expect(mids).toEqual([
      [4, 0, 0], [4, 0, 1], [4, 10, 0], [4, 10, 1],
      [0, 5, 0], [0, 5, 1], [8, 5, 0], [8, 5, 1],
    ]);
    expect(mids.map((m) => [gridValue(box[0]!, m[0]!), gridValue(box[1]!, m[1]!)])[0]).toEqual([5, 10]);
  });

  it('planSamples tries corners, then edge midpoints, then stratified samples, each point once', () => {
    const p = planSamples(box, 40, 7);
    expect(p.points.slice(0, 8).map((x) => x.origin)).toEqual(Array(8).fill('corner'));
    expect(p.points.slice(8, 16).map((x) => x.origin)).toEqual(Array(8).fill('edge midpoint'));
    expect(p.points.slice(16).every((x) => x.origin === 'stratified')).toBe(true);
    expect(new Set(p.points.map((x) => x.index.join(','))).size).toBe(p.points.length);
    expect(p.corners).toEqual({ total: 8, planned: 8 });
    expect(p.midpoints).toEqual({ total: 8, planned: 8 });
    expect(p.points.length).toBeLessThanOrEqual(40);
  });

  it('planSamples with a budget below the corners plans only the first corners', () => {
    const p = planSamples(box, 3, 7);
    expect(p.points.map((x) => x.index)).toEqual([[0, 0, 0], [0, 0, 1], [0, 10, 0]]);
    expect(p.corners).toEqual({ total: 8, planned: 3 });
    expect(p.midpoints).toEqual({ total: 8, planned: 0 });
    expect(p.stratified).toBe(0);
  });

  it('planSamples tries every combination when the whole grid fits the budget', () => {
    const small = dims('  traffic.0.rate: [1, 3]\n  faults.0.kind: [hang, cuda_error]\n');
    const p = planSamples(small, 100, 1);
    expect(p.exhaustive).toBe(true);
    expect(p.points.length).toBe(6);
    expect(p.points.map((x) => x.origin)).toEqual(['corner', 'corner', 'corner', 'corner', 'edge midpoint', 'edge midpoint']);
  });

  it('latinHypercube(dims, n, seed) puts exactly one point in each of n equal strata of every axis', () => {
    const wide = dims('  faults.0.at: [0, 999]\n  traffic.0.rate: { min: 0, max: 4.99, step: 0.01 }\n  faults.0.kind: [hang, cuda_error, crash, http_5xx, oom]\n');
    const n = 50;
    const pts = latinHypercube(wide, n, 11);
    expect(pts.length).toBe(n);
    for (const axis of [0, 1]) {
      const size = gridSize(wide[axis]!);
      const strata = pts.map((p) => Math.floor((p[axis]! * n) / size)).sort((a, b) => a - b);
      expect(strata, `axis ${axis}`).toEqual(Array.from({ length: n }, (_, i) => i));
    }
    // A choice axis of 5 values: each choice gets its share, 10 of 50.
    const counts = [0, 0, 0, 0, 0];
    for (const p of pts) counts[p[2]!]!++;
    expect(counts).toEqual([10, 10, 10, 10, 10]);
    // Seeded: the same seed gives the same points, another seed others.
    expect(latinHypercube(wide, n, 11)).toEqual(pts);
    expect(latinHypercube(wide, n, 12)).not.toEqual(pts);
  });

  it('finds a violation only one corner has, with a budget of 4 runs', () => {
    // test/fixtures/check/narrow-corner.yaml: 60 s restart threshold = 6 checks at start + delay,
    // + 10, ..., + 50 s (SPEC §3, baseten-2025); a load L still running then restarts the replica.
    // The violating set is L > delay + 50 over L in 30..300 s, delay in 240..250: count it.
    let bad = 0;
    let all = 0;
    for (let load = 30; load <= 300; load++) {
      for (let delay = 240; delay <= 250; delay++) {
        all++;
        if (load > delay + 50) bad++;
      }
    }
    expect(bad / all).toBeLessThan(0.02); // 4 uniform draws find it about 1 time in 14 (55 of 2,981 points)
    const out = path.join(dir, 'narrow');
    const r = check('test/fixtures/check/narrow-corner.yaml', 4, out);
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    expect(r.out).toContain('VIOLATION at run 3 of 4 (seed 1; a corner of the box):\n  deployment.startup.load = 300 s (5m)\n  deployment.runtime.health_checks.restart_check_delay_seconds = 240\n');
  });

  it('says so, and which points it tried, when the budget is smaller than the corners and edge midpoints', () => {
    const out = path.join(dir, 'short');
    const r = check('test/fixtures/check/narrow-corner.yaml', 2, out);
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      [
        "order: --runs 2 is fewer than the box's 4 corners and 4 edge midpoints (--runs 8 tries them all), so no stratified samples; tried:",
        '  corner: deployment.startup.load = 30 s, deployment.runtime.health_checks.restart_check_delay_seconds = 240',
        '  corner: deployment.startup.load = 30 s, deployment.runtime.health_checks.restart_check_delay_seconds = 250',
        'held:',
      ].join('\n'),
    );
    const json = JSON.parse(readFileSync(path.join(out, 'check.json'), 'utf8'));
    expect(json.result).toBe('held');
    expect(json.order.corners).toEqual({ total: 4, planned: 2 });
    expect(json.tried).toHaveLength(2);
  });

  it('is deterministic: the same check twice gives the same output', () => {
    const a = check('test/fixtures/check/safe.yaml', 12, path.join(dir, 'det'));
    const b = check('test/fixtures/check/safe.yaml', 12, path.join(dir, 'det'));
    expect(a.out).toBe(b.out);
    expect(a.code).toBe(0);
  });
});
