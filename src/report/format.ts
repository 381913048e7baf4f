/**
 * Text formatting for the report: fixed-precision SVG numbers (so the same input gives a
 * byte-identical file), human durations, money, and HTML escaping.
 */

/** A number rounded to `digits` decimals, without trailing zeros or a negative zero. */
export function num(v: number, digits = 2): string {
  const p = 10 ** digits;
  const r = Math.round(v * p) / p;
  return Object.is(r, -0) || r === 0 ? '0' : String(r);
}

/** Round every decimal number in an SVG fragment (axis output) to `digits` decimals. */
export function roundNumbersIn(svg: string, digits = 2): string {
  return svg.replace(/-?\d+\.\d+(?:e-?\d+)?/g, (m) => num(Number(m), digits));
}

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * A duration in compact human units: `45 s`, `12.5 s`, `5m 03s`, `2h 05m`, `3d 04h`.
 * Seconds keep one decimal below a minute when they are not whole (event times are
 * often fractional), and are dropped from spans of hours, where they are noise.
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  const sign = seconds < 0 ? '−' : '';
  const s = Math.abs(seconds);
  if (s < 60) return `${sign}${num(s, s < 10 ? 2 : 1)} s`;
  const whole = Math.round(s);
  const d = Math.floor(whole / 86400);
  const h = Math.floor((whole % 86400) / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const sec = whole % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (d > 0) return `${sign}${d}d ${pad(h)}h${m ? ` ${pad(m)}m` : ''}`;
  if (h > 0) return `${sign}${h}h ${pad(m)}m${sec ? ` ${pad(sec)}s` : ''}`;
  return `${sign}${m}m ${pad(sec)}s`;
}

/** A latency: milliseconds below a second, seconds above. */
export function formatLatency(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return '—';
  if (seconds < 1) return `${num(seconds * 1000, seconds < 0.01 ? 2 : 0)} ms`;
  if (seconds < 120) return `${num(seconds, 2)} s`;
  return formatDuration(seconds);
}

export function formatMoney(v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return '—';
  if (Math.abs(v) < 1) return `$${v.toFixed(4)}`;
  return `$${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** An availability ratio as a percentage with enough digits to tell 99.9 % from 99.99 %. */
export function formatPercent(ratio: number | null | undefined): string {
  if (ratio == null || !Number.isFinite(ratio)) return '—';
  const pct = ratio * 100;
  if (pct === 100) return '100 %';
  const digits = pct >= 99.9 ? 3 : pct >= 99 ? 2 : 1;
  return `${pct.toFixed(digits)} %`;
}

export function formatCount(v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return '—';
  return Number.isInteger(v) ? v.toLocaleString('en-US') : num(v, 2);
}
