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
  /** In a chain: this chainlet's name and every chainlet's faults, so each chart marks them all on one time axis. */
  chain?: { name: string; faults: readonly ChainFault[] } | null;
}

/** A fault anywhere in a chain, for the shared vertical rules. */
export interface ChainFault {
  t: number;
  chainlet: string;
  replica: number | null;
}

/** A chart's element id: `chart-traffic`, or `chart-traffic-LLM` for a chainlet's (names are ids: SPEC §12's NAME). */
export function chartId(ctx: ChartContext, base: string): string {
  return ctx.chain ? `${base}-${ctx.chain.name}` : base;
}

/** The hover data block of a chainlet's charts (none for a single deployment: #report-data). */
export function hoverId(ctx: ChartContext): string | undefined {
  return ctx.chain ? `report-data-${ctx.chain.name}` : undefined;
}

/** A chart's title, after the chainlet's name in a chain. */
export function chartTitle(ctx: ChartContext, title: string): string {
  return ctx.chain ? `${ctx.chain.name} · ${title}` : title;
}

/** The shared time axis at the bottom of a plot of height `h`. */
export function xAxisAt(ctx: Pick<ChartContext, 'x' | 'ticks' | 'unit' | 'axes'>, h: number): string {
  return ctx.axes.render({ orient: 'bottom', scale: ctx.x, tickValues: ctx.ticks, format: (t) => formatTick(t, ctx.unit) }, 'axis axis-x', `translate(0,${h})`);
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
  if (ctx.chain) return chainFaultRules(ctx, ctx.chain, h, true);
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

/** In a chain, a fault of another chainlet: the same place on the time axis in every chainlet's charts. */
export const OTHER_FAULT_COLOR = '#6a51a3';

/**
 * A chain's fault rules in one chainlet's chart: its own faults as in a single deployment's
 * charts (unless `own` is false: the lanes mark them already), every other chainlet's in purple,
 * so a fault and the stops it causes downstream or upstream line up across the page.
 */
export function chainFaultRules(ctx: ChartContext, chain: NonNullable<ChartContext['chain']>, h: number, own: boolean): string {
  const mine = new Set<number>();
  const others = new Set<number>();
  for (const f of chain.faults) {
    const set = f.chainlet === chain.name ? mine : others;
    if (set.size < 200) set.add(Math.round(ctx.x(f.t)));
  }
  const group = (xs: Set<number>, cls: string, color: string, dash: string, opacity: string) =>
    xs.size === 0
      ? ''
      : `<g class="${cls}" stroke="${color}" stroke-opacity="${opacity}" stroke-dasharray="${dash}" stroke-width="1">${[...xs]
          .map((x) => `<line x1="${x}" x2="${x}" y1="0" y2="${h}"/>`)
          .join('')}</g>`;
  return (own ? group(mine, 'fault-rules', '#b10026', '2,3', '0.45') : '') + group(others, 'fault-rules fault-rules-other', OTHER_FAULT_COLOR, '5,3', '0.6');
}

/** The legend entries for a chart's fault rules: own faults, and other chainlets' (named) in a chain. */
export function faultRuleLegend(ctx: ChartContext, own = true): { label: string; color: string; kind: 'dash' }[] {
  if (!ctx.chain) return ctx.events.some((e) => e.event === 'fault') ? [FAULT_RULE_LEGEND] : [];
  const name = ctx.chain.name;
  const others = [...new Set(ctx.chain.faults.filter((f) => f.chainlet !== name).map((f) => f.chainlet))];
  const out: { label: string; color: string; kind: 'dash' }[] = [];
  if (own && ctx.chain.faults.some((f) => f.chainlet === name)) out.push(FAULT_RULE_LEGEND);
  if (others.length > 0) out.push({ label: `fault in ${others.join(', ')}`, color: OTHER_FAULT_COLOR, kind: 'dash' });
  return out;
}
