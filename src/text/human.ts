/**
 * Numbers for people, one format everywhere deploysim prints (the CLI, the report, the sweep's
 * tables, the checker's messages): durations in compact units, latencies, money, percentages,
 * counts, and "—" for a value that does not exist. "never" is for an event that did not happen.
 */

/** The mark for a missing value (one dash everywhere). */
export const MISSING = '—';
/** The word for an event that did not happen in the run. */
export const NEVER = 'never';

/** A number rounded to `digits` decimals, without trailing zeros or a negative zero. */
export function num(v: number, digits = 2): string {
  const p = 10 ** digits;
  const r = Math.round(v * p) / p;
  return Object.is(r, -0) || r === 0 ? '0' : String(r);
}

/**
 * A duration in compact units: `45 s`, `12.5 s`, `5m 03s`, `20m`, `2h 05m`, `2h`, `3d 04h`.
 * Seconds keep up to two decimals below 10 s and one below a minute (event times are often
 * fractional); above a minute they are whole, and they are dropped from spans of days, where
 * they are noise. A zero last unit is left out (`20m`, not `20m 00s`).
 */
export function duration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return MISSING;
  const sign = seconds < 0 ? '−' : '';
  const s = Math.abs(seconds);
  if (s < 60) return `${sign}${num(s, s < 10 ? 2 : 1)} s`;
  const whole = Math.round(s);
  const d = Math.floor(whole / 86400);
  const h = Math.floor((whole % 86400) / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const sec = whole % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (d > 0) return `${sign}${d}d${h || m ? ` ${pad(h)}h` : ''}${m ? ` ${pad(m)}m` : ''}`;
  if (h > 0) return `${sign}${h}h${m || sec ? ` ${pad(m)}m` : ''}${sec ? ` ${pad(sec)}s` : ''}`;
  return `${sign}${m}m${sec ? ` ${pad(sec)}s` : ''}`;
}

/** A latency: milliseconds below a second, seconds below two minutes, then a duration. */
export function latency(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return MISSING;
  if (seconds < 1) return `${num(seconds * 1000, seconds < 0.01 ? 2 : 0)} ms`;
  if (seconds < 120) return `${num(seconds, 2)} s`;
  return duration(seconds);
}

export function money(v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return MISSING;
  if (Math.abs(v) < 1) return `$${v.toFixed(4)}`;
  return `$${cents(v)}`;
}

/**
 * An integer with en-US thousands separators, `12,345`: what `toLocaleString('en-US')` prints,
 * without it. A process's first `toLocaleString` starts ICU's number formatting, ~12 ms of every
 * run (issue #15); these two give the same text (test/human-numbers.test.ts compares them).
 */
export function grouped(n: number): string {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return n.toLocaleString('en-US'); // beyond 2^53, and "-0": rare enough to pay
  const digits = String(Math.abs(n));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 ? `-${out}` : out;
}

/**
 * v with two decimals and grouped, as `toLocaleString('en-US', { minimumFractionDigits: 2,
 * maximumFractionDigits: 2 })` prints it: ICU rounds the shortest decimal that reads back as v
 * (JavaScript's String(v)) half away from zero, so 1.005 (the double just below) gives 1.01 where
 * toFixed gives 1.00. The same here, on String(v)'s digits.
 */
function cents(v: number): string {
  const a = Math.abs(v);
  const text = String(a);
  const dot = text.indexOf('.');
  if (!(a * 100 < Number.MAX_SAFE_INTEGER) || text.includes('e')) {
    return v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }
  const whole = dot < 0 ? text : text.slice(0, dot);
  const frac = dot < 0 ? '' : text.slice(dot + 1);
  let c = Number(whole + frac.slice(0, 2).padEnd(2, '0'));
  if (frac.length > 2 && frac[2]! >= '5') c++;
  const out = `${grouped(Math.floor(c / 100))}.${String(c % 100).padStart(2, '0')}`;
  return v < 0 ? `-${out}` : out;
}

/** An availability ratio as a percentage with enough digits to tell 99.9 % from 99.99 %. */
export function percent(ratio: number | null | undefined): string {
  if (ratio == null || !Number.isFinite(ratio)) return MISSING;
  const pct = ratio * 100;
  if (pct === 100) return '100 %';
  const digits = pct >= 99.9 ? 3 : pct >= 99 ? 2 : 1;
  return `${pct.toFixed(digits)} %`;
}

export function count(v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return MISSING;
  return Number.isInteger(v) ? grouped(v) : num(v, 2);
}

/** When something happened relative to `from` (`+20 s`), or "never" when it did not. */
export function after(t: number | null | undefined, from: number): string {
  return t == null ? NEVER : `+${duration(t - from)}`;
}
