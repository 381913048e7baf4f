import { grouped } from '../text/human.js';
import type { Io } from './io.js';

/**
 * `--seed` as an integer written in decimal digits, like the file's `seed:` (0 to 2^53 − 1).
 * `Number()` would read `""` (an unset `$SEED`) as 0, `0x10` as 16, `1e3` as 1000 and `" 5"` as 5:
 * each would run a seed the user did not write. On a bad value, say so and set exit 2.
 * Returns `undefined` when absent, `null` when invalid (the caller stops).
 */
export function parseSeedOption(raw: string | undefined, io: Pick<Io, 'err' | 'exit'>): number | undefined | null {
  if (raw === undefined) return undefined;
  const seed = /^\d{1,16}$/.test(raw) ? Number(raw) : NaN;
  if (Number.isSafeInteger(seed)) return seed;
  const shown = raw.length > 60 ? `${JSON.stringify(`${raw.slice(0, 57)}…`)} (${grouped(raw.length)} characters)` : JSON.stringify(raw);
  io.err(`--seed: found ${shown}, allowed an integer 0–${Number.MAX_SAFE_INTEGER} written in decimal digits`);
  io.exit(2);
  return null;
}
