/**
 * Text formatting for the report: fixed-precision SVG numbers (so the same input gives a
 * byte-identical file), human durations, money, and HTML escaping.
 */

import { num } from '../text/human.js';

export { count as formatCount, duration as formatDuration, latency as formatLatency, money as formatMoney, num, percent as formatPercent } from '../text/human.js';

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
