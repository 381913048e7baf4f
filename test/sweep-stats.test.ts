import { describe, expect, it } from 'vitest';
import { mean, meanCi, pairedDiff, sampleSd, tQuantile } from '../src/sweep/stats.js';
import { dominates, paretoFront } from '../src/sweep/pareto.js';
import { pointLabels } from '../src/sweep/comparison-html.js';
import { textWidth } from '../src/report/svg.js';
import { fmtNum } from '../src/sweep/format.js';

describe('tQuantile(p, dof)', () => {
  // Two-sided 95 % critical values from a printed t table (4 decimals).
  const table: [number, number][] = [
    [1, 12.7062],
    [2, 4.3027],
    [3, 3.1824],
    [4, 2.7764],
    [5, 2.5706],
    [9, 2.2622],
    [10, 2.2281],
    [19, 2.0930],
    [29, 2.0452],
    [30, 2.0423],
    [60, 2.0003],
    [120, 1.9799],
  ];
  for (const [dof, t] of table) {
    it(`tQuantile(0.975, ${dof}) = ${t}`, () => expect(tQuantile(0.975, dof)).toBeCloseTo(t, 4));
  }
  it('tQuantile(0.95, 10) = 1.8125 and tQuantile(0.995, 5) = 4.0321 (other columns of the table)', () => {
    expect(tQuantile(0.95, 10)).toBeCloseTo(1.8125, 4);
    expect(tQuantile(0.995, 5)).toBeCloseTo(4.0321, 4);
  });
  it('tQuantile(p, dof) is odd around 0.5 and tends to the normal quantile for large dof', () => {
    expect(tQuantile(0.5, 7)).toBe(0);
    expect(tQuantile(0.025, 4)).toBeCloseTo(-2.7764, 4);
    expect(tQuantile(0.975, 100000)).toBeCloseTo(1.96, 3);
  });
  it('tQuantile rejects p outside (0, 1) and dof < 1', () => {
    expect(() => tQuantile(1, 3)).toThrow(/p = 1/);
    expect(() => tQuantile(0.9, 0)).toThrow(/dof = 0/);
  });
  it('tQuantile(p, 1) is the Cauchy quantile tan(π (p − ½))', () => {
    for (const p of [0.6, 0.9, 0.975, 0.999]) expect(tQuantile(p, 1)).toBeCloseTo(Math.tan(Math.PI * (p - 0.5)), 10);
  });
});

describe('meanCi(xs)', () => {
  it('meanCi([1, 2, 3, 4, 5]) = 3 ± t(0.975, 4)·√2.5/√5 = 3 ± 1.9632 (by hand)', () => {
    // s² = (4 + 1 + 0 + 1 + 4) / 4 = 2.5; s/√n = √0.5 = 0.70711; × 2.77645 = 1.96324.
    const e = meanCi([1, 2, 3, 4, 5]);
    expect(e.n).toBe(5);
    expect(e.mean).toBe(3);
    expect(sampleSd([1, 2, 3, 4, 5])).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(e.low).toBeCloseTo(3 - 1.96324, 4);
    expect(e.high).toBeCloseTo(3 + 1.96324, 4);
  });
  it('meanCi([10, 12]) = 11 ± 12.706 · √2/√2 = 11 ± 12.706 (two values, 1 dof)', () => {
    const e = meanCi([10, 12]);
    expect(e.low).toBeCloseTo(11 - 12.7062, 3);
    expect(e.high).toBeCloseTo(11 + 12.7062, 3);
  });
  it('meanCi of one value has a mean and no interval; of none, nothing', () => {
    expect(meanCi([4])).toEqual({ n: 1, mean: 4, low: null, high: null });
    expect(meanCi([])).toEqual({ n: 0, mean: null, low: null, high: null });
    expect(mean([])).toBeNull();
  });
  it('meanCi of equal values has a zero-width interval', () => {
    expect(meanCi([0.25, 0.25, 0.25])).toEqual({ n: 3, mean: 0.25, low: 0.25, high: 0.25 });
  });
});

describe('pairedDiff(a, b)', () => {
  it('pairedDiff(a, a) is exactly 0 with a 0-width interval', () => {
    const a = [0.1, 0.7, 1e9 + 0.3, 3.3333333, 42];
    expect(pairedDiff(a, a)).toEqual({ n: 5, mean: 0, low: 0, high: 0 });
  });
  it('pairedDiff uses per-seed differences: a constant shift has a 0-width interval however noisy a is', () => {
    const a = [5, 50, 500, 7];
    const b = a.map((x) => x + 2);
    expect(pairedDiff(a, b)).toEqual({ n: 4, mean: 2, low: 2, high: 2 });
  });
  it('pairedDiff([1,2,3], [2,4,5]) = mean of [1,2,2] ± t(0.975,2)·s/√3 (by hand)', () => {
    // d = [1, 2, 2], mean 5/3, s² = ((2/3)² + 2·(1/3)²)/2 = 1/3, s/√3 = 1/3, × 4.3027 = 1.43423.
    const e = pairedDiff([1, 2, 3], [2, 4, 5]);
    expect(e.mean).toBeCloseTo(5 / 3, 12);
    expect(e.low).toBeCloseTo(5 / 3 - 1.43423, 4);
    expect(e.high).toBeCloseTo(5 / 3 + 1.43423, 4);
  });
  it('pairedDiff skips seeds where either value is missing', () => {
    expect(pairedDiff([1, null, 3], [2, 5, null]).n).toBe(1);
  });
});

describe('paretoFront(points)', () => {
  it('paretoFront marks the points no other point beats in both cost (x) and failures (y)', () => {
    const pts = [
      { x: 10, y: 5 }, // front
      { x: 12, y: 5 }, // dominated by 0 (same failures, dearer)
      { x: 8, y: 9 }, // front (cheapest)
      { x: 15, y: 1 }, // front (fewest failures)
      { x: 14, y: 6 }, // dominated by 0
      { x: 10, y: 5 }, // equal to 0: neither dominates, both on the front
      { x: null, y: 0 }, // no cost: never on the front
    ];
    expect(paretoFront(pts)).toEqual([true, false, true, true, false, true, false]);
  });
  it('dominates(a, b) needs at least as good in both and better in one', () => {
    expect(dominates({ x: 1, y: 1 }, { x: 1, y: 2 })).toBe(true);
    expect(dominates({ x: 1, y: 1 }, { x: 1, y: 1 })).toBe(false);
    expect(dominates({ x: 0, y: 3 }, { x: 1, y: 2 })).toBe(false);
  });
});

describe('pointLabels(points)', () => {
  it('pointLabels lists the variants at one spot in one label, in the order given, and moves an overlapping label up a line', () => {
    const labels = pointLabels([
      { x: 100, y: 100, text: '★ ◆ 30, 0', r: 12 },
      { x: 102, y: 100, text: '120, 0' }, // within 4 px: the same spot, listed after
      { x: 100, y: 108, text: '30, 600' }, // its label (y 112) would overlap the first's (104): moves up two lines
      { x: 300, y: 100, text: '30, 1800' }, // far away: stays
    ]);
    expect(labels).toEqual([
      { x: 115, y: 104, text: '★ ◆ 30, 0  ·  120, 0', at: 100 },
      { x: 107, y: 88, text: '30, 600', at: 100 },
      { x: 307, y: 104, text: '30, 1800', at: 300 },
    ]);
  });

  it('pointLabels wraps a long list into lines that never overlap, centred on the point and not below `bottom`', () => {
    const points = Array.from({ length: 12 }, (_, i) => ({ x: 400, y: 400, text: `stop_traffic_threshold_seconds=${i}` }));
    const labels = pointLabels(points, 300, 402);
    expect(labels.length).toBeGreaterThan(1);
    expect(labels.map((l) => l.text).join('  ·  ').split('  ·  ')).toEqual(points.map((p) => p.text));
    for (const l of labels) expect(textWidth(l.text, 11)).toBeLessThanOrEqual(300);
    expect(Math.max(...labels.map((l) => l.y))).toBeLessThanOrEqual(402);
    labels.forEach((a, i) => labels.slice(i + 1).forEach((b) => expect(Math.abs(a.y - b.y)).toBeGreaterThanOrEqual(12)));
  });
});

describe('fmtNum(x)', () => {
  it('fmtNum keeps integers exact, rounds others to 8 significant digits, and writes null as empty', () => {
    expect(fmtNum(123456789012)).toBe('123456789012');
    expect(fmtNum(6.499800000000001)).toBe('6.4998');
    expect(fmtNum(0.99912345678)).toBe('0.99912346');
    expect(fmtNum(-0)).toBe('0');
    expect(fmtNum(null)).toBe('');
  });
});
