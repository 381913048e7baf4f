import seedrandom from 'seedrandom';

/** A uniform [0, 1) generator. */
export type Rng = () => number;

/**
 * One independent stream per purpose, derived from the scenario seed, so that a
 * change in one part of the model (a threshold, a fault) never shifts another
 * part's draws: the arrival sequence stays the same across tunings (CRN).
 */
export function stream(seed: number | string, purpose: string): Rng {
  // alea: fast, good statistical quality, and seedable from a string.
  const g = seedrandom.alea(`${seed}/${purpose}`);
  return () => g();
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
