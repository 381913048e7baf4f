import * as d3 from './d3.js';
import type { Config } from '../model/config.js';
import type { ChainSummary, EventRow, Summary, TimelineRow } from '../model/summary.js';
import { TimelineAggregator, type Buckets } from './aggregate.js';
import { callGraph, callGraphHtml, isChainSummary, type EdgeCount } from './call-graph.js';
import { chainOverviewChart, overviewHoverData, OVERVIEW_HOVER_ID, type OverviewLane } from './charts/chain-overview.js';
import { costChart, notServingCost } from './charts/cost.js';
import type { ChainFault, ChartContext } from './charts/context.js';
import { lanesChart } from './charts/lanes.js';
import { latencyChart } from './charts/latency.js';
import { replicasChart } from './charts/replicas.js';
import { trafficChart } from './charts/traffic.js';
import { escapeHtml } from './format.js';
import { logHeadHtml, type LogHead } from './log-head.js';
import { chainFaultTableHtml, chainHeaderHtml, chainletHeaderHtml, faultTableHtml, headerHtml } from './header.js';
import { CHAIN_CSS, CSS, SCRIPT, hoverData } from './page-assets.js';
import { replicaHistories } from './replica-history.js';
import { AxisRenderer, LAYOUT } from './svg.js';
import { timeTicks } from './time-axis.js';

export interface ReportInput<Timeline extends RowSource<TimelineRow> = TimelineRow[]> {
  /** The resolved config (trace rows omitted), for the header's settings; null when unknown. */
  config: Config | null;
  summary: Summary;
  /**
   * The timeline's rows: an array, or rows streamed from timeline.csv (read-run-dir.ts), walked
   * twice (counted, then bucketed) and never kept.
   */
  timeline: Timeline;
  events: EventRow[];
  /**
   * A chain's calls per caller → callee, counted from requests.csv's rows; null or absent when the
   * run wrote no requests.csv (the call graph then takes a callee's summary when it has one caller).
   */
  calls?: EdgeCount[] | null;
  /** The first lines of logs.txt (SPEC §13), when the run wrote it. */
  logHead?: LogHead | null;
}

export { GENERATOR_META } from './generator-meta.js';

/** Rows that can be walked, more than once: an array, or a file read again on each walk. */
export interface RowSource<Row> {
  forEach(fn: (row: Row) => void): void;
}

/** A timeline's buckets per lane (one lane for a deployment, one per chainlet in a chain), without keeping its rows. */
interface BucketedTimeline {
  /** Rows in the lanes. */
  rows: number;
  /** The last row's time (0 when none or null). */
  lastT: number;
  lanes: Map<string, { rows: number; buckets: Buckets }>;
}

const noBuckets = () => new TimelineAggregator(0, LAYOUT.plotWidth).finish();

/**
 * The timeline bucketed per lane (`laneOf` gives a row's lane, or null to leave it out): a first
 * walk counts each lane's rows (the bucket size depends on it), a second aggregates them.
 */
function bucketTimeline(timeline: RowSource<TimelineRow>, laneOf: (r: TimelineRow) => string | null): BucketedTimeline {
  const counts = new Map<string, number>();
  let lastT = 0;
  let rows = 0;
  timeline.forEach((r) => {
    lastT = r.t ?? 0;
    const lane = laneOf(r);
    if (lane === null) return;
    counts.set(lane, (counts.get(lane) ?? 0) + 1);
    rows++;
  });
  const aggregators = new Map([...counts].map(([lane, n]) => [lane, new TimelineAggregator(n, LAYOUT.plotWidth)]));
  timeline.forEach((r) => {
    const lane = laneOf(r);
    if (lane !== null) aggregators.get(lane)?.add(r);
  });
  return { rows, lastT, lanes: new Map([...aggregators].map(([lane, a]) => [lane, { rows: counts.get(lane)!, buckets: a.finish() }])) };
}

/** The ids of the charts, in page order (tests and the hover script find them by these). */
export const CHART_IDS = ['chart-traffic', 'chart-replicas', 'chart-lanes', 'chart-latency', 'chart-cost'] as const;

/**
 * The run report: one self-contained HTML document (inline CSS, server-rendered SVG, a tiny
 * hover script). Deterministic: no clock, no randomness, every SVG number at fixed
 * precision, so the same input gives a byte-identical page.
 */
export function renderReport(input: ReportInput<RowSource<TimelineRow>>): string {
  if (isChainSummary(input.summary)) return renderChainReport(input, input.summary);
  const { summary, config } = input;
  const timeline = bucketTimeline(input.timeline, () => '');
  const lastT = timeline.lastT;
  const duration = summary.duration_s > 0 ? summary.duration_s : lastT > 0 ? lastT : 1;
  const x = d3.scaleLinear().domain([0, duration]).range([0, LAYOUT.plotWidth]);
  const { unit, ticks } = timeTicks(duration);
  const buckets = timeline.lanes.get('')?.buckets ?? noBuckets();
  const ctx: ChartContext = {
    x,
    duration,
    ticks,
    unit,
    axes: new AxisRenderer(),
    buckets,
    histories: replicaHistories(input.events, duration),
    events: input.events,
    summary,
    config,
  };
  return `${pageHead(summary.scenario || config?.name || 'run', CSS)}
<body>
<main>
${headerHtml(config, summary)}
${trafficChart(ctx)}
${replicasChart(ctx)}
${lanesChart(ctx)}
${latencyChart(ctx)}
${costChart(ctx)}
${faultTableHtml(summary)}
${logHeadHtml(input.logHead)}
<footer>Generated by deploysim from summary.json, timeline.csv, events.csv, config.json and logs.txt. Time axis in ${escapeHtml(unit.label)}; ${
    timeline.rows
  } timeline rows drawn as ${buckets.n} buckets.</footer>
</main>
<div id="hover-tip" hidden></div>
<script type="application/json" id="report-data">${hoverData(buckets, notServingCost(ctx))}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/**
 * A chain's report (SPEC §12): the chain's figures and each chainlet's cost, the call graph,
 * every chainlet's requests on one time axis with every fault as a rule through them all, then
 * each chainlet's five charts (the same as a single deployment's, on the same scale), and the
 * chain's faults in one table.
 */
function renderChainReport(input: ReportInput<RowSource<TimelineRow>>, summary: ChainSummary): string {
  const config = input.config;
  const timeline = bucketTimeline(input.timeline, (r) => r.chainlet ?? null);
  const lastT = timeline.lastT;
  const duration = summary.duration_s > 0 ? summary.duration_s : lastT > 0 ? lastT : 1;
  const x = d3.scaleLinear().domain([0, duration]).range([0, LAYOUT.plotWidth]);
  const { unit, ticks } = timeTicks(duration);
  const axes = new AxisRenderer();
  const graph = callGraph(config, summary, input.calls ?? null);
  // The entrypoint first, then by call depth (the graph's columns), in the config's order within one.
  const order = [...graph.nodes].sort((a, b) => a.depth - b.depth || a.row - b.row).map((n) => n.name);
  const eventsOf = new Map<string, EventRow[]>(order.map((n) => [n, []]));
  for (const e of input.events) if (e.chainlet !== undefined) eventsOf.get(e.chainlet)?.push(e);
  const faults: ChainFault[] = input.events
    .filter((e) => e.event === 'fault' && e.chainlet !== undefined)
    .map((e) => ({ t: e.t, chainlet: e.chainlet!, replica: e.replica }));
  const callersOf = (n: string) => [...new Set(graph.edges.filter((e) => e.callee === n).map((e) => e.caller))];
  const lanes: OverviewLane[] = [];
  const sections: string[] = [];
  const hover: string[] = [];
  let rows = 0;
  let bucketsN = 0;
  for (const name of order) {
    const s = summary.chainlets[name]!;
    const events = eventsOf.get(name)!;
    const lane = timeline.lanes.get(name);
    const buckets = lane?.buckets ?? noBuckets();
    rows += lane?.rows ?? 0;
    bucketsN = Math.max(bucketsN, buckets.n);
    const ctx: ChartContext = {
      x,
      duration,
      ticks,
      unit,
      axes,
      buckets,
      histories: replicaHistories(events, duration),
      events,
      summary: s,
      config: config?.chain ? { ...config, deployment: config.chain.chainlets.find((c) => c.name === name)?.deployment ?? config.deployment } : config,
      chain: { name, faults },
    };
    lanes.push({ name, buckets, events });
    sections.push(`<section class="chainlet" id="chainlet-${escapeHtml(name)}" data-chainlet="${escapeHtml(name)}">
${chainletHeaderHtml(config, name, s, name === summary.chain.entrypoint, callersOf(name))}
${trafficChart(ctx)}
${replicasChart(ctx)}
${lanesChart(ctx)}
${latencyChart(ctx)}
${costChart(ctx)}
</section>`);
    hover.push(`<script type="application/json" id="report-data-${escapeHtml(name)}">${hoverData(buckets, notServingCost(ctx), name)}</script>`);
  }
  return `${pageHead(summary.scenario || config?.name || 'run', CSS + CHAIN_CSS)}
<body>
<main class="chain-report">
${chainHeaderHtml(config, summary, order)}
${callGraphHtml(graph)}
${chainOverviewChart({ x, duration, ticks, unit, axes }, lanes, faults)}
${chainFaultTableHtml(order.map((n) => [n, summary.chainlets[n]!]))}
${sections.join('\n')}
${logHeadHtml(input.logHead)}
<footer>Generated by deploysim from summary.json, timeline.csv, events.csv${graph.counted ? ' and requests.csv' : ''}. Time axis in ${escapeHtml(unit.label)}; ${rows} timeline rows over ${order.length} chainlets, drawn as ${bucketsN} buckets each.</footer>
</main>
<div id="hover-tip" hidden></div>
<script type="application/json" id="${OVERVIEW_HOVER_ID}">${overviewHoverData(lanes)}</script>
${hover.join('\n')}
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/** The page's head, the same for a deployment's page and a chain's (its generator meta marks it as deploysim's). */
function pageHead(name: string, css: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="deploysim">
<title>${escapeHtml(`deploysim · ${name}`)}</title>
<style>${css}</style>
</head>`;
}
