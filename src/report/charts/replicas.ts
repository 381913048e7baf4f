import * as d3 from '../d3.js';
import type { EventRow } from '../../model/summary.js';
import { escapeHtml, formatDuration, num } from '../format.js';
import { attrs, chartFigure, linearTicks, panelLabel, timeGrid, yAxisWithGrid } from '../svg.js';
import { bucketText } from './traffic.js';
import { faultRuleLegend, faultRules, PLOT_WIDTH, stepRows, xAxisAt, type ChartContext, chartId, chartTitle, hoverId } from './context.js';

/** Replica-state colours, shared with the lanes. */
export const STATE_COLORS = {
  scheduling: '#d9d9d9',
  pulling: '#bdbdbd',
  starting: '#9ecae1',
  loading: '#9ecae1',
  waiting: '#c7e9c0',
  routable: '#31a354',
  stopped: '#fd8d3c',
  backoff: '#de2d26',
  terminating: '#636363',
  other: '#969696',
} as const;

const STACK: { key: 'routable' | 'waiting' | 'traffic_stopped' | 'backoff' | 'starting'; label: string; color: string }[] = [
  { key: 'routable', label: 'routable', color: STATE_COLORS.routable },
  { key: 'waiting', label: 'ready, awaiting first check', color: STATE_COLORS.waiting },
  { key: 'traffic_stopped', label: 'traffic-stopped', color: STATE_COLORS.stopped },
  { key: 'backoff', label: 'backoff', color: STATE_COLORS.backoff },
  { key: 'starting', label: 'starting (schedule, pull, load)', color: STATE_COLORS.starting },
];

/** A strip above the plot for the autoscaler's scale-up / scale-down marks. */
const BAND = 16;
const H = BAND + 150;
/** Scale marks of one direction closer than this merge into the first. */
const SCALE_SPACING_PX = 4;

/** Chart 2: replicas stacked by state, with the autoscaler's desired count as a step line. */
export function replicasChart(ctx: ChartContext): string {
  const b = ctx.buckets;
  const x = ctx.x;
  const used = STACK.filter((s) => s.key === 'routable' || b[s.key].some((v) => v > 0));
  const rows = stepRows(b, (i) => i);
  const stacked = d3
    .stack<{ t: number; v: number }>()
    .keys(used.map((s) => s.key))
    .value((d, k) => b[k as (typeof STACK)[number]['key']][d.v] ?? 0)(rows);
  // Bucketed, the line is the desired count's time mean (like the states), inside its min–max band.
  const desired = stepRows(b, (i) => (b.rowsPerBucket > 1 ? b.desiredMean[i] : b.desired[i]) ?? null);
  const maxY = Math.max(
    d3.max(stacked, (s) => d3.max(s, (p) => p[1])) ?? 0,
    d3.max(b.desired, (v) => v ?? 0) ?? 0,
    1,
  );
  const y = d3.scaleLinear().domain([0, Math.max(maxY + 0.25, maxY * 1.05)]).nice(4).range([H, BAND]);
  const area = d3
    .area<d3.SeriesPoint<{ t: number; v: number }>>()
    .x((p) => x(p.data.t))
    .y0((p) => y(p[0]))
    .y1((p) => y(p[1]))
    .curve(d3.curveStepAfter)
    .digits(2);
  const line = d3
    .line<{ t: number; v: number | null }>()
    .defined((p) => p.v !== null)
    .x((p) => x(p.t))
    .y((p) => y(p.v ?? 0))
    .curve(d3.curveStepAfter)
    .digits(2);
  let body = timeGrid(x, ctx.ticks, H);
  const rules = faultRules(ctx, H);
  body += rules;
  body += yAxisWithGrid(ctx.axes, y, linearTicks(y, 4, true), d3.format('d'), PLOT_WIDTH);
  stacked.forEach((s, k) => {
    body += `<path class="area-state" data-state="${s.key}" fill="${used[k]!.color}" d="${area(s) ?? ''}"/>`;
  });
  // Bucketed, a flapping autoscaler (3, 4, 3, 4 …) drawn by its maxima is a comb of
  // verticals; a mean line inside the min–max band reads as what it is.
  const band = b.rowsPerBucket > 1 && b.desired.some((v, i) => v !== b.desiredMin[i]);
  if (band) {
    const rows2 = stepRows(b, (i) => [b.desiredMin[i] ?? null, b.desired[i] ?? null] as const);
    const bandArea = d3
      .area<{ t: number; v: readonly [number | null, number | null] }>()
      .defined((p) => p.v[0] !== null && p.v[1] !== null)
      .x((p) => x(p.t))
      .y0((p) => y(p.v[0]!))
      .y1((p) => y(p.v[1]!))
      .curve(d3.curveStepAfter)
      .digits(2);
    body += `<path class="band-desired" fill="#111" fill-opacity="0.22" d="${bandArea(rows2) ?? ''}"/>`;
  }
  body += `<path class="line-desired" fill="none" stroke="#111" stroke-width="${band ? 1 : 1.4}" d="${line(desired) ?? ''}"/>`;
  body += panelLabel('replicas', BAND, H - BAND);
  const scaleMarks = scaleMarkers(ctx);
  body += scaleMarks.svg;
  const legend = [
    ...used.map((s) => ({ label: s.label, color: s.color })),
    { label: 'desired (autoscaler)', color: '#111', kind: 'line' as const },
    ...(band ? [{ label: 'desired, min–max in bucket', color: 'rgba(17,17,17,0.22)' }] : []),
    ...(scaleMarks.up ? [{ label: 'scale up', color: SCALE_UP_COLOR, kind: 'marker' as const }] : []),
    ...(scaleMarks.down ? [{ label: 'scale down', color: SCALE_DOWN_COLOR, kind: 'marker' as const }] : []),
    ...(rules ? faultRuleLegend(ctx) : []),
  ];
  const agg = b.rowsPerBucket > 1 ? ' States are time means over each bucket; the desired line is its time mean too, the grey band the range it moved in.' : '';
  return chartFigure({
    id: chartId(ctx, 'chart-replicas'),
    title: chartTitle(ctx, 'Replicas by state and the autoscaler’s desired count'),
    legend,
    caption: `Replicas not terminating, sampled at the end of ${bucketText(ctx)}.${agg} A gap between the black line and the stack is a scale-up still cold-starting, or a scale-down waiting out its delay.`,
    height: H,
    body,
    x,
    duration: ctx.duration,
    xAxis: xAxisAt(ctx, H),
    hover: hoverId(ctx),
  });
}

const SCALE_UP_COLOR = '#006d2c';
const SCALE_DOWN_COLOR = '#08519c';

/**
 * The autoscaler's decisions that changed the replica count, as ▲ / ▼ in the strip above
 * the plot at x = scale(t), with `data-t` / `data-event` like the lane markers.
 */
function scaleMarkers(ctx: ChartContext): { svg: string; up: number; down: number } {
  const seen = new Map<string, { e: EventRow; count: number }>();
  for (const e of ctx.events) {
    if (e.event !== 'scale_up' && e.event !== 'scale_down') continue;
    const key = `${e.event}|${Math.floor(ctx.x(e.t) / SCALE_SPACING_PX)}`;
    const s = seen.get(key);
    if (s) s.count++;
    else seen.set(key, { e, count: 1 });
  }
  let svg = '';
  let up = 0;
  let down = 0;
  for (const { e, count } of seen.values()) {
    const isUp = e.event === 'scale_up';
    if (isUp) up++;
    else down++;
    const label = `${isUp ? 'scale up' : 'scale down'} ${e.from ?? '?'} → ${e.to ?? '?'} at ${formatDuration(e.t)}${e.detail ? ` (${e.detail})` : ''}`;
    const title = count > 1 ? `${label} and ${count - 1} more within ${SCALE_SPACING_PX} px` : label;
    svg += `<g class="marker scale-marker"${attrs({
      'data-t': num(e.t, 3),
      'data-event': e.event,
      'data-count': count,
      transform: `translate(${num(ctx.x(e.t), 2)},${BAND / 2})`,
    })}><path fill="${isUp ? SCALE_UP_COLOR : SCALE_DOWN_COLOR}" d="${isUp ? 'M-4,4H4L0,-4Z' : 'M-4,-4H4L0,4Z'}"/><title>${escapeHtml(title)}</title></g>`;
  }
  return { svg: `<g class="scale-markers">${svg}</g>`, up, down };
}
