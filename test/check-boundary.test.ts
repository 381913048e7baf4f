import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LineCounter, parseDocument } from 'yaml';
import { findBoundaries, type Outcome } from '../src/check/boundary.js';
import { gridValue, parseExplore, type Dimension } from '../src/check/explore.js';
import { runCheck } from '../src/check/run-check.js';

const dir = mkdtempSync(path.join(tmpdir(), 'deploysim-check-boundary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function check(file: string, runs: number, out: string): { code: number; out: string; err: string } {
  let o = '';
  let e = '';
  const code = runCheck(file, { runs, out }, { out: (t) => (o += `${t}\n`), err: (t) => (e += `${t}\n`) });
  return { code, out: o, err: e };
}

const PERIOD = 10; // assumptions.probe_period [seed]

/**
 * SPEC §3 under baseten-2025, by hand: checks run at container start + delay, then every period; a
 * loading container fails every one; the restart counter reaches ceil(T / period) at the
 * ceil(T / period)-th check, i.e. at start + delay + (ceil(T / period) − 1) × period, and the
 * container is restarted mid-load (and again, a crash loop). A load that ends at the instant of a
 * check has ended before it (SPEC §1: the end of a phase runs before health checks), so that check
 * passes. No restart ⇔ load ≤ delay + (ceil(T / period) − 1) × period.
 */
function holdsBySpec(load: number, threshold: number, delay: number): boolean {
  return load <= delay + (Math.ceil(threshold / PERIOD) - 1) * PERIOD;
}

/** The smallest value in [lo, hi] (in steps) where `holds` starts to hold for good. */
function firstHolding(lo: number, hi: number, step: number, holds: (v: number) => boolean): number {
  for (let v = lo; v <= hi; v += step) if (holds(v)) return v;
  throw new Error('never holds');
}

describe('the boundary a check reports after a violation', () => {
  it('is where SPEC §3 puts the crash-loop edge of a 300 s load: threshold ≥ 301 s, delay ≥ 280 s', () => {
    // test/fixtures/check/crash-loop-edge.yaml: load 300 s, restart_threshold_seconds in 30..600,
    // restart_check_delay_seconds in 0..400. The first corner (30, 0) crash-loops.
    // Threshold axis at delay 0: ceil(T/10) − 1 ≥ 30 ⇔ T > 300 ⇒ holds from 301 s, violated at 300 s.
    const t = firstHolding(30, 600, 1, (T) => holdsBySpec(300, T, 0));
    expect(t).toBe(301);
    // Delay axis at threshold 30 s (3 checks, the 3rd at delay + 20 s): delay ≥ 280 s.
    const d = firstHolding(0, 400, 1, (D) => holdsBySpec(300, 30, D));
    expect(d).toBe(280);

    const out = path.join(dir, 'crash-loop');
    const r = check('test/fixtures/check/crash-loop-edge.yaml', 100, out);
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    expect(r.out).toContain('VIOLATION at run 1 of 100 (seed 1; a corner of the box):\n  deployment.runtime.health_checks.restart_threshold_seconds = 30\n  deployment.runtime.health_checks.restart_check_delay_seconds = 0\n');
    expect(r.out).toContain(`  holds when deployment.runtime.health_checks.restart_threshold_seconds ≥ ${t} s; violated at ≤ ${t - 1} s\n`);
    expect(r.out).toContain(`  holds when deployment.runtime.health_checks.restart_check_delay_seconds ≥ ${d} s; violated at ≤ ${d - 1} s\n`);
    const json = JSON.parse(readFileSync(path.join(out, 'check.json'), 'utf8'));
    expect(json.boundaries.map((b: { key: string; above: unknown }) => [b.key, b.above])).toEqual([
      ['deployment.runtime.health_checks.restart_threshold_seconds', { kind: 'boundary', violated: t - 1, holds: t, farEnd: 'holds' }],
      ['deployment.runtime.health_checks.restart_check_delay_seconds', { kind: 'boundary', violated: d - 1, holds: d, farEnd: 'holds' }],
    ]);
    // A few dozen runs, not the hundreds a scan of 571 + 401 values would take.
    expect(json.boundary_runs).toBeLessThan(60);
  });

  it('is given to the axis step: a 375 s load with the threshold in steps of 10 s holds from 390 s, violated at 380 s', () => {
    const t = firstHolding(30, 600, 10, (T) => holdsBySpec(375, T, 0));
    expect(t).toBe(390); // 39 checks: the 39th at 380 s, after the load; the 38th (T = 380 s) at 370 s, during it
    const file = path.join(dir, 'step10.yaml');
    writeFileSync(
      file,
      readFileSync('test/fixtures/check/crash-loop-edge.yaml', 'utf8')
        .replace('load: 300s', 'load: 375s')
        .replace('restart_threshold_seconds: [30, 600]', 'restart_threshold_seconds: { min: 30, max: 600, step: 10 }')
        .replace(/^ {2}deployment\.runtime\.health_checks\.restart_check_delay_seconds: .*\n/m, ''),
    );
    const r = check(file, 20, path.join(dir, 'step10'));
    expect(r.code).toBe(1);
    expect(r.out).toContain(`  holds when deployment.runtime.health_checks.restart_threshold_seconds ≥ ${t} s; violated at ≤ ${t - 10} s\n`);
  });

  it('says so when an axis has no boundary in its range', () => {
    // Delay 0..200 at threshold 30 s would need delay ≥ 280 s: violated everywhere.
    expect([...Array(201).keys()].some((D) => holdsBySpec(300, 30, D))).toBe(false);
    const file = path.join(dir, 'nowhere.yaml');
    writeFileSync(file, readFileSync('test/fixtures/check/crash-loop-edge.yaml', 'utf8').replace('restart_check_delay_seconds: [0, 400]', 'restart_check_delay_seconds: [0, 200]'));
    const r = check(file, 10, path.join(dir, 'nowhere'));
    expect(r.code).toBe(1);
    expect(r.out).toContain('  deployment.runtime.health_checks.restart_check_delay_seconds: no boundary in its range, violated at every value tried from 0 s to 200 s\n');
  });

  describe('findBoundaries(dims, point, judge) on a made-up outcome', () => {
    const lines = new LineCounter();
    const doc = parseDocument('traffic:\n  - { kind: poisson, rate: 1 }\nexplore:\n  traffic.0.rate: [0, 100]\n  seed: { one_of: [1, 2, 3] }\n', { lineCounter: lines });
    const dims: Dimension[] = parseExplore(doc, lines).dimensions;
    const judgeOf = (f: (x: number, s: number) => Outcome) => {
      let calls = 0;
      const judge = (index: number[]): Outcome => {
        calls++;
        return f(gridValue(dims[0]!, index[0]!) as number, gridValue(dims[1]!, index[1]!) as number);
      };
      return { judge, calls: () => calls };
    };

    it('reports both sides of a violated band, and each choice', () => {
      const j = judgeOf((x, s) => (x >= 40 && x <= 60 && s !== 3 ? 'violated' : 'holds'));
      const [rate, seed] = findBoundaries(dims, [50, 0], j.judge);
      expect(rate!.text).toBe('violated when 40 ≤ traffic.0.rate ≤ 60; holds when traffic.0.rate ≤ 39, and when traffic.0.rate ≥ 61');
      expect(seed!.text).toBe('seed: violated with 1, 2; holds with 3');
      expect(j.calls()).toBeLessThan(30);
    });

    it('stops at the last valid value when the scenario turns invalid along the axis', () => {
      const j = judgeOf((x) => (x > 80 ? 'invalid' : x >= 20 ? 'violated' : 'holds'));
      const [rate] = findBoundaries(dims, [50, 0], j.judge);
      expect(rate!.text).toBe('holds when traffic.0.rate ≤ 19; violated at ≥ 20 (above 80 the scenario is invalid)');
    });

    it('says when the holding value is not the end of the story', () => {
      const j = judgeOf((x) => (x >= 50 || x === 0 ? 'violated' : 'holds'));
      const [rate] = findBoundaries(dims, [70, 0], j.judge);
      expect(rate!.text).toBe("holds at traffic.0.rate = 49 but is violated again at the range's end (the outcome changes more than once); violated at ≥ 50");
    });
  });
});
