import type { Io } from './io.js';

/**
 * `--seed` as an integer; on a bad value, say so and set exit 2.
 * Returns `undefined` when absent, `null` when invalid (the caller stops).
 */
export function parseSeedOption(raw: string | undefined, io: Pick<Io, 'err' | 'exit'>): number | undefined | null {
  if (raw === undefined) return undefined;
  const seed = Number(raw);
  if (Number.isSafeInteger(seed)) return seed;
  io.err(`--seed: found ${JSON.stringify(raw)}, allowed an integer`);
  io.exit(2);
  return null;
}
