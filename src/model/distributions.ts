import { exponential, standardNormal, type Rng } from '../engine/random.js';
import type { Dist } from './config.js';

/** Token counts of a trace request; zero for synthetic traffic. */
export interface Tokens {
  input: number;
  output: number;
}

/** A sampler draws one value (seconds) from its own stream. Every call draws the same number of values. */
export type Sampler = (tokens?: Tokens) => number;

export function sampler(dist: Dist, rng: Rng): Sampler {
  switch (dist.dist) {
    case 'constant': {
      const v = dist.value;
      return () => v;
    }
    case 'exponential': {
      const m = dist.mean;
      return () => exponential(rng, m);
    }
    case 'uniform': {
      const { min, max } = dist;
      return () => min + (max - min) * rng();
    }
    case 'lognormal': {
      const mu = Math.log(dist.median);
      const s = dist.sigma;
      return () => Math.exp(mu + s * standardNormal(rng));
    }
    case 'tokens': {
      const { base, per_input_token, per_output_token } = dist;
      return (t) => base + per_input_token * (t?.input ?? 0) + per_output_token * (t?.output ?? 0);
    }
  }
}

/** The mean of a distribution (tokens: of the base only); used for documentation and tests. */
export function distMean(dist: Dist): number {
  switch (dist.dist) {
    case 'constant':
      return dist.value;
    case 'exponential':
      return dist.mean;
    case 'uniform':
      return (dist.min + dist.max) / 2;
    case 'lognormal':
      return dist.median * Math.exp((dist.sigma * dist.sigma) / 2);
    case 'tokens':
      return dist.base;
  }
}
