/**
 * comparison.html: a self-contained page (inline SVG written as strings with d3's scales, inline
 * CSS, no script, no network). What it shows depends on the grid:
 *
 * - one varied key: every metric as a line over that key's values (mean, 95 % CI whiskers);
 * - two keys: every metric as a heatmap (rows: the first key, columns: the second), the recommended
 *   cell outlined, cells failing a requirement hatched;
 * - three keys: the same heatmaps, one per value of the third key side by side (small multiples);
 * - more keys, and `compare`: a dot chart per metric with one row per variant.
 *
 * Above them: the recommendation and its reason, the runs' warnings in words (a fault that hit
 * nothing), failed requests vs cost with the Pareto front, and a table of every variant sorted
 * best first. Variants are named by their settings everywhere; the recommended one is marked
 * everywhere (★, a dark outline); red means bad (more red = worse; a failed requirement). Outliers
 * never flatten an axis: the axis stops at a robust bound and points beyond it sit on the edge,
 * marked ▲ with their value. Coordinates are rounded to 0.01 px so the bytes depend only on the numbers.
 */
import { quantileSorted } from 'd3-array';
import { hsl } from 'd3-color';
import { scaleLinear, scalePoint, type ScaleLinear } from 'd3-scale';
import { interpolateBlues, interpolateReds } from 'd3-scale-chromatic';
import { d3AxisMarkup, SvgElement, textWidth } from '../report/svg.js';
import type { Comparison, VariantStats } from './comparison.js';
import { baselineText, noDifferenceText, pm, recommendation, signed, warningFlag } from './comparison.js';
import { baseMetric, CHAIN_PREFIX, lowerIsBetter, metricNote, METRICS, splitMetric, type MetricKey, type MetricName } from './metrics.js';
import type { SweepArgs } from './plan.js';
import type { Estimate } from './stats.js';
import { grouped } from '../text/human.js';

const r2 = (x: number): number => Math.round(x * 100) / 100;

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** [lo, hi] covering every value and interval bound, padded; a single value gets a unit-wide domain. */
export function extentOf(ests: readonly Estimate[]): [number, number] | null {
  const xs: number[] = [];
  for (const e of ests) for (const v of [e.mean, e.low, e.high]) if (v !== null) xs.push(v);
  if (xs.length === 0) return null;
  let lo = Math.min(...xs);
  let hi = Math.max(...xs);
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return [lo - pad, hi + pad];
  }
  const pad = (hi - lo) * 0.08;
  lo -= pad;
  hi += pad;
  return [lo, hi];
}

export interface PointLabel {
  x: number;
  y: number;
  text: string;
  /** The marker's radius (a ring around the recommended point): the label starts past it. */
  r?: number;
}

/** The separator between the variants at one spot. */
const SAME_SPOT = '  ·  ';

/**
 * Labels beside points, never overlapping. Points at the same spot (within 4 px) share one label
 * listing them in the order given, `★ ◆ 30, 0  ·  120, 0` (not "120, 0 ★ 30, 0" run together),
 * wrapped into lines of at most `maxW` px, centred on the point's height (the last line's baseline
 * not below `bottom`). A label that would
 * overlap one placed before moves up a line (greedy, in order, so deterministic). Widths by
 * textWidth at 11 px; `at` is the point's x (a label past the chart's edge goes on its left).
 */
export function pointLabels(points: readonly PointLabel[], maxW = 300, bottom = Infinity): { x: number; y: number; text: string; at: number }[] {
  const groups: { x: number; y: number; r: number; texts: string[] }[] = [];
  for (const p of points) {
    const g = groups.find((q) => Math.abs(q.x - p.x) <= 4 && Math.abs(q.y - p.y) <= 4);
    if (g) {
      g.texts.push(p.text);
      g.r = Math.max(g.r, p.r ?? 0);
    } else groups.push({ x: p.x, y: p.y, r: p.r ?? 0, texts: [p.text] });
  }
  const lineH = 12;
  /** Placed lines: left edge, baseline, width. */
  const placed: { x: number; y: number; w: number }[] = [];
  const out: { x: number; y: number; text: string; at: number }[] = [];
  for (const g of groups) {
    const lines: string[] = [];
    for (const t of g.texts) {
      const last = lines.length - 1;
      if (last >= 0 && textWidth(lines[last]! + SAME_SPOT + t, 11) <= maxW) lines[last] += SAME_SPOT + t;
      else lines.push(t);
    }
    const x = r2(g.x + Math.max(7, g.r + 3));
    const widths = lines.map((t) => textWidth(t, 11));
    // Centred on the point, but not below the plot (the axis's numbers are there).
    let y0 = Math.min(g.y + 4 - ((lines.length - 1) * lineH) / 2, bottom - (lines.length - 1) * lineH);
    const hits = () => widths.some((w, i) => placed.some((p) => x < p.x + p.w && p.x < x + w && Math.abs(p.y - (y0 + i * lineH)) < lineH));
    for (let i = 0; i < 50 && hits(); i++) y0 -= lineH;
    lines.forEach((text, i) => {
      placed.push({ x, y: y0 + i * lineH, w: widths[i]! });
      out.push({ x, y: r2(y0 + i * lineH), text, at: g.x });
    });
  }
  return out;
}

function newSvg(width: number, height: number, cls: string): SvgElement {
  return new SvgElement('svg').attr('xmlns', 'http://www.w3.org/2000/svg').attr('class', cls).attr('width', width).attr('height', height).attr('viewBox', `0 0 ${width} ${height}`);
}

/** d3's axisBottom/axisLeft of a linear scale with `.ticks(count)`. */
function linearAxis(orient: 'left' | 'bottom', scale: ScaleLinear<number, number>, count: number, className: string, transform: string): string {
  return d3AxisMarkup({ orient, scale, tickValues: scale.ticks(count), format: scale.tickFormat(count), className, transform });
}

/** Hatch pattern for cells failing a requirement (one per svg: ids are per document, the pattern is identical). */
function addHatch(svg: SvgElement): void {
  const p = svg.append('defs').append('pattern').attr('id', 'hatch').attr('patternUnits', 'userSpaceOnUse').attr('width', 6).attr('height', 6).attr('patternTransform', 'rotate(45)');
  p.append('rect').attr('width', 6).attr('height', 6).attr('fill', 'none');
  p.append('line').attr('x1', 0).attr('y1', 0).attr('x2', 0).attr('y2', 6).attr('class', 'hatch-line');
}

/** Values for humans: availability as a percentage, cost in dollars, others to 3 significant digits. */
export function fmtValue(key: MetricKey, v: number | null): string {
  if (v === null) return '–';
  const metric = baseMetric(key);
  if (metric === 'availability') return `${(v * 100).toFixed(v >= 0.999 ? 3 : 2)} %`;
  if (metric === 'cost') return `$${v >= 100 ? grouped(Math.round(v)) : v.toPrecision(3)}`;
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1000) return grouped(Math.round(v));
  if (a >= 1) return String(Number(v.toPrecision(3)));
  return String(Number(v.toPrecision(2)));
}

/**
 * One precision for all the cells of a heatmap. Availability in percent with the fewest decimals
 * (0 to 3) that keep its values apart, keep each apart from a required bound (0.9899 must not read
 * "99 %" beside `availability>=0.99`) and never show a value below 1 as 100 %: 1, 0.9741 and 0.6567
 * read "100 %", "97 %", "66 %"; 1 and 0.9996 read "100.00 %", "99.96 %". Other metrics as fmtValue.
 */
export function cellFormat(metric: MetricKey, values: readonly number[], bounds: readonly number[] = []): (v: number | null) => string {
  if (baseMetric(metric) !== 'availability') return (v) => fmtValue(metric, v);
  const pct = (v: number, d: number) => `${(v * 100).toFixed(d)} %`;
  const all = [...new Set([...values, ...bounds])];
  const apart = (d: number) => {
    const seen = new Map<string, number>();
    for (const v of all) {
      const t = pct(v, d);
      if (seen.has(t) && seen.get(t) !== v) return false;
      seen.set(t, v);
    }
    return values.every((v) => v >= 1 || pct(v, d) !== pct(1, d));
  };
  let d = 0;
  while (d < 3 && !apart(d)) d++;
  return (v) => (v === null ? '–' : pct(v, d));
}

/**
 * A domain that outliers cannot flatten: [min, max] of the values, but the upper (lower) bound
 * stops at Q3 + 3·IQR (Q1 − 3·IQR) when a value lies beyond it. `clippedHigh`/`clippedLow` say
 * whether it did: points beyond are drawn on the edge and marked.
 */
export function robustDomain(values: readonly number[]): { lo: number; hi: number; clippedLow: boolean; clippedHigh: boolean } | null {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  let lo = xs[0]!;
  let hi = xs[xs.length - 1]!;
  let clippedLow = false;
  let clippedHigh = false;
  if (xs.length >= 5) {
    const q1 = quantileSorted(xs, 0.25)!;
    const q3 = quantileSorted(xs, 0.75)!;
    const iqr = q3 - q1;
    const span = iqr > 0 ? iqr : (hi - lo) / 10;
    if (span > 0) {
      if (hi > q3 + 3 * span) {
        hi = Math.max(...xs.filter((x) => x <= q3 + 3 * span));
        clippedHigh = true;
      }
      if (lo < q1 - 3 * span) {
        lo = Math.min(...xs.filter((x) => x >= q1 - 3 * span));
        clippedLow = true;
      }
    }
  }
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return { lo: lo - pad, hi: hi + pad, clippedLow, clippedHigh };
  }
  const pad = (hi - lo) * 0.08;
  return { lo: lo - pad, hi: hi + pad, clippedLow, clippedHigh };
}

/**
 * The robust domain of the means, widened to the intervals of the points inside it. Means a few cents apart with ±$0.8 intervals otherwise get an axis of
 * 4 cents: every whisker crosses the whole chart, and a mean 30 cents off, well inside the others'
 * intervals, is drawn as an outlier on the edge.
 */
export function withIntervals<D extends { lo: number; hi: number }>(d: D | null, ests: readonly Estimate[]): D | null {
  if (!d) return null;
  let { lo, hi } = d;
  for (const e of ests) {
    if (e.mean === null || e.mean < d.lo || e.mean > d.hi) continue;
    if (e.low !== null) lo = Math.min(lo, e.low);
    if (e.high !== null) hi = Math.max(hi, e.high);
  }
  return { ...d, lo, hi };
}

/** A metric's axis: means and CI bounds, robust to outliers, not below 0 when no value is. */
function chartDomain(cmp: Comparison, metric: MetricKey): { lo: number; hi: number } | null {
  const vals = cmp.variants.flatMap((s) => [s.metrics[metric].est.mean, s.metrics[metric].est.low, s.metrics[metric].est.high]).filter((v): v is number => v !== null);
  const d = robustDomain(vals);
  if (!d) return null;
  return { lo: vals.every((v) => v >= 0) ? Math.max(0, d.lo) : d.lo, hi: d.hi };
}

interface Ctx {
  cmp: Comparison;
  /** Requirement texts per metric (user's and default), for captions. */
  reqsOf: (m: MetricKey) => string[];
}

const isBest = (cmp: Comparison, s: VariantStats) => cmp.best === s.variant.index;
const isBase = (cmp: Comparison, s: VariantStats) => cmp.baseline === s.variant.index;
/** The baseline's marker, wherever a variant is drawn or named. */
const BASE_MARK = '◆';

/**
 * A paired difference's verdict: `better`/`worse` when its 95 % interval excludes 0 on that side
 * (for a metric with a direction), `same` when it includes 0, `none` without an interval or direction.
 */
export function deltaVerdict(metric: MetricKey, d: Estimate): 'better' | 'worse' | 'same' | 'none' {
  const lower = lowerIsBetter(metric);
  if (d.mean === null || d.low === null || d.high === null || lower === null) return 'none';
  if (d.low > 0) return lower ? 'worse' : 'better';
  if (d.high < 0) return lower ? 'better' : 'worse';
  return 'same';
}
/** Fails one of the requirements that are on this metric. */
const failsOn = (ctx: Ctx, s: VariantStats, m: MetricKey) => ctx.reqsOf(m).some((t) => s.failing.includes(t));

function tooltip(ctx: Ctx, s: VariantStats, metric: MetricKey | null): string {
  const lines = [`#${s.variant.index} ${s.variant.label}${isBest(ctx.cmp, s) ? ' ★ recommended' : ''}${isBase(ctx.cmp, s) ? ` ${BASE_MARK} baseline` : ''}`];
  if (metric) lines.push(`${metric} ${pm(s.metrics[metric].est)}`, ...(isBase(ctx.cmp, s) ? [] : [`Δ vs baseline #${ctx.cmp.baseline} ${signed(s.metrics[metric].diff)}`]));
  else lines.push(`cost ${pm(s.metrics.cost.est)}`, `failed requests ${pm(s.metrics.failed_requests.est)}`);
  if (s.failing.length > 0) lines.push(`fails ${s.failing.join(', ')}`);
  const flag = warningFlag(s);
  if (flag) lines.push(`⚠ ${flag}`);
  return lines.join('\n');
}

/** The cost every variant has, when they all have the same mean (to a millionth of it); null when they differ. */
export function sameCostOf(costs: readonly number[]): number | null {
  if (costs.length < 2) return null;
  const lo = Math.min(...costs);
  const hi = Math.max(...costs);
  return hi - lo <= 1e-6 * Math.max(1e-9, Math.abs(hi)) ? hi : null;
}

/** An axis around one cost: its intervals, padded, or ±2 % of it without one. */
function costDomain(ests: readonly Estimate[], cost: number): { lo: number; hi: number } {
  const lows = ests.map((e) => e.low).filter((v): v is number => v !== null);
  const highs = ests.map((e) => e.high).filter((v): v is number => v !== null);
  const lo = Math.min(cost, ...lows);
  const hi = Math.max(cost, ...highs);
  const pad = hi > lo ? (hi - lo) * 0.15 : Math.max(Math.abs(cost) * 0.02, 0.01);
  return { lo: lo - pad, hi: hi + pad };
}

/** Failed requests vs cost: CI bars, the Pareto front (blue), the recommended point (★), outliers on the edge (▲). */
function mainChart(ctx: Ctx): string {
  const { cmp } = ctx;
  const W = 760;
  const H = 460;
  const m = { top: 48, right: 40, bottom: 50, left: 70 };
  const svg = newSvg(W, H, 'chart main-chart');
  const pts = cmp.variants.filter((s) => s.metrics.cost.est.mean !== null && s.metrics.failed_requests.est.mean !== null);
  const costs = pts.map((s) => s.metrics.cost.est.mean!);
  const sameCost = sameCostOf(costs);
  // One cost for all: the axis spans their intervals (±10 % of $6.39 drew 5.8–7.0 around one point).
  const xd = sameCost === null ? withIntervals(robustDomain(costs), pts.map((s) => s.metrics.cost.est)) : costDomain(pts.map((s) => s.metrics.cost.est), sameCost);
  const yd = withIntervals(robustDomain(pts.map((s) => s.metrics.failed_requests.est.mean!)), pts.map((s) => s.metrics.failed_requests.est));
  if (!xd || !yd) {
    svg.append('text').attr('x', 20).attr('y', 40).text('no variant has both a cost and a failed-request count');
    return String(svg);
  }
  const x = scaleLinear().domain([xd.lo, xd.hi]).range([m.left, W - m.right]).nice();
  const y = scaleLinear().domain([Math.max(0, yd.lo), yd.hi]).range([H - m.bottom, m.top]).nice();
  const [x0, x1] = x.domain() as [number, number];
  const [y0, y1] = y.domain() as [number, number];
  const clampX = (v: number) => Math.min(x1, Math.max(x0, v));
  const clampY = (v: number) => Math.min(y1, Math.max(y0, v));
  const X = (v: number) => r2(x(clampX(v)));
  const Y = (v: number) => r2(y(clampY(v)));
  svg.markup(linearAxis('bottom', x, 7, 'axis x', `translate(0,${H - m.bottom})`));
  svg.markup(linearAxis('left', y, 7, 'axis y', `translate(${m.left},0)`));
  svg.append('text').attr('class', 'axis-label').attr('x', (m.left + W - m.right) / 2).attr('y', H - 10).attr('text-anchor', 'middle').text('cost per run, $ (mean, 95 % CI)');
  svg
    .append('text')
    .attr('class', 'axis-label')
    .attr('transform', `translate(16,${(m.top + H - m.bottom) / 2}) rotate(-90)`)
    .attr('text-anchor', 'middle')
    .text('failed requests per run (mean, 95 % CI)');
  // Two lines: the keys' names are long (`stop_traffic_threshold_seconds`) and would run off the chart.
  // A few variants are all labelled; many would stack, so then only the front, the recommended point, the baseline and outliers (every variant is named in the table).
  const labelAll = pts.length <= 12;
  svg.append('text').attr('class', 'axis-name').attr('x', m.left).attr('y', 14).text(`labelled: ${labelAll ? 'every variant' : 'the Pareto front'}, ★ the recommended point, ${BASE_MARK} the baseline, ▲ outliers`);
  svg.append('text').attr('class', 'axis-name').attr('x', m.left).attr('y', 30).text(`label: ${keyNames(ctx).join(', ')}`);
  if (sameCost !== null) {
    svg.append('text').attr('class', 'same-cost').attr('x', m.left + 8).attr('y', m.top + 14).text(`Every variant costs the same, ${fmtValue('cost', sameCost)} per run: only failed requests tell them apart.`);
  }

  const front = pts.filter((s) => s.pareto).sort((a, b) => a.metrics.cost.est.mean! - b.metrics.cost.est.mean! || a.metrics.failed_requests.est.mean! - b.metrics.failed_requests.est.mean!);
  if (front.length > 0) {
    let d = '';
    front.forEach((s, i) => {
      const px = X(s.metrics.cost.est.mean!);
      const py = Y(s.metrics.failed_requests.est.mean!);
      d += i === 0 ? `M${px},${py}` : `H${px}V${py}`;
    });
    svg.append('path').attr('class', 'pareto-front').attr('d', d);
  }

  // Front points and the recommended one last, so they are never hidden under others at the same spot.
  const rank = (s: VariantStats) => (isBest(cmp, s) ? 2 : s.pareto ? 1 : 0);
  const drawOrder = [...pts].sort((a, b) => rank(a) - rank(b) || a.variant.index - b.variant.index);
  const labels: (PointLabel & { rank: number; index: number })[] = [];
  let anyOutlier = false;
  for (const s of drawOrder) {
    const c = s.metrics.cost.est;
    const f = s.metrics.failed_requests.est;
    const out = c.mean! > x1 || f.mean! > y1 || c.mean! < x0 || f.mean! < y0;
    const cls = ['variant', s.pareto ? 'on-front' : '', isBest(cmp, s) ? 'recommended' : '', isBase(cmp, s) ? 'baseline' : '', s.meets === false ? 'fails' : '', out ? 'outlier' : ''].filter(Boolean).join(' ');
    anyOutlier ||= out;
    const g = svg.append('g').attr('class', cls);
    if (c.low !== null && c.high !== null) g.append('line').attr('class', 'ci').attr('x1', X(c.low)).attr('x2', X(c.high)).attr('y1', Y(f.mean!)).attr('y2', Y(f.mean!));
    if (f.low !== null && f.high !== null) g.append('line').attr('class', 'ci').attr('x1', X(c.mean!)).attr('x2', X(c.mean!)).attr('y1', Y(f.low)).attr('y2', Y(f.high));
    const px = X(c.mean!);
    const py = Y(f.mean!);
    if (out) g.append('path').attr('class', 'mark').attr('d', `M${px},${r2(py - 7)}L${r2(px + 6)},${r2(py + 4)}L${r2(px - 6)},${r2(py + 4)}Z`);
    else g.append('circle').attr('class', 'mark').attr('cx', px).attr('cy', py).attr('r', isBest(cmp, s) ? 7 : 5);
    if (isBest(cmp, s)) g.append('circle').attr('class', 'best-ring').attr('cx', px).attr('cy', py).attr('r', 12);
    g.append('title').text(tooltip(ctx, s, null));
    if (labelAll || isBest(cmp, s) || s.pareto || out || isBase(cmp, s)) {
      const value = out ? ` (${fmtValue('failed_requests', f.mean)} failed, ${fmtValue('cost', c.mean)})` : '';
      const text = `${isBest(cmp, s) ? '★ ' : ''}${isBase(cmp, s) ? `${BASE_MARK} ` : ''}${s.variant.values.join(', ')}${value}`;
      labels.push({ x: px, y: py, text, r: isBest(cmp, s) ? 12 : out ? 6 : 5, rank: isBest(cmp, s) ? 0 : isBase(cmp, s) ? 1 : s.pareto ? 2 : 3, index: s.variant.index });
    }
  }
  // At one spot the recommended variant's line comes first, then the baseline's, the front's, the rest's.
  labels.sort((a, b) => a.rank - b.rank || a.index - b.index);
  // Only when a point is actually beyond an axis (the intervals may have widened the domain over it).
  if (anyOutlier) {
    svg.append('text').attr('class', 'clip-note').attr('x', 4).attr('y', H - 10).text('▲ beyond the axis: on its edge, value in the label');
  }
  for (const l of pointLabels(labels, 300, H - m.bottom - 4)) {
    // Past the right edge: the label goes on the point's left, as far from it as it was on the right.
    const tooWide = l.x + textWidth(l.text, 11) > W;
    svg
      .append('text')
      .attr('class', 'point-label')
      .attr('x', tooWide ? r2(2 * l.at - l.x) : l.x)
      .attr('y', l.y)
      .attr('text-anchor', tooWide ? 'end' : 'start')
      .text(l.text);
  }
  return String(svg);
}

/** Axis values in display order: numerically when every value is a number, else as listed. */
function axisOrder(values: readonly string[]): string[] {
  const uniq = [...new Set(values)];
  return uniq.every((v) => v.trim() !== '' && Number.isFinite(Number(v))) ? uniq.sort((a, b) => Number(a) - Number(b)) : uniq;
}

/**
 * Colour of a metric value: white (best) to dark red (worst) for metrics with a direction, a neutral
 * blue ramp for the others; the domain is robust (outliers saturate, they do not wash the rest out).
 */
function colourScale(metric: MetricKey, values: readonly number[]): ((v: number) => string) | null {
  const d = robustDomain(values);
  if (!d) return null;
  const lower = lowerIsBetter(metric);
  const lo = Math.min(...values.filter((v) => v >= d.lo)) ?? d.lo;
  const hi = Math.max(...values.filter((v) => v <= d.hi)) ?? d.hi;
  const t = (v: number) => (hi === lo ? 0 : Math.min(1, Math.max(0, (v - lo) / (hi - lo))));
  if (lower === null) return (v) => interpolateBlues(0.05 + 0.5 * t(v));
  return (v) => interpolateReds(0.03 + 0.8 * (lower ? t(v) : 1 - t(v)));
}

/** Dark text on light cells, white on dark. */
function textColour(fill: string): string {
  const c = hsl(fill);
  return c.l < 0.55 ? '#fff' : '#111';
}

/**
 * Heatmaps of one metric: rows = axis 0, columns = axis 1, one panel per value of axis 2 (if any),
 * side by side. Cell = mean (text), colour by the metric (red = worse), the recommended cell
 * outlined and starred, a cell failing a requirement on this metric hatched, ⚠ where a seed warned.
 */
function heatmap(ctx: Ctx, metric: MetricKey): string {
  const { cmp } = ctx;
  const axes = ctx.cmp.variants[0]!.variant.values.length;
  const rowsV = axisOrder(cmp.variants.map((s) => s.variant.values[0]!));
  const colsV = axisOrder(cmp.variants.map((s) => s.variant.values[1]!));
  const panelsV = axes >= 3 ? axisOrder(cmp.variants.map((s) => s.variant.values[2]!)) : [''];
  const keys = keyNames(ctx);
  const ests = cmp.variants.map((s) => s.metrics[metric].est.mean).filter((v): v is number => v !== null);
  const bounds = [...cmp.requirements, ...cmp.defaults].filter((r) => r.metric === metric).map((r) => r.value);
  const fmt = cellFormat(metric, ests, bounds);
  const cellText = (s: VariantStats) => `${isBest(cmp, s) ? '★ ' : ''}${isBase(cmp, s) ? `${BASE_MARK} ` : ''}${fmt(s.metrics[metric].est.mean)}`;
  // Sized to the longest text: a cell's value, its column's label, with room for ⚠ in the corner.
  const warnRoom = cmp.variants.some((s) => s.warnings.seeds > 0) ? 12 : 0;
  const cellW = Math.ceil(Math.max(54, ...cmp.variants.map((s) => textWidth(cellText(s), 11) + 12 + warnRoom), ...colsV.map((c) => textWidth(c, 11) + 8)));
  const cellH = 26;
  const left = Math.ceil(Math.max(46, ...rowsV.map((r) => textWidth(r, 11)))) + 14;
  const top = axes >= 3 ? 66 : 50;
  const rowsName = `rows: ${keys[0]} ↓`;
  const colsName = `columns: ${keys[1]} →`;
  const title = axes >= 3 ? `${keys[2]}=` : '';
  // Wide enough for the grid and for every caption (at x = 4, 12 px; the panel title 12 px bold).
  const captionW = Math.max(textWidth(rowsName, 12), textWidth(colsName, 12), ...panelsV.map((pv) => textWidth(title + pv, 12) * 1.1));
  const panelW = Math.ceil(Math.max(left + cellW * colsV.length + 16, 4 + captionW + 16));
  const W = panelW * panelsV.length;
  const H = top + cellH * rowsV.length + 10;
  const svg = newSvg(W, H, 'chart metric-chart heatmap');
  svg.attr('data-metric', metric);
  addHatch(svg);
  const colour = colourScale(metric, ests);
  panelsV.forEach((pv, pi) => {
    const ox = pi * panelW;
    const panel = svg.append('g').attr('class', 'panel').attr('transform', `translate(${ox},0)`);
    if (axes >= 3) panel.append('text').attr('class', 'panel-title').attr('x', 4).attr('y', 12).text(`${keys[2]}=${pv}`);
    panel.append('text').attr('class', 'axis-name').attr('x', 4).attr('y', top - 36).text(rowsName);
    panel.append('text').attr('class', 'axis-name').attr('x', 4).attr('y', top - 22).text(colsName);
    colsV.forEach((c, j) => panel.append('text').attr('class', 'col-label').attr('x', left + cellW * j + cellW / 2).attr('y', top - 6).attr('text-anchor', 'middle').text(c));
    rowsV.forEach((rv, i) => panel.append('text').attr('class', 'row-label').attr('x', left - 6).attr('y', top + cellH * i + cellH / 2 + 4).attr('text-anchor', 'end').text(rv));
    for (const s of cmp.variants) {
      const v = s.variant.values;
      if (axes >= 3 && v[2] !== pv) continue;
      const i = rowsV.indexOf(v[0]!);
      const j = colsV.indexOf(v[1]!);
      const x = left + cellW * j;
      const y = top + cellH * i;
      const mean = s.metrics[metric].est.mean;
      const fill = mean === null || !colour ? '#eee' : colour(mean);
      // Centred in the cell, left of the ⚠ when there is one.
      const cls = ['cell', isBest(cmp, s) ? 'recommended' : '', isBase(cmp, s) ? 'baseline' : '', failsOn(ctx, s, metric) ? 'fails' : '', s.warnings.seeds > 0 ? 'warned' : ''].filter(Boolean).join(' ');
      const g = panel.append('g').attr('class', cls).attr('data-variant', s.variant.index);
      g.append('rect').attr('x', x).attr('y', y).attr('width', cellW - 2).attr('height', cellH - 2).attr('fill', fill);
      if (failsOn(ctx, s, metric)) g.append('rect').attr('class', 'hatched').attr('x', x).attr('y', y).attr('width', cellW - 2).attr('height', cellH - 2).attr('fill', 'url(#hatch)');
      g.append('text').attr('class', 'cell-value').attr('x', r2(x + (cellW - 2 - warnRoom) / 2)).attr('y', y + cellH / 2 + 3).attr('text-anchor', 'middle').style('fill', textColour(fill)).text(cellText(s));
      if (s.warnings.seeds > 0) g.append('text').attr('class', 'warn-mark').attr('x', x + cellW - 5).attr('y', y + 10).attr('text-anchor', 'end').text('⚠');
      // Dashed inside the cell, in the text's colour so it shows on light and dark fills alike.
      if (isBase(cmp, s)) g.append('rect').attr('class', 'base-outline').attr('x', x + 2).attr('y', y + 2).attr('width', cellW - 6).attr('height', cellH - 6).style('stroke', textColour(fill));
      if (isBest(cmp, s)) g.append('rect').attr('class', 'best-outline').attr('x', x - 1).attr('y', y - 1).attr('width', cellW).attr('height', cellH);
      g.append('title').text(tooltip(ctx, s, metric));
    }
  });
  return String(svg);
}

/** One varied key: the metric as a line over the key's values, 95 % CI whiskers, the recommended point ★. */
function lineChart(ctx: Ctx, metric: MetricKey): string {
  const { cmp } = ctx;
  const W = 360;
  const H = 232;
  // Below the axis, three lines: the tick values, "◆ baseline" under its value, the key's name.
  const m = { top: 18, right: 16, bottom: 52, left: 56 };
  const svg = newSvg(W, H, 'chart metric-chart line-chart');
  svg.attr('data-metric', metric);
  const order = axisOrder(cmp.variants.map((s) => s.variant.values[0]!));
  const byValue = new Map(cmp.variants.map((s) => [s.variant.values[0]!, s]));
  const x = scalePoint().domain(order).range([m.left, W - m.right]).padding(0.4);
  const dom = chartDomain(cmp, metric);
  if (!dom) {
    svg.append('text').attr('x', 10).attr('y', 20).text('no values');
    return String(svg);
  }
  // Whiskers may reach past the robust domain: clamp them (the value is in the tooltip).
  const y = scaleLinear().domain([dom.lo, dom.hi]).range([H - m.bottom, m.top]).nice();
  const [y0, y1] = y.domain() as [number, number];
  const Y = (v: number) => r2(y(Math.min(y1, Math.max(y0, v))));
  svg.markup(d3AxisMarkup({ orient: 'bottom', scale: x, tickValues: x.domain(), format: (v) => v, className: 'axis x', transform: `translate(0,${H - m.bottom})` }));
  svg.markup(linearAxis('left', y, 5, 'axis y', `translate(${m.left},0)`));
  svg.append('text').attr('class', 'axis-name').attr('x', (m.left + W - m.right) / 2).attr('y', H - 4).attr('text-anchor', 'middle').text(keyNames(ctx)[0]!);
  const line = order.map((v) => byValue.get(v)!).filter((s) => s.metrics[metric].est.mean !== null);
  svg.append('path').attr('class', 'series').attr('d', line.map((s, i) => `${i === 0 ? 'M' : 'L'}${r2(x(s.variant.values[0]!)!)},${Y(s.metrics[metric].est.mean!)}`).join(''));
  for (const s of line) {
    const e = s.metrics[metric].est;
    const px = r2(x(s.variant.values[0]!)!);
    const out = e.mean! > y1 || e.mean! < y0;
    const cls = ['variant', isBest(cmp, s) ? 'recommended' : '', isBase(cmp, s) ? 'baseline' : '', failsOn(ctx, s, metric) ? 'fails' : '', out ? 'outlier' : ''].filter(Boolean).join(' ');
    const g = svg.append('g').attr('class', cls);
    if (e.low !== null && e.high !== null) g.append('line').attr('class', 'ci').attr('x1', px).attr('x2', px).attr('y1', Y(e.low)).attr('y2', Y(e.high));
    if (isBase(cmp, s)) g.append('text').attr('class', 'base-label').attr('x', px).attr('y', H - m.bottom + 28).attr('text-anchor', 'middle').text(`${BASE_MARK} baseline`);
    if (out) {
      const py = Y(e.mean!);
      g.append('path').attr('class', 'mark').attr('d', `M${px},${r2(py - 7)}L${r2(px + 6)},${r2(py + 4)}L${r2(px - 6)},${r2(py + 4)}Z`);
      g.append('text').attr('class', 'point-label').attr('x', r2(px + 8)).attr('y', r2(py + 4)).text(fmtValue(metric, e.mean));
    } else g.append('circle').attr('class', 'mark').attr('cx', px).attr('cy', Y(e.mean!)).attr('r', isBest(cmp, s) ? 6 : 4);
    if (isBest(cmp, s)) {
      g.append('circle').attr('class', 'best-ring').attr('cx', px).attr('cy', Y(e.mean!)).attr('r', 10);
      g.append('text').attr('class', 'best-label').attr('x', px).attr('y', m.top - 4).attr('text-anchor', 'middle').text('★ recommended');
    }
    if (s.warnings.seeds > 0) g.append('text').attr('class', 'warn-mark').attr('x', r2(px + 6)).attr('y', r2(Y(e.mean!) - 6)).text('⚠');
    g.append('title').text(tooltip(ctx, s, metric));
  }
  return String(svg);
}

/** More keys, or compare: one row per variant named by its settings, mean and CI, the baseline's mean dashed. */
function dotChart(ctx: Ctx, metric: MetricKey): string {
  const { cmp } = ctx;
  const rowH = 20;
  const labelW = Math.min(380, 6.2 * Math.max(...cmp.variants.map((s) => s.variant.label.length + 2)));
  const W = labelW + 260;
  const m = { top: 8, right: 16, bottom: 28, left: labelW + 10 };
  const H = m.top + m.bottom + rowH * cmp.variants.length;
  const svg = newSvg(W, H, 'chart metric-chart dot-chart');
  svg.attr('data-metric', metric);
  const dom = chartDomain(cmp, metric);
  if (!dom) {
    svg.append('text').attr('x', 10).attr('y', 20).text('no values');
    return String(svg);
  }
  const x = scaleLinear().domain([dom.lo, dom.hi]).range([m.left, W - m.right]).nice();
  const [x0, x1] = x.domain() as [number, number];
  const X = (v: number) => r2(x(Math.min(x1, Math.max(x0, v))));
  const rowY = (i: number) => m.top + rowH * i + rowH / 2;
  svg.markup(linearAxis('bottom', x, 4, 'axis x', `translate(0,${H - m.bottom})`));
  const base = cmp.variants[cmp.baseline]!.metrics[metric].est.mean;
  if (base !== null) svg.append('line').attr('class', 'baseline-mean').attr('x1', X(base)).attr('x2', X(base)).attr('y1', m.top).attr('y2', H - m.bottom);
  cmp.variants.forEach((s, i) => {
    const e = s.metrics[metric].est;
    const label = s.variant.label.length > 60 ? s.variant.label.slice(0, 59) + '…' : s.variant.label;
    svg
      .append('text')
      .attr('class', `row-label${isBest(cmp, s) ? ' recommended' : ''}${isBase(cmp, s) ? ' baseline' : ''}`)
      .attr('x', m.left - 6)
      .attr('y', rowY(i) + 4)
      .attr('text-anchor', 'end')
      .text(`${isBest(cmp, s) ? '★ ' : ''}${isBase(cmp, s) ? `${BASE_MARK} ` : ''}${s.warnings.seeds > 0 ? '⚠ ' : ''}${label}`);
    if (e.mean === null) return;
    const out = e.mean > x1 || e.mean < x0;
    const g = svg.append('g').attr('class', ['variant', isBest(cmp, s) ? 'recommended' : '', isBase(cmp, s) ? 'baseline' : '', failsOn(ctx, s, metric) ? 'fails' : '', out ? 'outlier' : ''].filter(Boolean).join(' '));
    if (e.low !== null && e.high !== null) g.append('line').attr('class', 'ci').attr('x1', X(e.low)).attr('x2', X(e.high)).attr('y1', rowY(i)).attr('y2', rowY(i));
    g.append('circle').attr('class', 'mark').attr('cx', X(e.mean)).attr('cy', rowY(i)).attr('r', isBest(cmp, s) ? 5 : 4);
    if (out) g.append('text').attr('class', 'point-label').attr('x', X(e.mean) - 8).attr('y', rowY(i) + 4).attr('text-anchor', 'end').text(`▲ ${fmtValue(metric, e.mean)}`);
    g.append('title').text(tooltip(ctx, s, metric));
  });
  return String(svg);
}

/** The varied keys' short names (sweep), or `scenario` (compare). */
function keyNames(ctx: Ctx): string[] {
  return ctx.cmp.variants[0]!.variant.label.split(', ').map((p) => p.split('=')[0]!);
}

const CSS = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #222; max-width: 1500px; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 18px; } .legend span { white-space: nowrap; }
.small-multiples { display: flex; flex-wrap: wrap; gap: 18px 24px; align-items: flex-start; }
.small-multiples figure { margin: 0; } figcaption { font-weight: 600; font-size: 13px; max-width: 560px; }
figcaption .note { font-weight: 400; color: #555; }
svg text { font: 11px system-ui, sans-serif; fill: #333; }
.axis-label, .axis-name { font-size: 12px; fill: #444; }
.panel-title { font-weight: 600; font-size: 12px; }
.clip-note { fill: #555; font-size: 11px; }
.ci { stroke: #666; stroke-width: 1.5; }
.variant .mark { fill: #fff; stroke: #4a6fa5; stroke-width: 2; }
.variant.on-front .mark { fill: #1f5fa8; stroke: #1f5fa8; }
.variant.fails .mark { stroke: #c62828; }
.variant.fails:not(.on-front) .mark { fill: #fde0dc; }
.variant.recommended .mark { fill: #1b7f3b; stroke: #0d3d1c; }
.best-ring { fill: none; stroke: #0d3d1c; stroke-width: 2.5; }
.best-label, .row-label.recommended { font-weight: 700; fill: #0d3d1c; }
.point-label { fill: #222; paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
.same-cost { font-size: 12px; font-weight: 600; fill: #8a4b00; }
.pareto-front { fill: none; stroke: #1f5fa8; stroke-width: 1.5; stroke-dasharray: 5 3; }
.series { fill: none; stroke: #4a6fa5; stroke-width: 1.5; }
.baseline-mean { stroke: #999; stroke-dasharray: 3 3; }
.cell-value { font-size: 11px; }
.best-outline { fill: none; stroke: #0a2a14; stroke-width: 3; }
.hatch-line { stroke: #7f0000; stroke-width: 1.6; opacity: 0.55; }
.warn-mark { font-size: 10px; fill: #8a4b00; }
.base-outline { fill: none; stroke: #333; stroke-width: 1.2; stroke-dasharray: 3 2; }
.base-label { font-size: 10px; fill: #444; }
.delta { display: block; font-size: 11px; font-weight: 400; color: #666; }
.delta.better { color: #1b7f3b; } .delta.worse { color: #b71c1c; }
tr.baseline td { background: #f1f3f7; }
.baseline-note { margin: 8px 0; }
table { border-collapse: collapse; margin-top: 8px; } td, th { border-bottom: 1px solid #ddd; padding: 3px 7px; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.variants { font-size: 13px; }
tr.recommended td { background: #e6f4ea; font-weight: 600; }
td.bad { color: #b71c1c; } td.warn { color: #8a4b00; }
.recommendation { font-weight: 600; margin: 12px 0; padding: 8px 12px; border-left: 5px solid #1b7f3b; background: #eef7f0; }
.recommendation.none { border-left-color: #c62828; background: #fdecea; }
.no-difference { margin: 12px 0; padding: 4px 12px; border-left: 5px solid #8a4b00; background: #fff8e6; }
.no-difference p { margin: 4px 0; }
.warnings { margin: 12px 0; padding: 8px 12px; border-left: 5px solid #c62828; background: #fff4f2; }
.warnings ul { margin: 4px 0; padding-left: 20px; }
.notes { color: #444; }
`;

/** A chainlet's metrics drawn on the page (every one is in the CSVs and the printed table). */
const CHAINLET_CHARTS: readonly MetricName[] = ['failed_requests', 'availability', 'cost', 'latency_p99_s', 'restarts', 'traffic_stops', 'mid_load_kills'];

/**
 * Metrics in the order a reader needs them: the four that decide most tunings, the asked-for ones,
 * then the rest; in a chain sweep then the chain's, and a few of each chainlet's.
 */
function metricOrder(cmp: Comparison): MetricKey[] {
  const first: MetricKey[] = ['failed_requests', 'cost', 'availability', 'mid_load_kills'];
  if (cmp.minimize) first.push(cmp.minimize);
  for (const r of [...cmp.requirements, ...cmp.defaults]) first.push(r.metric);
  const rest = cmp.metrics.filter((k) => {
    const { scope, base } = splitMetric(k);
    return scope === null || scope === CHAIN_PREFIX || (CHAINLET_CHARTS as readonly string[]).includes(base);
  });
  return [...new Set([...first, ...METRICS, ...rest])];
}

/** The varied keys that changed nothing: the sweep could not compare their values, whatever the charts seem to rank. */
function noDifferenceBox(cmp: Comparison): string {
  if (cmp.noDifference.length === 0) return '';
  const axes = cmp.variants[0]!.variant.values.length;
  return `<div class="no-difference">${cmp.noDifference.map((n) => `<p>${escapeHtml(noDifferenceText(n, axes))}.</p>`).join('')}</div>`;
}

function warningsBox(cmp: Comparison): string {
  const warned = cmp.variants.filter((s) => s.warnings.seeds > 0);
  if (warned.length === 0) return '';
  const missed = warned.filter((s) => s.warnings.missedSeeds > 0);
  const intro =
    missed.length > 0
      ? `<p><b>A fault hit nothing in some seeds of ${missed.length} variant${missed.length > 1 ? 's' : ''}</b> (its replica was gone, or had no container, when it fired): those runs did not test the setting, and their failed requests pull its mean down. ${cmp.defaults.some((d) => d.metric === 'faults_missed') ? 'They are not recommended.' : ''}</p>`
      : '';
  // The same texts repeat across variants: each distinct text once, with the variants it came from.
  const texts = new Map<string, string[]>();
  for (const s of warned) for (const e of s.warnings.examples) texts.set(e.text, [...(texts.get(e.text) ?? []), s.variant.label]);
  const items = warned.map((s) => `<li><b>${escapeHtml(s.variant.label)}</b>: ${escapeHtml(warningFlag(s))}</li>`).join('\n');
  const examples = [...texts.keys()].slice(0, 4).map((t) => `<code>${escapeHtml(t)}</code>`).join('<br>');
  return `<div class="warnings"><b>⚠ Run warnings in ${warned.length} of ${cmp.variants.length} variants</b> (every text is in runs.jsonl; the count per run in results.csv)${intro}<ul class="warned">\n${items}\n</ul>${examples ? `<p>e.g. ${examples}</p>` : ''}</div>`;
}

/** Under a mean in the table: the paired difference to the baseline, green/red when its interval excludes 0. */
function deltaCell(cmp: Comparison, s: VariantStats, metric: MetricKey): string {
  if (isBase(cmp, s)) return '';
  const d = s.metrics[metric].diff;
  if (d.mean === null) return '';
  return `<span class="delta ${deltaVerdict(metric, d)}">Δ ${escapeHtml(signed(d))}</span>`;
}

/**
 * A name that may wrap after each `_` or `.` (`stop_traffic_` / `threshold_` / `seconds`): as a
 * column head it would otherwise set the column's width (the table ran past a 1400 px window).
 */
function breakable(name: string): string {
  return escapeHtml(name).replace(/([_.])/g, '$1<wbr>');
}

function variantTable(ctx: Ctx, args: SweepArgs): string {
  const { cmp } = ctx;
  const axisHeads = args.command === 'compare' ? ['settings that differ', 'file'] : args.vary.map((a) => a.key.split('.').pop()!);
  const sortBy: MetricKey = cmp.minimize ?? 'failed_requests';
  const sorted = [...cmp.variants].sort(
    (a, b) =>
      Number(isBest(cmp, b)) - Number(isBest(cmp, a)) ||
      Number(b.meets !== false) - Number(a.meets !== false) ||
      (a.metrics[sortBy].est.mean ?? Infinity) - (b.metrics[sortBy].est.mean ?? Infinity) ||
      a.variant.index - b.variant.index,
  );
  const cols: MetricKey[] = [...new Set<MetricKey>(['failed_requests', 'cost', 'availability', 'mid_load_kills', ...(cmp.minimize ? [cmp.minimize] : []), ...cmp.requirements.map((r) => r.metric)])];
  const head = `<tr><th></th>${axisHeads.map((h) => `<th>${breakable(h)}</th>`).join('')}${cols.map((c) => `<th>${breakable(c)}</th>`).join('')}<th>Pareto</th>${cmp.requirements.length + cmp.defaults.length > 0 ? '<th>requirements</th>' : ''}<th>warnings</th><th>#</th></tr>`;
  const rows = sorted
    .map((s) => {
      const settings = args.command === 'compare' ? [s.variant.label, s.variant.values[0]!] : s.variant.values;
      const cells = cols.map((c) => `<td class="num${failsOn(ctx, s, c) ? ' bad' : ''}">${escapeHtml(pm(s.metrics[c].est))}${deltaCell(cmp, s, c)}</td>`).join('');
      const req = cmp.requirements.length + cmp.defaults.length > 0 ? `<td class="${s.meets ? '' : 'bad'}">${s.meets ? 'meets all' : escapeHtml(`fails ${s.failing.join(', ')}`)}</td>` : '';
      const tags = [isBest(cmp, s) ? '★ recommended' : '', isBase(cmp, s) ? `${BASE_MARK} baseline` : ''].filter(Boolean).join('<br>');
      const rowCls = [isBest(cmp, s) ? 'recommended' : '', isBase(cmp, s) ? 'baseline' : ''].filter(Boolean).join(' ');
      return `<tr class="${rowCls}"><td>${tags}</td>${settings.map((v) => `<td>${escapeHtml(v)}</td>`).join('')}${cells}<td>${s.pareto ? 'yes' : ''}</td>${req}<td class="warn">${escapeHtml(warningFlag(s))}</td><td>${s.variant.index}</td></tr>`;
    })
    .join('\n');
  return `<table class="variants">\n${head}\n${rows}\n</table>`;
}

export function renderComparisonHtml(args: SweepArgs, cmp: Comparison): string {
  const reqsOf = (m: MetricKey) => [...cmp.requirements, ...cmp.defaults].filter((r) => r.metric === m).map((r) => r.text);
  const ctx: Ctx = { cmp, reqsOf };
  const axes = args.command === 'compare' ? 0 : args.vary.length;
  const kind = axes === 1 ? 'line' : axes === 2 || axes === 3 ? 'heatmap' : 'dots';
  const title =
    args.command === 'compare'
      ? `deploysim compare: ${cmp.variants.map((s) => s.variant.label).join(' vs ')}`
      : `deploysim sweep ${args.scenarios[0]!.path}: ${args.vary.map((a) => a.key.split('.').pop()).join(' × ')}`;
  const main = mainChart(ctx);
  const charts = metricOrder(cmp)
    .map((mname) => {
      const better = lowerIsBetter(mname);
      const hint = better === null ? '' : better ? 'lower is better' : 'higher is better';
      const reqs = reqsOf(mname);
      const note = [metricNote(mname), hint, reqs.length > 0 ? `required: ${reqs.join(', ')} (hatched/red: fails)` : ''].filter(Boolean).join('; ');
      const svg = kind === 'line' ? lineChart(ctx, mname) : kind === 'heatmap' ? heatmap(ctx, mname) : dotChart(ctx, mname);
      return `<figure><figcaption>${mname} <span class="note">(${escapeHtml(note)})</span></figcaption>${svg}</figure>`;
    })
    .join('\n');
  const rec = recommendation(cmp);
  const notes = cmp.notes.length > 0 ? `<ul class="notes">${cmp.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : '';
  const how =
    kind === 'line'
      ? `Each chart is one metric over ${escapeHtml(keyNames(ctx)[0]!)}: mean over seeds, bars the 95 % CI.`
      : kind === 'heatmap'
        ? `Each map is one metric: rows ${escapeHtml(keyNames(ctx)[0]!)}, columns ${escapeHtml(keyNames(ctx)[1]!)}${axes === 3 ? `, one panel per ${escapeHtml(keyNames(ctx)[2]!)}` : ''}; the cell is the mean over seeds, redder is worse (white/grey: no direction), hatched: fails a requirement on that metric, ⚠: a seed had a warning.`
        : 'Each chart is one metric, one row per variant: mean over seeds, bars the 95 % CI, the dashed line the baseline\'s mean.';

  const table = variantTable(ctx, args);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>${cmp.variants.length} variants, each run on the same ${cmp.seeds.length} seeds (${cmp.seeds[0]}–${cmp.seeds[cmp.seeds.length - 1]}). Variants are named by the settings their runs resolved to.</p>
<p class="baseline-note">${BASE_MARK} <b>Baseline #${cmp.baseline}: ${escapeHtml(baselineText(cmp))}</b>. Every Δ is the paired difference variant − baseline over the same seeds (same traffic, same faults), with its 95 % CI; green / red: better / worse with confidence (the interval excludes 0).</p>
<p class="legend"><span>★ / dark outline: recommended</span><span>${BASE_MARK} / dashed outline: the baseline</span><span>red: worse, or fails a requirement</span><span>blue: on the Pareto front of cost and failed requests</span><span>▲: beyond the axis, drawn on its edge</span><span>⚠: some seed had a run warning</span></p>
${rec ? `<p class="recommendation${cmp.best === null ? ' none' : ''}">${escapeHtml(rec)}</p>` : ''}
${noDifferenceBox(cmp)}
${warningsBox(cmp)}
${notes}
<h2>Every metric</h2>
<p>${how}</p>
<div class="small-multiples">
${charts}
</div>
<h2>Failed requests vs cost</h2>
${main}
<h2>Every variant, best first</h2>
${table}
</body>
</html>
`;
}
