import * as d3 from '../d3.js';
import type { EventRow } from '../../model/summary.js';
import type { Buckets } from '../aggregate.js';
import { escapeHtml, formatDuration, num } from '../format.js';
import { hoverJson, type Kind } from '../page-assets.js';
import { attrs, axisNumber, chartFigure, headroom, timeGrid, yAxisWithGrid, type AxisRenderer, type XScale } from '../svg.js';
import type { TimeUnit } from '../time-axis.js';
import { rate, stepRows, xAxisAt, type ChainFault } from './context.js';
import { MARKERS } from './lanes.js';

/** One chainlet's row of the overview. */
export interface OverviewLane {
  name: string;
  buckets: Buckets;
  events: readonly EventRow[];
}

const PANEL = 62;
/** Above each panel: the chainlet's name and its event strip. */
const HEAD = 30;
const MARKER_SPACING_PX = 6;
const MARKER_ORDER = ['restart', 'traffic_stopped', 'fault'] as const;

export const OVERVIEW_ID = 'chart-chain';
export const OVERVIEW_HOVER_ID = 'report-data-chain';

/**
 * The chain on one time axis: per chainlet, requests/s (arrivals, and completions split into
 * succeeded and failed) with its faults, traffic stops and restarts above, and every fault of
 * the chain as a rule through all the rows, so a fault in one chainlet and what it does to
 * its callers (failures, a traffic stop) read on one vertical line.
 */
export function chainOverviewChart(
  base: { x: XScale; duration: number; ticks: number[]; unit: TimeUnit; axes: AxisRenderer },
  lanes: readonly OverviewLane[],
  faults: readonly ChainFault[],
): string {
  const x = base.x;
  const h = lanes.length * (HEAD + PANEL);
  let body = timeGrid(x, base.ticks, h);
  lanes.forEach((lane, k) => {
    const top = k * (HEAD + PANEL) + HEAD;
    const b = lane.buckets;
    const arrivals = stepRows(b, (i) => rate(b, b.arrivals, i));
    const succeeded = stepRows(b, (i) => rate(b, b.succeeded, i));
    const failed = stepRows(b, (i) => rate(b, b.failed, i));
    const maxY = Math.max(d3.max(arrivals, (p) => p.v) ?? 0, d3.max(succeeded, (p, i) => p.v + failed[i]!.v) ?? 0) || 1;
    const y = d3.scaleLinear().domain([0, headroom(maxY)]).nice(2).range([top + PANEL, top]);
    const area = (lo: (i: number) => number, hi: (i: number) => number) =>
      d3
        .area<{ t: number; v: number }>()
        .x((p) => x(p.t))
        .y0((_, i) => y(lo(i)))
        .y1((_, i) => y(hi(i)))
        .curve(d3.curveStepAfter)
        .digits(2);
    const line = d3
      .line<{ t: number; v: number }>()
      .x((p) => x(p.t))
      .y((p) => y(p.v))
      .curve(d3.curveStepAfter)
      .digits(2);
    body += `<g class="chain-lane" data-chainlet="${escapeHtml(lane.name)}">`;
    body += `<text class="chain-lane-name"${attrs({ x: 0, y: top - HEAD + 13 })}><a href="#chainlet-${escapeHtml(lane.name)}">${escapeHtml(lane.name)}</a></text>`;
    body += yAxisWithGrid(base.axes, y, y.ticks(2), axisNumber, x.range()[1]!);
    body += `<path class="area-succeeded" fill="#74c476" fill-opacity="0.55" d="${area(() => 0, (i) => succeeded[i]!.v)(succeeded) ?? ''}"/>`;
    if (failed.some((p) => p.v > 0)) {
      body += `<path class="area-failed" fill="#d62728" d="${area((i) => succeeded[i]!.v, (i) => succeeded[i]!.v + failed[i]!.v)(failed) ?? ''}"/>`;
    }
    body += `<path class="line-arrivals" fill="none" stroke="#08519c" stroke-width="1.2" d="${line(arrivals) ?? ''}"/>`;
    body += `<line class="chain-lane-base" stroke="#bbb"${attrs({ x1: 0, x2: x.range()[1]!, y1: top + PANEL, y2: top + PANEL })}/>`;
    body += laneMarkers(x, lane.events, top - 9);
    body += '</g>';
  });
  // Every fault of the chain through every row.
  const seen = new Set<string>();
  let rules = '';
  for (const f of faults) {
    const px = Math.round(x(f.t));
    const key = `${f.chainlet}|${px}`;
    if (seen.has(key) || seen.size >= 200) continue;
    seen.add(key);
    rules += `<line${attrs({ x1: px, x2: px, y1: 0, y2: h })}><title>${escapeHtml(`fault in ${f.chainlet}${f.replica === null ? '' : ` r${f.replica}`} at ${formatDuration(f.t)}`)}</title></line>`;
  }
  if (rules) body += `<g class="fault-rules chain-fault-rules" stroke="#b10026" stroke-opacity="0.55" stroke-dasharray="3,3" stroke-width="1">${rules}</g>`;
  return chartFigure({
    id: OVERVIEW_ID,
    title: 'The chain on one time axis',
    legend: [
      { label: 'arrivals/s', color: '#08519c', kind: 'line' },
      { label: 'succeeded/s', color: '#74c476' },
      { label: 'failed/s', color: '#d62728' },
      ...MARKER_ORDER.slice()
        .reverse()
        .map((k) => ({ label: MARKERS[k].label, color: MARKERS[k].color, kind: 'marker' as const })),
      ...(rules ? [{ label: 'fault (any chainlet)', color: '#b10026', kind: 'dash' as const }] : []),
    ],
    caption:
      'Each row is a chainlet (the entrypoint first, then its callees by call depth): requests per second, arriving (line) and ending (green succeeded, red failed, stacked), each row on its own scale; above it, its faults, traffic stops and restarts. A fault’s dashed rule crosses every row: failures and traffic stops in its callers at the same x are its cascade. Each chainlet’s full charts follow below.',
    height: h,
    body,
    x,
    duration: base.duration,
    xAxis: xAxisAt(base, h),
    hover: OVERVIEW_HOVER_ID,
  });
}

/** A chainlet's fault / traffic-stop / restart markers on one line at `y`, one per kind within a few pixels. */
function laneMarkers(x: XScale, events: readonly EventRow[], y: number): string {
  const seen = new Map<string, { e: EventRow; count: number }>();
  for (const e of events) {
    if (!(e.event in MARKERS)) continue;
    const key = `${e.event}|${Math.floor(x(e.t) / MARKER_SPACING_PX)}`;
    const s = seen.get(key);
    if (s) s.count++;
    else seen.set(key, { e, count: 1 });
  }
  let out = '';
  for (const ev of MARKER_ORDER) {
    for (const { e, count } of seen.values()) {
      if (e.event !== ev) continue;
      const m = MARKERS[ev];
      const who = e.replica === null ? '' : ` r${e.replica}`;
      const label = `${ev.replace('_', ' ')}${who} at ${formatDuration(e.t)}${count > 1 ? ` and ${count - 1} more` : ''}`;
      out += `<g class="marker"${attrs({ 'data-t': num(e.t, 3), 'data-event': ev, transform: `translate(${num(x(e.t), 2)},${num(y, 2)}) scale(0.8)` })}><path fill="${m.color}" stroke="#fff" stroke-width="0.8" d="${m.path}"/><title>${escapeHtml(label)}</title></g>`;
    }
  }
  return `<g class="markers">${out}</g>`;
}

/** The overview's hover block: per chainlet, arrivals, failures and routable replicas per bucket. */
export function overviewHoverData(lanes: readonly OverviewLane[]): string {
  const first = lanes[0]?.buckets;
  const r = (xs: number[], d = 3) => xs.map((v) => Number(num(v, d)));
  const perSecond = (b: Buckets, xs: number[]) => xs.map((_, i) => rate(b, xs, i));
  const fields: [string, Kind, (number | null)[]][] = [];
  for (const l of lanes) {
    const b = l.buckets;
    fields.push([`${l.name} arrivals/s`, 'rate', r(perSecond(b, b.arrivals))]);
    fields.push([`  failed/s`, 'rate', r(perSecond(b, b.failed))]);
    fields.push([`  routable`, 'mean', r(b.routable, 2)]);
  }
  return hoverJson(first ?? { t0: [], t1: [] }, fields, 'every chainlet');
}
