import * as d3 from '../d3.js';
import { escapeHtml, formatDuration, num } from '../format.js';
import { axisNumber, chartFigure, emptyNote, headroom, linearTicks, panelLabel, timeGrid, yAxisWithGrid } from '../svg.js';
import { faultRuleLegend, faultRules, PLOT_WIDTH, rate, stepRows, xAxisAt, type ChartContext, chartId, chartTitle, hoverId } from './context.js';

export const STATUS_COLORS: Readonly<Record<string, string>> = {
  '429': '#9467bd',
  '500': '#d62728',
  '502': '#e377c2',
  '503': '#ff7f0e',
  '504': '#8c564b',
  other: '#7f7f7f',
};

const UPPER = 130;
const GAP = 18;
const LOWER = 80;

/**
 * Chart 1, traffic: arrivals and successes per second on top; failures per second stacked
 * by status underneath, on their own scale so a handful of 503s is not a flat line under
 * thousands of successes.
 */
export function trafficChart(ctx: ChartContext): string {
  const b = ctx.buckets;
  const h = UPPER + GAP + LOWER;
  const arrivals = stepRows(b, (i) => rate(b, b.arrivals, i));
  const succeeded = stepRows(b, (i) => rate(b, b.succeeded, i));
  const maxUpper = Math.max(d3.max(arrivals, (p) => p.v) ?? 0, d3.max(succeeded, (p) => p.v) ?? 0) || 1;
  const yU = d3.scaleLinear().domain([0, headroom(maxUpper)]).nice(4).range([UPPER, 0]);
  const x = ctx.x;
  const area = d3
    .area<{ t: number; v: number }>()
    .x((p) => x(p.t))
    .y0(yU(0))
    .y1((p) => yU(p.v))
    .curve(d3.curveStepAfter)
    .digits(2);
  const line = d3
    .line<{ t: number; v: number }>()
    .x((p) => x(p.t))
    .y((p) => yU(p.v))
    .curve(d3.curveStepAfter)
    .digits(2);
  const rateFmt = axisNumber;
  let body = timeGrid(x, ctx.ticks, h);
  const rules = faultRules(ctx, h);
  body += rules;
  body += yAxisWithGrid(ctx.axes, yU, linearTicks(yU, 4), rateFmt, PLOT_WIDTH);
  body += `<path class="area-succeeded" fill="#74c476" fill-opacity="0.55" d="${area(succeeded) ?? ''}"/>`;
  body += `<path class="line-arrivals" fill="none" stroke="#08519c" stroke-width="1.3" d="${line(arrivals) ?? ''}"/>`;
  body += panelLabel('requests/s', 0, UPPER);

  // Failures, stacked by status.
  const keys = b.failedBy.map((f) => f.status);
  const rows = stepRows(b, (i) => {
    const r: Record<string, number> = {};
    for (const f of b.failedBy) r[f.status] = rate(b, f.values, i);
    return r;
  });
  const stacked = d3
    .stack<{ t: number; v: Record<string, number> }>()
    .keys(keys)
    .value((d, k) => d.v[k] ?? 0)(rows);
  const maxLower = d3.max(stacked, (s) => d3.max(s, (p) => p[1])) ?? 0;
  const yL = d3
    .scaleLinear()
    .domain([0, headroom(maxLower)])
    .nice(3)
    .range([UPPER + GAP + LOWER, UPPER + GAP]);
  body += yAxisWithGrid(ctx.axes, yL, linearTicks(yL, 3), rateFmt, PLOT_WIDTH);
  if (maxLower === 0) {
    body += emptyNote('no failed requests', PLOT_WIDTH, UPPER + GAP + LOWER / 2 + 4);
  }
  const failArea = d3
    .area<d3.SeriesPoint<{ t: number; v: Record<string, number> }>>()
    .x((p) => x(p.data.t))
    .y0((p) => yL(p[0]))
    .y1((p) => yL(p[1]))
    .curve(d3.curveStepAfter)
    .digits(2);
  for (const s of stacked) {
    body += `<path class="area-failed" data-status="${escapeHtml(s.key)}" fill="${STATUS_COLORS[s.key] ?? '#7f7f7f'}" d="${failArea(s) ?? ''}"/>`;
  }
  body += panelLabel('failed/s', UPPER + GAP, LOWER);

  const total = ctx.summary.requests;
  const legend = [
    { label: 'arrivals/s', color: '#08519c', kind: 'line' as const },
    { label: 'succeeded/s', color: '#74c476' },
    ...keys.map((k) => ({
      label: `failed ${k} (${total.by_status[k] ?? d3.sum(b.failedBy.find((f) => f.status === k)!.values)})`,
      color: STATUS_COLORS[k] ?? '#7f7f7f',
    })),
    ...(rules ? faultRuleLegend(ctx) : []),
  ];
  return chartFigure({
    id: chartId(ctx, 'chart-traffic'),
    title: chartTitle(ctx, 'Traffic'),
    legend,
    caption: `Per-second rates over ${bucketText(ctx)}. Failures are counted when a request finally fails (after retries), by status; their scale is separate.`,
    height: h,
    body,
    x,
    duration: ctx.duration,
    xAxis: xAxisAt(ctx, h),
    hover: hoverId(ctx),
  });
}

/** "10 s intervals" or "buckets of 6 intervals (60 s)". */
export function bucketText(ctx: ChartContext): string {
  const b = ctx.buckets;
  if (b.n === 0) return 'the sample interval';
  const dt = b.t1[0]! - b.t0[0]!;
  return b.rowsPerBucket === 1
    ? `each ${num(dt, 3)} s sample interval`
    : `buckets of ${b.rowsPerBucket} sample intervals (${formatDuration(dt)})`;
}
