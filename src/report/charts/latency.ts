import * as d3 from '../d3.js';
import { formatLatency } from '../format.js';
import { axisNumber, chartFigure, emptyNote, headroom, linearTicks, panelLabel, timeGrid, yAxisWithGrid, type YScale } from '../svg.js';
import { bucketText } from './traffic.js';
import { faultRuleLegend, faultRules, PLOT_WIDTH, stepRows, xAxisAt, type ChartContext, chartId, chartTitle, hoverId } from './context.js';

const UPPER = 130;
const GAP = 18;
const LOWER = 70;

/** Log ticks at 1-2-5 per decade when the range is short, powers of ten when it is long. */
function logTicks(y: YScale): number[] {
  const [lo, hi] = y.domain() as [number, number];
  const decades = Math.log10(hi / lo);
  const mant = decades <= 2 ? [1, 2, 5] : decades <= 4 ? [1] : [1];
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of mant) {
      const v = m * 10 ** e;
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(Number(v.toPrecision(6)));
    }
  }
  return out;
}

/** Axis labels: ms below a second, then plain seconds ("1000 s" reads better on a log axis than "16m 40s"). */
function latencyTick(v: number): string {
  if (v === 0) return '0';
  return v < 1 ? formatLatency(v) : `${axisNumber(v)} s`;
}

/** Chart 4: latency p50 and p99 of succeeded requests; queue length and in-flight below. */
export function latencyChart(ctx: ChartContext): string {
  const b = ctx.buckets;
  const x = ctx.x;
  const h = UPPER + GAP + LOWER;
  const values = [...b.p50, ...b.p99].filter((v): v is number => v !== null && v > 0);
  const lo = d3.min(values) ?? 0.01;
  const hi = d3.max(values) ?? 1;
  // Log when p99 and p50 live decades apart (a cold start's 90 s next to 800 ms service).
  const useLog = hi / lo >= 20;
  const y: YScale = useLog
    ? d3.scaleLog().domain([lo, hi]).nice().range([UPPER, 0])
    : d3.scaleLinear().domain([0, headroom(hi)]).nice(4).range([UPPER, 0]);
  const mid = (i: number) => (b.t0[i]! + b.t1[i]!) / 2;
  const pts = (vals: (number | null)[]) => vals.map((v, i) => ({ t: mid(i), v }));
  const line = d3
    .line<{ t: number; v: number | null }>()
    .defined((p) => p.v !== null && (!useLog || p.v > 0))
    .x((p) => x(p.t))
    .y((p) => y(p.v!))
    .digits(2);
  let body = timeGrid(x, ctx.ticks, h);
  const rules = faultRules(ctx, h);
  body += rules;
  body += yAxisWithGrid(ctx.axes, y, useLog ? logTicks(y) : linearTicks(y, 4), latencyTick, PLOT_WIDTH);
  if (values.length === 0) body += emptyNote('no succeeded requests', PLOT_WIDTH, UPPER / 2);
  body += `<path class="line-p99" fill="none" stroke="#e6550d" stroke-width="1.3" d="${line(pts(b.p99)) ?? ''}"/>`;
  body += `<path class="line-p50" fill="none" stroke="#3182bd" stroke-width="1.3" d="${line(pts(b.p50)) ?? ''}"/>`;
  body += panelLabel(`latency${useLog ? ' (log)' : ''}`, 0, UPPER);

  // Queue and in-flight (maxima per bucket).
  const queued = stepRows(b, (i) => b.queued[i]!);
  const inflight = stepRows(b, (i) => b.in_flight[i]!);
  const maxQ = Math.max(d3.max(queued, (p) => p.v) ?? 0, d3.max(inflight, (p) => p.v) ?? 0);
  const yQ = d3
    .scaleLinear()
    .domain([0, headroom(maxQ)])
    .nice(3)
    .range([h, UPPER + GAP]);
  body += yAxisWithGrid(ctx.axes, yQ, linearTicks(yQ, 3, true), axisNumber, PLOT_WIDTH);
  const area = d3
    .area<{ t: number; v: number }>()
    .x((p) => x(p.t))
    .y0(yQ(0))
    .y1((p) => yQ(p.v))
    .curve(d3.curveStepAfter)
    .digits(2);
  const qline = d3
    .line<{ t: number; v: number }>()
    .x((p) => x(p.t))
    .y((p) => yQ(p.v))
    .curve(d3.curveStepAfter)
    .digits(2);
  body += `<path class="area-queued" fill="#9e9ac8" fill-opacity="0.8" d="${area(queued) ?? ''}"/>`;
  body += `<path class="line-in-flight" fill="none" stroke="#525252" stroke-width="1" d="${qline(inflight) ?? ''}"/>`;
  body += panelLabel('requests', UPPER + GAP, LOWER);

  const agg = b.rowsPerBucket > 1 ? ' Per bucket, p50 is the median of the intervals’ p50 and p99 their maximum; queue and in-flight are maxima.' : '';
  return chartFigure({
    id: chartId(ctx, 'chart-latency'),
    title: chartTitle(ctx, 'Latency and queue'),
    legend: [
      { label: 'p50', color: '#3182bd', kind: 'line' },
      { label: 'p99', color: '#e6550d', kind: 'line' },
      { label: 'queued in the router', color: '#9e9ac8' },
      { label: 'in flight (queued + dispatched)', color: '#525252', kind: 'line' },
      ...(rules ? faultRuleLegend(ctx) : []),
    ],
    caption: `Latency of the requests that succeeded in ${bucketText(ctx)} (arrival to final response, retries and queueing included).${agg}`,
    height: h,
    body,
    x,
    duration: ctx.duration,
    xAxis: xAxisAt(ctx, h),
    hover: hoverId(ctx),
  });
}
