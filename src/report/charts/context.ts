import * as d3 from 'd3';
import type { Config } from '../../model/config.js';
import type { EventRow, Summary } from '../../model/summary.js';
import type { Buckets } from '../aggregate.js';
import type { ReplicaHistory } from '../replica-history.js';
import { AxisRenderer, LAYOUT, type XScale } from '../svg.js';
import { formatTick, type TimeUnit } from '../time-axis.js';

/** Everything a chart needs, built once per report. */
export interface ChartContext {
  /** The one time scale: seconds → x in plot coordinates. */
  x: XScale;
  duration: number;
  ticks: number[];
  unit: TimeUnit;
  axes: AxisRenderer;
  buckets: Buckets;
  histories: ReplicaHistory[];
  events: readonly EventRow[];
  summary: Summary;
  config: Config | null;
}

/** The shared time axis at the bottom of a plot of height `h`. */
export function xAxisAt(ctx: ChartContext, h: number): string {
  const axis = d3
    .axisBottom<number>(ctx.x)
    .tickValues(ctx.ticks)
    .tickFormat((t) => formatTick(t, ctx.unit))
    .tickSizeOuter(0);
  return ctx.axes.render(axis, 'axis axis-x', `translate(0,${h})`);
}

export const PLOT_WIDTH = LAYOUT.plotWidth;

/**
 * A bucketed series as points for `curveStepAfter`: one point at each bucket's start, and a
 * last point at the final bucket's end so the last step has its width.
 */
export function stepRows<T>(b: Buckets, row: (i: number) => T): { t: number; v: T }[] {
  const out: { t: number; v: T }[] = [];
  for (let i = 0; i < b.n; i++) out.push({ t: b.t0[i]!, v: row(i) });
  if (b.n > 0) out.push({ t: b.t1[b.n - 1]!, v: row(b.n - 1) });
  return out;
}

/** Per-second rate of a bucketed counter. */
export function rate(b: Buckets, values: number[], i: number): number {
  const dt = b.t1[i]! - b.t0[i]!;
  return dt > 0 ? values[i]! / dt : 0;
}

/** Faint vertical rules at fault times (one per pixel, at most 200), so every chart shows when faults hit. */
export function faultRules(ctx: ChartContext, h: number): string {
  const xs = new Set<number>();
  for (const e of ctx.events) {
    if (e.event !== 'fault') continue;
    xs.add(Math.round(ctx.x(e.t)));
    if (xs.size >= 200) break;
  }
  if (xs.size === 0) return '';
  const lines = [...xs].map((x) => `<line x1="${x}" x2="${x}" y1="0" y2="${h}"/>`).join('');
  return `<g class="fault-rules" stroke="#b10026" stroke-opacity="0.45" stroke-dasharray="2,3" stroke-width="1">${lines}</g>`;
}

export const FAULT_RULE_LEGEND = { label: 'fault', color: '#b10026', kind: 'dash' as const };
