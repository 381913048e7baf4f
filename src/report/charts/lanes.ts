import type { EventRow } from '../../model/summary.js';
import { escapeHtml, formatDuration, num } from '../format.js';
import { assignLanes, type ReplicaHistory, type SpanKind } from '../replica-history.js';
import { attrs, chartFigure, emptyNote, timeGrid, type XScale } from '../svg.js';
import { STATE_COLORS } from './replicas.js';
import { chainFaultRules, chartId, chartTitle, hoverId, faultRuleLegend, PLOT_WIDTH, xAxisAt, type ChartContext } from './context.js';

const KINDS: SpanKind[] = ['scheduling', 'pulling', 'loading', 'waiting', 'routable', 'stopped', 'backoff', 'terminating', 'other'];
/** When two states cover a pixel equally, the more alarming one shows. */
const SEVERITY: Readonly<Record<SpanKind, number>> = {
  backoff: 8,
  stopped: 7,
  loading: 6,
  waiting: 5,
  terminating: 4,
  pulling: 3,
  scheduling: 2,
  other: 1,
  routable: 0,
};
const LABELS: Readonly<Record<SpanKind, string>> = {
  scheduling: 'scheduling',
  pulling: 'image pull',
  loading: 'loading',
  waiting: 'ready, awaiting first check',
  routable: 'routable',
  stopped: 'traffic-stopped',
  backoff: 'backoff',
  terminating: 'terminating',
  other: 'other',
};

export const MARKERS = {
  // Drawn about the lane's centre line at the event's x: the fault's tip, the stop bar's
  // middle and the restart dot's centre are at (x(t), centre).
  fault: { label: 'fault', color: '#b10026', path: 'M-5.5,-9H5.5L0,0Z' },
  traffic_stopped: { label: 'traffic stopped', color: '#000000', path: 'M-1.3,-7.5H1.3V7.5H-1.3Z' },
  restart: { label: 'restart', color: '#54278f', path: 'M4,0A4,4,0,1,1,-4,0A4,4,0,1,1,4,0Z' },
} as const;
type MarkerEvent = keyof typeof MARKERS;
const MARKER_ORDER: MarkerEvent[] = ['restart', 'traffic_stopped', 'fault'];

/** Up to this many lanes (one per replica); more replicas share lanes, more lanes share rows. */
const MAX_LANES_ONE_EACH = 40;
const MAX_ROWS = 120;
/** Markers of one kind on one row closer than this merge into the first. */
const MARKER_SPACING_PX = 8;
/** At most this many markers in the chart (each is ~200 bytes with its title). */
const MAX_MARKERS = 3000;

/** One marker per event kind, row and `spacing`-pixel cell: the first event there, and how many it stands for. */
function mergeMarkers(
  events: readonly EventRow[],
  x: XScale,
  rowOf: (e: EventRow) => number,
  spacing: number,
): Map<string, { e: EventRow; count: number }> {
  const seen = new Map<string, { e: EventRow; count: number }>();
  for (const e of events) {
    const key = `${e.event}|${rowOf(e)}|${Math.floor(x(e.t) / spacing)}`;
    const s = seen.get(key);
    if (s) s.count++;
    else seen.set(key, { e, count: 1 });
  }
  return seen;
}

interface Row {
  label: string;
  title: string;
  histories: ReplicaHistory[];
}

/**
 * Rows of the Gantt: one per replica up to 40; past that, replicas that never overlap share a
 * lane; past 120 lanes, adjacent lanes merge into one row (the dominant state per pixel).
 */
export function laneRows(histories: readonly ReplicaHistory[]): Row[] {
  const lanes = assignLanes(histories, MAX_LANES_ONE_EACH);
  const per = Math.ceil(lanes.length / MAX_ROWS);
  const rows: Row[] = [];
  for (let k = 0; k < lanes.length; k += per) {
    const group = lanes.slice(k, k + per);
    const hs = group.flat().sort((a, b) => a.id - b.id);
    const ids = hs.map((h) => `r${h.id}`);
    const label =
      per > 1 ? `lanes ${k + 1}–${k + group.length}` : hs.length === 1 ? ids[0]! : `${ids[0]} +${hs.length - 1}`;
    const title = ids.length <= 12 ? ids.join(', ') : `${ids.slice(0, 12).join(', ')} … (${ids.length} replicas)`;
    rows.push({ label, title, histories: hs });
  }
  return rows;
}

export interface PixelRun {
  x0: number;
  x1: number;
  kind: SpanKind;
}

/**
 * A row's spans at pixel resolution: each pixel column takes the state covering most of it
 * (ties to the more alarming state), and runs of equal columns become one rect. A week's
 * thousand short restarts thus draw as at most one rect per pixel, never one per span.
 * `worst` marks the columns where a more alarming state was present but not dominant (a
 * minute of back-off in a ten-minute pixel), so a crash loop never averages away.
 */
export function rasterize(histories: readonly ReplicaHistory[], x: XScale, width: number): { main: PixelRun[]; worst: PixelRun[] } {
  const K = KINDS.length;
  const cover = new Float64Array(width * K);
  const idx = new Map(KINDS.map((k, i) => [k, i]));
  for (const h of histories) {
    for (const s of h.spans) {
      const a = Math.max(0, x(s.t0));
      const b = Math.min(width, x(s.t1));
      if (!(b > a)) continue;
      const ki = idx.get(s.kind)!;
      const c1 = Math.min(width - 1, Math.ceil(b) - 1);
      for (let c = Math.floor(a); c <= c1; c++) {
        const ov = Math.min(b, c + 1) - Math.max(a, c);
        if (ov > 0) cover[c * K + ki]! += ov;
      }
    }
  }
  const main: PixelRun[] = [];
  const worstRuns: PixelRun[] = [];
  const push = (runs: PixelRun[], c: number, kind: SpanKind) => {
    const last = runs[runs.length - 1];
    if (last && last.kind === kind && last.x1 === c) last.x1 = c + 1;
    else runs.push({ x0: c, x1: c + 1, kind });
  };
  for (let c = 0; c < width; c++) {
    let best = -1;
    let worst = -1;
    for (let k = 0; k < K; k++) {
      const v = cover[c * K + k]!;
      if (v <= 1e-9) continue;
      if (worst === -1 || SEVERITY[KINDS[k]!] > SEVERITY[KINDS[worst]!]) worst = k;
      if (best === -1) {
        best = k;
        continue;
      }
      const bv = cover[c * K + best]!;
      if (v > bv + 1e-9 || (Math.abs(v - bv) <= 1e-9 && SEVERITY[KINDS[k]!] > SEVERITY[KINDS[best]!])) best = k;
    }
    if (best === -1) continue;
    push(main, c, KINDS[best]!);
    if (worst !== best && SEVERITY[KINDS[worst]!] >= SEVERITY.loading) push(worstRuns, c, KINDS[worst]!);
  }
  return { main, worst: worstRuns };
}

/**
 * Pixel runs as one path per state (rectangles as `M x,y h w v h h -w z`): a lane of a
 * thousand one-pixel runs costs ~16 bytes each instead of a <rect> element's ~60.
 */
function runsAsPaths(runs: readonly PixelRun[], y: number, h: number, className: string): string {
  const byKind = new Map<SpanKind, string>();
  for (const r of runs) {
    byKind.set(r.kind, (byKind.get(r.kind) ?? '') + `M${r.x0},${num(y, 2)}h${r.x1 - r.x0}v${num(h, 2)}h${r.x0 - r.x1}z`);
  }
  let out = '';
  for (const k of KINDS) {
    const d = byKind.get(k);
    if (d) out += `<path${className ? ` class="${className}"` : ''} data-state="${k}" fill="${STATE_COLORS[k]}" d="${d}"/>`;
  }
  return out;
}

function eventLabel(e: EventRow): string {
  const who = e.replica === null ? 'deployment' : `r${e.replica}`;
  const detail = e.detail ? ` (${e.detail})` : '';
  return `${e.event.replace('_', ' ')} · ${who} · ${formatDuration(e.t)}${detail}`;
}

/** The id of a marker shape: one set per lanes chart (a chain's page has one per chainlet). */
function markerId(ctx: ChartContext, k: MarkerEvent): string {
  return ctx.chain ? `marker-${k}-${ctx.chain.name}` : `marker-${k}`;
}

/** Chart 3: one lane per replica, its states over time, with fault / traffic-stop / restart markers. */
export function lanesChart(ctx: ChartContext): string {
  const x = ctx.x;
  const rows = laneRows(ctx.histories);
  const rowOf = new Map<number, number>();
  rows.forEach((r, i) => r.histories.forEach((h) => rowOf.set(h.id, i)));
  const markerEvents = ctx.events.filter((e) => e.event in MARKERS) as (EventRow & { event: MarkerEvent })[];
  const hasDeploymentRow = markerEvents.some((e) => e.replica === null || !rowOf.has(e.replica));
  const pitch = rows.length <= MAX_LANES_ONE_EACH ? 20 : Math.max(4, Math.floor(600 / rows.length));
  const laneH = pitch >= 10 ? pitch - 5 : pitch - 1;
  const top = hasDeploymentRow ? pitch : 0;
  const h = Math.max(top + rows.length * pitch, 40);
  const rowY = (i: number) => top + i * pitch;
  const showEvery = pitch >= 12 ? 1 : Math.ceil(12 / pitch);

  let body = timeGrid(x, ctx.ticks, h);
  // In a chain, other chainlets' faults cross the lanes too (this chainlet's own are the lane markers).
  const otherRules = ctx.chain ? chainFaultRules(ctx, ctx.chain, h, false) : '';
  body += otherRules;
  if (rows.length === 0) body += emptyNote('no replica events', PLOT_WIDTH, h / 2 + 4);
  const used = new Set<SpanKind>();
  rows.forEach((row, i) => {
    const y = rowY(i);
    const { main, worst } = rasterize(row.histories, x, PLOT_WIDTH);
    const stripH = Math.max(1, Math.round(laneH * 0.4));
    for (const r of [...main, ...worst]) used.add(r.kind);
    const shapes = runsAsPaths(main, y, laneH, '') + runsAsPaths(worst, y + laneH - stripH, stripH, 'worst');
    body += `<g class="lane" data-lane="${i}"><title>${escapeHtml(row.title)}</title>${shapes}</g>`;
    if (i % showEvery === 0) {
      body += `<text class="lane-label" text-anchor="end"${attrs({ x: -6, y: y + laneH / 2 + 3.5 })}>${escapeHtml(row.label)}</text>`;
    }
  });
  if (hasDeploymentRow) {
    body += `<text class="lane-label" text-anchor="end"${attrs({ x: -6, y: laneH / 2 + 3.5 })}>other</text>`;
  }

  // Markers: x = the event's t through the shared scale; at most one per row and kind within a
  // marker's width (the first event there; the title counts the rest), so a crash loop's
  // hundreds of restarts do not paint over the lane they are about. Should that still leave
  // more than MAX_MARKERS (a week of crash loops on a hundred replicas), the spacing doubles
  // until it does not, to keep the file small.
  const rowOfEvent = (e: EventRow) => (e.replica !== null && rowOf.has(e.replica) ? rowOf.get(e.replica)! : -1);
  let spacing = MARKER_SPACING_PX;
  let seen = mergeMarkers(markerEvents, x, rowOfEvent, spacing);
  while (seen.size > MAX_MARKERS) {
    spacing *= 2;
    seen = mergeMarkers(markerEvents, x, rowOfEvent, spacing);
  }
  // Marker shapes are defined once (scaled to the lane pitch) and placed with <use>.
  const scale = pitch >= 16 ? 1 : Math.max(0.45, pitch / 16);
  body += `<defs>${MARKER_ORDER.map(
    (k) =>
      `<path id="${markerId(ctx, k)}" fill="${MARKERS[k].color}" stroke="#fff" stroke-width="0.8" d="${MARKERS[k].path}"${
        scale !== 1 ? ` transform="scale(${num(scale, 2)})"` : ''
      }/>`,
  ).join('')}</defs>`;
  for (const ev of MARKER_ORDER) {
    let g = '';
    for (const [key, { e, count }] of seen) {
      if (e.event !== ev) continue;
      const row = Number(key.split('|')[1]);
      const y = (row === -1 ? 0 : rowY(row)) + laneH / 2;
      const m = MARKERS[ev];
      const title = count > 1 ? `${eventLabel(e)} and ${count - 1} more within ${spacing} px` : eventLabel(e);
      g += `<g class="marker"${attrs({
        'data-t': num(e.t, 3),
        'data-event': e.event,
        'data-replica': e.replica === null ? 'deployment' : String(e.replica),
        'data-count': count,
        transform: `translate(${num(x(e.t), 2)},${num(y, 2)})`,
      })}><use href="#${markerId(ctx, ev)}"/><title>${escapeHtml(title)}</title></g>`;
    }
    body += `<g class="markers markers-${ev}">${g}</g>`;
  }

  const packed = rows.length < ctx.histories.length;
  const legend = [
    ...KINDS.filter((k) => used.has(k)).map((k) => ({ label: LABELS[k], color: STATE_COLORS[k] })),
    ...MARKER_ORDER.slice()
      .reverse()
      .map((k) => ({ label: MARKERS[k].label, color: MARKERS[k].color, kind: 'marker' as const })),
    ...(otherRules ? faultRuleLegend(ctx, false) : []),
  ];
  return chartFigure({
    id: chartId(ctx, 'chart-lanes'),
    title: chartTitle(ctx, 'Replica lanes'),
    legend,
    caption: `${ctx.histories.length} replica${ctx.histories.length === 1 ? '' : 's'} created${
      packed ? `, packed into ${rows.length} rows (replicas that never overlap share a lane)` : ', one lane each'
    }. Each pixel shows the state that covered most of it; a strip along a lane’s lower edge shows a more alarming state that was there too (a back-off shorter than a pixel). Markers sit at the event’s exact time; hover one for details.`,
    height: h,
    body,
    x,
    duration: ctx.duration,
    xAxis: xAxisAt(ctx, h),
    hover: hoverId(ctx),
  });
}
