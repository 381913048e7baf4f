import * as d3 from '../d3.js';
import { formatCount, formatMoney } from '../format.js';
import { cumulativeNotServing } from '../replica-history.js';
import { axisNumber, chartFigure, headroom, linearTicks, panelLabel, timeGrid, yAxisWithGrid } from '../svg.js';
import { PLOT_WIDTH, xAxisAt, type ChartContext, chartId, chartTitle, hoverId } from './context.js';

const H = 130;

/**
 * Cumulative cost from the timeline (billed minutes × price), and the part spent on
 * replicas billed while not routable, rebuilt from the lanes.
 */
export function notServingCost(ctx: ChartContext): number[] {
  const billing = ctx.summary.billing;
  // A run that bills nothing (development under baseten-2026) wastes nothing either.
  const perSecond = billing.billed_minutes > 0 ? billing.price_per_minute / 60 : 0;
  return cumulativeNotServing(ctx.histories, ctx.buckets.t1).map((s) => s * perSecond);
}

export function costChart(ctx: ChartContext): string {
  const b = ctx.buckets;
  const x = ctx.x;
  const total = [{ t: 0, v: 0 }, ...b.t1.map((t, i) => ({ t, v: b.cost[i] ?? 0 }))];
  const waste = notServingCost(ctx);
  const wasted = [{ t: 0, v: 0 }, ...b.t1.map((t, i) => ({ t, v: waste[i]! }))];
  const maxY = Math.max(d3.max(total, (p) => p.v) ?? 0, d3.max(wasted, (p) => p.v) ?? 0);
  const y = d3
    .scaleLinear()
    .domain([0, headroom(maxY)])
    .nice(4)
    .range([H, 0]);
  const area = d3
    .area<{ t: number; v: number }>()
    .x((p) => x(p.t))
    .y0(y(0))
    .y1((p) => y(p.v))
    .digits(2);
  const line = d3
    .line<{ t: number; v: number }>()
    .x((p) => x(p.t))
    .y((p) => y(p.v))
    .digits(2);
  let body = timeGrid(x, ctx.ticks, H);
  body += yAxisWithGrid(ctx.axes, y, linearTicks(y, 4), (v) => `$${axisNumber(v)}`, PLOT_WIDTH);
  body += `<path class="area-cost" fill="#c6dbef" d="${area(total) ?? ''}"/>`;
  body += `<path class="line-cost" fill="none" stroke="#2171b5" stroke-width="1.3" d="${line(total) ?? ''}"/>`;
  body += `<path class="area-not-serving" fill="#fd8d3c" fill-opacity="0.85" d="${area(wasted) ?? ''}"/>`;
  body += panelLabel('cost, cumulative', 0, H);
  const lastWaste = waste.length ? waste[waste.length - 1]! : 0;
  const billing = ctx.summary.billing;
  return chartFigure({
    id: chartId(ctx, 'chart-cost'),
    title: chartTitle(ctx, 'Cost'),
    legend: [
      { label: `cost, billed minutes × price (${formatMoney(billing.cost)})`, color: '#2171b5' },
      { label: `spent on replicas not serving (≈ ${formatMoney(lastWaste)})`, color: '#fd8d3c' },
    ],
    caption: `Blue: cumulative cost from the timeline (each replica’s billed seconds rounded up to the minute, × ${formatMoney(
      billing.price_per_minute,
    )}/min). Orange: the part billed while a replica was not routable (loading, awaiting its first check, traffic-stopped or in back-off), from the replica lanes, in exact seconds × price; the summary’s ${formatCount(billing.minutes_not_serving)} minutes not serving round per replica, so they can read a little higher.`,
    height: H,
    body,
    x,
    duration: ctx.duration,
    xAxis: xAxisAt(ctx, H),
    hover: hoverId(ctx),
  });
}
