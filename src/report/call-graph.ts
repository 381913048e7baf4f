/**
 * A chain's call graph (SPEC §12) for the report: one box per chainlet (replicas, failed
 * requests, cost) and an edge per caller → callee with its call count and failures.
 *
 * An edge's calls are the callee's arrivals whose `parent` is a request of that caller (one
 * attempt is one arrival), its failures those of them that ended in a status other than 200.
 * They are counted from requests.csv's rows when the run wrote it (the same rows whether
 * counted as the run writes them or read back from the file); without it, a callee with one
 * caller takes its summary's arrived and failed, and the edges into a callee with several
 * callers have no count.
 */
import type { Config } from '../model/config.js';
import type { ChainSummary, Summary } from '../model/summary.js';
import { escapeHtml, formatCount, formatMoney, num } from './format.js';
import { attrs } from './svg.js';

/** One caller → callee pair, counted from requests.csv. */
export interface EdgeCount {
  caller: string;
  callee: string;
  /** Attempts that arrived at the callee from this caller. */
  calls: number;
  /** Of those, the ones that finished with a status other than 200. */
  failed: number;
}

/** Counts calls per caller → callee from request rows (`chainlet`, `parent` = `caller/id`, `status`). */
export class CallCounter {
  private readonly byEdge = new Map<string, EdgeCount>();

  add(chainlet: string | undefined, parent: string | undefined, status: number | null): void {
    if (!chainlet || !parent) return;
    const slash = parent.lastIndexOf('/');
    if (slash <= 0) return;
    const caller = parent.slice(0, slash);
    const key = `${caller}\u0000${chainlet}`;
    let e = this.byEdge.get(key);
    if (!e) this.byEdge.set(key, (e = { caller, callee: chainlet, calls: 0, failed: 0 }));
    e.calls++;
    if (status !== null && status !== 200) e.failed++;
  }

  /** The edges, sorted by caller then callee (deterministic whatever the rows' order). */
  edges(): EdgeCount[] {
    return [...this.byEdge.values()].sort((a, b) => cmp(a.caller, b.caller) || cmp(a.callee, b.callee));
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether a summary is a chain's (summary.json with `chain` and `chainlets`). */
export function isChainSummary(s: Summary): s is ChainSummary {
  const c = s as Partial<ChainSummary>;
  return typeof c.chain === 'object' && c.chain !== null && typeof c.chainlets === 'object' && c.chainlets !== null;
}

export interface GraphNode {
  name: string;
  summary: Summary;
  entrypoint: boolean;
  /** Longest call path from the entrypoint (0 for it): the node's column. */
  depth: number;
  /** Place in its column. */
  row: number;
  faults: number;
}

export interface GraphEdge {
  caller: string;
  callee: string;
  /** null: not known (several callers and no requests.csv). */
  calls: number | null;
  failed: number | null;
  /** Calls per caller request, from the config's steps (null without config). */
  perRequest: number | null;
  source: 'requests' | 'summary' | 'unknown';
}

export interface CallGraph {
  entrypoint: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Whether the edges were counted from requests.csv. */
  counted: boolean;
}

/** The chainlets in the config's order (else the summary's), the edges from the config's steps (else the counts). */
export function callGraph(config: Config | null, summary: ChainSummary, counts: readonly EdgeCount[] | null): CallGraph {
  const entrypoint = summary.chain.entrypoint;
  const chainCfg = config?.chain ?? null;
  const names = chainCfg ? chainCfg.chainlets.map((c) => c.name).filter((n) => summary.chainlets[n]) : Object.keys(summary.chainlets);
  for (const n of Object.keys(summary.chainlets)) if (!names.includes(n)) names.push(n);
  // Edges: each distinct callee of a chainlet's steps, with the calls its one request makes.
  const pairs = new Map<string, { caller: string; callee: string; perRequest: number | null }>();
  if (chainCfg) {
    for (const c of chainCfg.chainlets) {
      for (const s of c.steps ?? []) {
        if (s.kind !== 'call') continue;
        const key = `${c.name}\u0000${s.callee}`;
        const p = pairs.get(key);
        if (p) p.perRequest = (p.perRequest ?? 0) + s.count;
        else pairs.set(key, { caller: c.name, callee: s.callee, perRequest: s.count });
      }
    }
  }
  for (const e of counts ?? []) {
    const key = `${e.caller}\u0000${e.callee}`;
    if (!pairs.has(key)) pairs.set(key, { caller: e.caller, callee: e.callee, perRequest: null });
  }
  const callersOf = new Map<string, string[]>();
  for (const p of pairs.values()) callersOf.set(p.callee, [...(callersOf.get(p.callee) ?? []), p.caller]);
  const counted = counts !== null;
  const byKey = new Map((counts ?? []).map((e) => [`${e.caller}\u0000${e.callee}`, e]));
  const edges: GraphEdge[] = [...pairs.values()].map((p) => {
    const c = byKey.get(`${p.caller}\u0000${p.callee}`);
    if (counted) return { ...p, calls: c?.calls ?? 0, failed: c?.failed ?? 0, source: 'requests' };
    const callee = summary.chainlets[p.callee];
    if ((callersOf.get(p.callee) ?? []).length === 1 && callee) {
      return { ...p, calls: callee.requests.arrived, failed: callee.requests.failed, source: 'summary' };
    }
    return { ...p, calls: null, failed: null, source: 'unknown' };
  });
  // Depth: the longest call path from the entrypoint (the graph is acyclic, SPEC §12).
  const depth = new Map<string, number>([[entrypoint, 0]]);
  for (let pass = 0; pass < names.length; pass++) {
    let changed = false;
    for (const e of edges) {
      const d = depth.get(e.caller);
      if (d === undefined) continue;
      if ((depth.get(e.callee) ?? -1) < d + 1) {
        depth.set(e.callee, d + 1);
        changed = true;
      }
    }
    if (!changed) break;
  }
  const maxDepth = Math.max(0, ...depth.values());
  const perColumn = new Map<number, number>();
  const nodes: GraphNode[] = names.map((name) => {
    const d = depth.get(name) ?? maxDepth + 1; // unreachable: a column of its own after the rest
    const row = perColumn.get(d) ?? 0;
    perColumn.set(d, row + 1);
    const s = summary.chainlets[name]!;
    return { name, summary: s, entrypoint: name === entrypoint, depth: d, row, faults: s.health?.faults?.length ?? 0 };
  });
  return { entrypoint, nodes, edges, counted };
}

const BOX_W = 236;
const BOX_H = 92;
const ROW_GAP = 26;
const WIDTH = 1100;
const PAD = 16;

/** The call graph as an SVG figure: boxes in columns by call depth, edges with their counts. */
export function callGraphHtml(g: CallGraph): string {
  const columns = Math.max(1, ...g.nodes.map((n) => n.depth + 1));
  const rowsIn = (d: number) => g.nodes.filter((n) => n.depth === d).length;
  const maxRows = Math.max(1, ...g.nodes.map((n) => rowsIn(n.depth)));
  const height = PAD * 2 + maxRows * BOX_H + (maxRows - 1) * ROW_GAP;
  // Columns spread over the width; a column's boxes centred vertically.
  const colX = (d: number) => (columns === 1 ? (WIDTH - BOX_W) / 2 : PAD + (d * (WIDTH - 2 * PAD - BOX_W)) / (columns - 1));
  const pos = new Map<string, { x: number; y: number }>();
  for (const n of g.nodes) {
    const k = rowsIn(n.depth);
    const colH = k * BOX_H + (k - 1) * ROW_GAP;
    pos.set(n.name, { x: colX(n.depth), y: (height - colH) / 2 + n.row * (BOX_H + ROW_GAP) });
  }
  let edgesSvg = '';
  let labelsSvg = '';
  for (const e of g.edges) {
    const a = pos.get(e.caller);
    const b = pos.get(e.callee);
    if (!a || !b) continue;
    const x1 = a.x + BOX_W;
    const y1 = a.y + BOX_H / 2;
    const x2 = b.x - 2;
    const y2 = b.y + BOX_H / 2;
    const mx = (x1 + x2) / 2;
    const bad = (e.failed ?? 0) > 0;
    const d = `M${num(x1, 1)},${num(y1, 1)}C${num(mx, 1)},${num(y1, 1)} ${num(mx, 1)},${num(y2, 1)} ${num(x2, 1)},${num(y2, 1)}`;
    const label = e.calls === null ? 'calls: see requests.csv' : `${formatCount(e.calls)} call${e.calls === 1 ? '' : 's'}`;
    const fail = e.failed === null ? '' : `${formatCount(e.failed)} failed`;
    const per = e.perRequest !== null ? ` (${e.perRequest} per request)` : '';
    const title = `${e.caller} → ${e.callee}: ${label}${fail ? `, ${fail}` : ''}${per}${e.source === 'summary' ? ' (from the callee’s summary: its only caller)' : ''}`;
    edgesSvg += `<g class="edge${bad ? ' edge-failed' : ''}"${attrs({ 'data-caller': e.caller, 'data-callee': e.callee, 'data-calls': e.calls ?? '', 'data-failed': e.failed ?? '' })}><title>${escapeHtml(title)}</title><path fill="none" stroke="${bad ? '#b10026' : '#777'}" stroke-width="${bad ? 2 : 1.5}" marker-end="url(#cg-arrow${bad ? '-bad' : ''})" d="${d}"/></g>`;
    // The label sits above the edge's last stretch, level into the callee, where edges from one caller have fanned out.
    const lx = x2 - 14;
    const ly = y2 - 8;
    labelsSvg += `<g class="edge-label"${attrs({ transform: `translate(${num(lx, 1)},${num(ly, 1)})` })}><text text-anchor="end" y="-14" class="cg-calls">${escapeHtml(label)}${
      per && e.calls !== null ? `<tspan class="cg-per">${escapeHtml(` · ${e.perRequest} per request`)}</tspan>` : ''
    }</text>${fail ? `<text text-anchor="end" y="0" class="cg-fail${bad ? ' bad' : ''}">${escapeHtml(fail)}</text>` : ''}</g>`;
  }
  let boxes = '';
  for (const n of g.nodes) {
    const p = pos.get(n.name)!;
    const s = n.summary;
    const failed = s.requests.failed;
    const warn = s.replicas.traffic_stops > 0 || s.replicas.restarts > 0 || n.faults > 0;
    const health = [
      n.faults > 0 ? `${formatCount(n.faults)} fault${n.faults === 1 ? '' : 's'}` : '',
      s.replicas.traffic_stops > 0 ? `${formatCount(s.replicas.traffic_stops)} traffic stop${s.replicas.traffic_stops === 1 ? '' : 's'}` : '',
      s.replicas.restarts > 0 ? `${formatCount(s.replicas.restarts)} restart${s.replicas.restarts === 1 ? '' : 's'}` : '',
    ]
      .filter(Boolean)
      .join(' · ');
    const lines: [string, string][] = [
      [`replicas ${formatCount(s.replicas.peak)} peak · ${num(s.replicas.mean, 2)} mean`, 'cg-line'],
      [`${formatCount(s.requests.arrived)} requests · ${formatCount(failed)} failed`, failed > 0 ? 'cg-line bad' : 'cg-line'],
      [`${formatMoney(s.billing.cost)} · ${formatCount(s.billing.billed_minutes)} billed min`, 'cg-line'],
      [health || 'no faults, stops or restarts', health ? 'cg-line warn' : 'cg-line quiet'],
    ];
    const text = lines.map(([t, cls], i) => `<text class="${cls}"${attrs({ x: 10, y: 38 + i * 15 })}>${escapeHtml(t)}</text>`).join('');
    boxes += `<a href="#chainlet-${escapeHtml(n.name)}"><g class="cg-node${n.entrypoint ? ' entrypoint' : ''}"${attrs({
      'data-chainlet': n.name,
      'data-peak': s.replicas.peak,
      'data-mean': num(s.replicas.mean, 2),
      'data-failed': failed,
      'data-cost': num(s.billing.cost, 4),
      transform: `translate(${num(p.x, 1)},${num(p.y, 1)})`,
    })}><rect width="${BOX_W}" height="${BOX_H}" rx="6" fill="#fff" stroke="${warn ? '#a63603' : n.entrypoint ? '#08519c' : '#999'}" stroke-width="${n.entrypoint || warn ? 2 : 1}"/><text class="cg-name" x="10" y="20">${escapeHtml(n.name)}${
      n.entrypoint ? '<tspan class="cg-tag" dx="8">entrypoint</tspan>' : ''
    }</text>${text}</g></a>`;
  }
  const defs = `<defs>${[
    ['cg-arrow', '#777'],
    ['cg-arrow-bad', '#b10026'],
  ]
    .map(
      ([id, c]) =>
        `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0L10,5L0,10Z" fill="${c}"/></marker>`,
    )
    .join('')}</defs>`;
  const how = g.counted
    ? 'counted from requests.csv: the callee’s arrivals (one per attempt) whose parent is a request of the caller, and those of them that failed'
    : g.edges.some((e) => e.source === 'unknown')
      ? 'from the callee’s summary where it has one caller (its arrivals and failures); a callee with several callers needs requests.csv (output.requests: true) to split its calls'
      : 'from the callee’s summary, its only caller’s calls (its arrivals, one per attempt, and failures)';
  return `<figure class="chart-figure" id="fig-call-graph">
<h2>Call graph</h2>
<svg id="call-graph" class="call-graph" xmlns="http://www.w3.org/2000/svg"${attrs({
    viewBox: `0 0 ${WIDTH} ${num(height, 0)}`,
    width: WIDTH,
    height: num(height, 0),
    role: 'img',
    'aria-label': 'Call graph',
  })}>
${defs}<g class="edges">${edgesSvg}</g><g class="nodes">${boxes}</g><g class="edge-labels">${labelsSvg}</g>
</svg>
<p class="caption">Each box is a chainlet: its replicas (peak and time mean), its requests (calls, for all but the entrypoint) and how many failed, its cost. Edges go caller → callee; their numbers are ${how}. Click a box for its charts.</p>
</figure>`;
}
