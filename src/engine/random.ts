import seedrandom from 'seedrandom';

/** A uniform [0, 1) generator. */
export type Rng = () => number;

/**
 * One independent stream per purpose, derived from the scenario seed, so that a
 * change in one part of the model (a threshold, a fault) never shifts another
 * part's draws: the arrival sequence stays the same across tunings (CRN).
 */
export function stream(seed: number | string, purpose: string): Rng {
  // alea: fast, good statistical quality, and seedable from a string. seedrandom seeds it; the
  // draws are its step (seedrandom's alea.js `next`) on a copy of the state, in a Float64Array:
  // the same arithmetic on the same doubles, so the same numbers (test/engine.test.ts compares),
  // without the wrapper's extra call and the boxed doubles of the generator object's fields
  // (~3 draws per request: a few % of a run).
  const state = seedrandom.alea(`${seed}/${purpose}`, { state: true }).state();
  const s = new Float64Array([state.c, state.s0, state.s1, state.s2]);
  return () => {
    const t = 2091639 * s[1]! + s[0]! * 2.3283064365386963e-10; // 2^-32
    s[1] = s[2]!;
    s[2] = s[3]!;
    s[0] = t | 0;
    return (s[3] = t - s[0]);
  };
}

/** Exponential variate with the given mean; uses 1 - u so that u = 0 is safe. */
export function exponential(rng: Rng, mean: number): number {
  return -mean * Math.log(1 - rng());
}

/** Standard normal variate (Box–Muller; one of the pair is discarded to keep draws per call fixed). */
export function standardNormal(rng: Rng): number {
  const u1 = 1 - rng();
  const u2 = rng();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
