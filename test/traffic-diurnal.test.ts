import { describe, expect, it } from 'vitest';
import { exponential, stream } from '../src/engine/random.js';
import type { Traffic } from '../src/model/config.js';
import { arrivalProcess } from '../src/model/traffic.js';

/** Thinning as first written: every candidate's rate computed (the model skips the cosine under mean − amplitude). */
function reference(mean: number, amplitude: number, period: number, peakAt: number, end: number, seed: number): number[] {
  const rng = stream(seed, 'arrivals/0');
  const max = mean + amplitude;
  const out: number[] = [];
  let t = 0;
  for (;;) {
    t += exponential(rng, 1 / max);
    if (!(t < end)) return out;
    const rate = mean + amplitude * Math.cos((2 * Math.PI * (t - peakAt)) / period);
    if (rng() * max < rate) out.push(t);
  }
}

describe('diurnal arrivals (thinning)', () => {
  const cases: [string, number, number][] = [
    ['mean 100 ± 50 (the day benchmark)', 100, 50],
    ['amplitude = mean: the rate touches 0', 3, 3],
    ['amplitude 0: a plain Poisson process', 5, 0],
    ['a small swing: nearly every candidate accepted without its cosine', 7, 0.5],
  ];
  for (const [name, mean, amplitude] of cases) {
    it(`the same arrival times as computing every candidate's rate: ${name}`, () => {
      const end = 20_000 / mean;
      const tr = { kind: 'diurnal', mean, amplitude, period: end / 3, peak_at: end / 7, start: 0, end: null } as unknown as Traffic;
      const p = arrivalProcess(tr, stream(11, 'arrivals/0'), end);
      const got: number[] = [];
      for (let t = p.next(); t !== null; t = p.next()) got.push(t);
      expect(got).toEqual(reference(mean, amplitude, end / 3, end / 7, end, 11));
      expect(got.length).toBeGreaterThan(5_000);
    });
  }
});
