/**
 * Durations in a scenario file: a number of seconds (`90`, `0.5`) or a number with a unit
 * (`500ms`, `90s`, `15m`, `2h`, `1d`, also fractional: `1.5h`, and in exponent notation: `1e3`,
 * `1e-3s`, `2.5e2ms`, as YAML reads `1e3` as a number). Whitespace between the number and
 * the unit is tolerated (`15 m`). Negative values parse (`-5s` → -5) so the range check can say
 * what is allowed instead of "not a duration".
 */

const UNIT_SECONDS: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };

const DURATION = /^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*(ms|s|m|h|d)?\s*$/;

/** Seconds, or null when `v` is not a duration. */
export function parseDuration(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v !== 'string') return null;
  const m = DURATION.exec(v);
  if (!m) return null;
  const n = Number(m[1]);
  if (!Number.isFinite(n)) return null; // `1e999`
  const unit = m[2] ?? 's';
  // ms: divide rather than multiply by 0.001 so '500ms' is exactly 0.5.
  return unit === 'ms' ? n / 1000 : n * UNIT_SECONDS[unit]!;
}

/** The hint appended when a value is not a duration at all. */
export const DURATION_HINT = 'seconds, or a number with a unit: 500ms, 90s, 15m, 2h, 1d';
