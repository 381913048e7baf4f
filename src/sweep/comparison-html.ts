/**
 * comparison.html: a self-contained page (inline SVG drawn with d3 on a jsdom document, inline
 * CSS, no script, no network). Main chart: mean failed requests vs mean cost per variant with
 * 95 % CI bars and the Pareto front; then one small chart per metric (mean and CI per variant,
 * the baseline's mean as a dashed line). Coordinates are rounded to 0.01 px so the bytes depend
 * only on the numbers.
 */
import * as d3 from 'd3';
import { JSDOM } from 'jsdom';
import type { Comparison, VariantStats } from './comparison.js';
import { pm, recommendation } from './comparison.js';
import { LOWER_IS_BETTER, METRICS, type MetricName } from './metrics.js';
import type { SweepArgs } from './plan.js';
import type { Estimate } from './stats.js';

type Sel = d3.Selection<SVGSVGElement, unknown, null, undefined>;

const r2 = (x: number): number => Math.round(x * 100) / 100;

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** [lo, hi] covering every value and interval bound, padded; a single value gets a unit-wide domain. */
function extent(ests: readonly Estimate[]): [number, number] | null {
  const xs: number[] = [];
  for (const e of ests) for (const v of [e.mean, e.low, e.high]) if (v !== null) xs.push(v);
  if (xs.length === 0) return null;
  let lo = Math.min(...xs);
  let hi = Math.max(...xs);
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return [lo - pad, hi + pad];
  }
  const pad = (hi - lo) * 0.08;
  lo -= pad;
  hi += pad;
  return [lo, hi];
}

/**
 * Labels next to points without overlaps: points at the same spot share one label ("#0 #4 #6");
 * a label that would overlap one already placed moves up a line (greedy, in variant order, so
 * the layout is deterministic). Widths are estimated at 6.5 px per character of 11 px text.
 */
export function pointLabels(points: readonly { x: number; y: number; text: string }[]): { x: number; y: number; text: string }[] {
  const groups = new Map<string, { x: number; y: number; texts: string[] }>();
  for (const p of points) {
    const key = `${p.x},${p.y}`;
    const g = groups.get(key);
    if (g) g.texts.push(p.text);
    else groups.set(key, { x: p.x, y: p.y, texts: [p.text] });
  }
  const placed: { x: number; y: number; w: number; text: string }[] = [];
  const lineH = 12;
  for (const g of groups.values()) {
    const text = g.texts.join(' ');
    const w = text.length * 6.5;
    const x = r2(g.x + 7);
    let y = r2(g.y - 7);
    const overlaps = () => placed.some((p) => x < p.x + p.w && p.x < x + w && Math.abs(p.y - y) < lineH);
    for (let i = 0; i < 50 && overlaps(); i++) y = r2(y - lineH);
    placed.push({ x, y, w, text });
  }
  return placed.map(({ x, y, text }) => ({ x, y, text }));
}

function newSvg(doc: Document, width: number, height: number, cls: string): Sel {
  return d3
    .select(doc.body)
    .append('svg')
    .attr('xmlns', 'http://www.w3.org/2000/svg')
    .attr('class', cls)
    .attr('width', width)
    .attr('height', height)
    .attr('viewBox', `0 0 ${width} ${height}`) as Sel;
}

function mainChart(doc: Document, cmp: Comparison): string {
  const W = 680;
  const H = 440;
  const m = { top: 20, right: 30, bottom: 50, left: 70 };
  const svg = newSvg(doc, W, H, 'chart main-chart');
  const pts = cmp.variants.filter((s) => s.metrics.cost.est.mean !== null && s.metrics.failed_requests.est.mean !== null);
  const xd = extent(pts.map((s) => s.metrics.cost.est));
  const yd = extent(pts.map((s) => s.metrics.failed_requests.est));
  if (!xd || !yd) {
    svg.append('text').attr('x', 20).attr('y', 40).text('no variant has both a cost and a failed-request count');
    return svg.node()!.outerHTML;
  }
  const x = d3.scaleLinear().domain(xd).range([m.left, W - m.right]).nice();
  const y = d3.scaleLinear().domain([Math.max(0, yd[0]), yd[1]]).range([H - m.bottom, m.top]).nice();
  const X = (v: number) => r2(x(v));
  const Y = (v: number) => r2(y(v));
  svg.append('g').attr('class', 'axis x').attr('transform', `translate(0,${H - m.bottom})`).call(d3.axisBottom(x).ticks(7));
  svg.append('g').attr('class', 'axis y').attr('transform', `translate(${m.left},0)`).call(d3.axisLeft(y).ticks(7));
  svg.append('text').attr('class', 'axis-label').attr('x', (m.left + W - m.right) / 2).attr('y', H - 10).attr('text-anchor', 'middle').text('cost per run (mean, 95 % CI)');
  svg
    .append('text')
    .attr('class', 'axis-label')
    .attr('transform', `translate(16,${(m.top + H - m.bottom) / 2}) rotate(-90)`)
    .attr('text-anchor', 'middle')
    .text('failed requests per run (mean, 95 % CI)');

  // The front, as a staircase from the cheapest point: every point up-left of it is dominated.
  const front = pts.filter((s) => s.pareto).sort((a, b) => a.metrics.cost.est.mean! - b.metrics.cost.est.mean! || a.metrics.failed_requests.est.mean! - b.metrics.failed_requests.est.mean!);
  if (front.length > 0) {
    let d = '';
    front.forEach((s, i) => {
      const px = X(s.metrics.cost.est.mean!);
      const py = Y(s.metrics.failed_requests.est.mean!);
      d += i === 0 ? `M${px},${py}` : `H${px}V${py}`;
    });
    svg.append('path').attr('class', 'pareto-front').attr('d', d);
  }

  // Front points last, so a red point is never hidden under a dominated one at the same spot.
  const drawOrder = [...pts].sort((a, b) => Number(a.pareto) - Number(b.pareto) || a.variant.index - b.variant.index);
  for (const s of drawOrder) {
    const c = s.metrics.cost.est;
    const f = s.metrics.failed_requests.est;
    const g = svg.append('g').attr('class', `variant${s.pareto ? ' on-front' : ''}${s.variant.index === 0 ? ' baseline' : ''}`);
    if (c.low !== null && c.high !== null) g.append('line').attr('class', 'ci').attr('x1', X(c.low)).attr('x2', X(c.high)).attr('y1', Y(f.mean!)).attr('y2', Y(f.mean!));
    if (f.low !== null && f.high !== null) g.append('line').attr('class', 'ci').attr('x1', X(c.mean!)).attr('x2', X(c.mean!)).attr('y1', Y(f.low)).attr('y2', Y(f.high));
    g.append('circle').attr('cx', X(c.mean!)).attr('cy', Y(f.mean!)).attr('r', 5);
    g.append('title').text(`#${s.variant.index} ${s.variant.label}\ncost ${pm(c)}\nfailed requests ${pm(f)}`);
  }
  for (const l of pointLabels(pts.map((s) => ({ x: X(s.metrics.cost.est.mean!), y: Y(s.metrics.failed_requests.est.mean!), text: `#${s.variant.index}` })))) {
    svg.append('text').attr('class', 'point-label').attr('x', l.x).attr('y', l.y).text(l.text);
  }
  return svg.node()!.outerHTML;
}

function metricChart(doc: Document, cmp: Comparison, metric: MetricName): string {
  const rowH = 20;
  const W = 330;
  const m = { top: 8, right: 16, bottom: 28, left: 40 };
  const H = m.top + m.bottom + rowH * cmp.variants.length;
  const svg = newSvg(doc, W, H, 'chart metric-chart');
  svg.attr('data-metric', metric);
  const ests = cmp.variants.map((s) => s.metrics[metric].est);
  const xd = extent(ests);
  if (!xd) {
    svg.append('text').attr('x', 10).attr('y', 20).text('no values');
    return svg.node()!.outerHTML;
  }
  const x = d3.scaleLinear().domain(xd).range([m.left, W - m.right]).nice();
  const X = (v: number) => r2(x(v));
  const rowY = (i: number) => m.top + rowH * i + rowH / 2;
  svg.append('g').attr('class', 'axis x').attr('transform', `translate(0,${H - m.bottom})`).call(d3.axisBottom(x).ticks(4));
  const base = ests[0]!.mean;
  if (base !== null) svg.append('line').attr('class', 'baseline-mean').attr('x1', X(base)).attr('x2', X(base)).attr('y1', m.top).attr('y2', H - m.bottom);
  cmp.variants.forEach((s: VariantStats, i) => {
    const e = s.metrics[metric].est;
    svg.append('text').attr('class', 'row-label').attr('x', m.left - 6).attr('y', rowY(i) + 4).attr('text-anchor', 'end').text(`#${s.variant.index}`);
    if (e.mean === null) return;
    const g = svg.append('g').attr('class', `variant${s.pareto ? ' on-front' : ''}`);
    if (e.low !== null && e.high !== null) g.append('line').attr('class', 'ci').attr('x1', X(e.low)).attr('x2', X(e.high)).attr('y1', rowY(i)).attr('y2', rowY(i));
    g.append('circle').attr('cx', X(e.mean)).attr('cy', rowY(i)).attr('r', 4);
    const d = s.metrics[metric].diff;
    g.append('title').text(`#${s.variant.index} ${s.variant.label}\n${metric} ${pm(e)}\nΔ vs #0 ${pm(d)}`);
  });
  return svg.node()!.outerHTML;
}

const CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
.small-multiples { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 12px; }
.small-multiples figure { margin: 0; } figcaption { font-weight: 600; font-size: 13px; }
svg text { font: 11px system-ui, sans-serif; fill: #333; }
.axis-label { font-size: 12px; }
.ci { stroke: #555; stroke-width: 1.5; }
.variant circle { fill: #fff; stroke: #1f77b4; stroke-width: 2; }
.variant.on-front circle { fill: #d62728; stroke: #d62728; }
.pareto-front { fill: none; stroke: #d62728; stroke-width: 1.5; stroke-dasharray: 5 3; }
.baseline-mean { stroke: #999; stroke-dasharray: 3 3; }
table { border-collapse: collapse; margin-top: 8px; } td, th { border-bottom: 1px solid #ddd; padding: 3px 10px; text-align: left; }
.recommendation { font-weight: 600; margin: 12px 0; }
`;

export function renderComparisonHtml(args: SweepArgs, cmp: Comparison): string {
  const dom = new JSDOM('<!DOCTYPE html><html><body></body></html>');
  const doc = dom.window.document;
  const title = `deploysim ${args.command}: ${args.scenarios.map((s) => s.path).join(' vs ')}`;
  const main = mainChart(doc, cmp);
  const smalls = METRICS.map((mname) => {
    const better = LOWER_IS_BETTER[mname];
    const hint = better === null ? '' : better ? ' (lower is better)' : ' (higher is better)';
    return `<figure><figcaption>${mname}${hint}</figcaption>${metricChart(doc, cmp, mname)}</figure>`;
  }).join('\n');
  const rows = cmp.variants
    .map(
      (s) =>
        `<tr><td>#${s.variant.index}</td><td>${escapeHtml(s.variant.label)}</td><td>${escapeHtml(pm(s.metrics.failed_requests.est))}</td><td>${escapeHtml(pm(s.metrics.cost.est))}</td><td>${s.pareto ? 'yes' : ''}</td>${
          cmp.requirements.length > 0 ? `<td>${s.meets ? 'yes' : 'no'}</td>` : ''
        }</tr>`,
    )
    .join('\n');
  const rec = recommendation(cmp);
  dom.window.close();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>${cmp.variants.length} variants, each run on the same ${cmp.seeds.length} seeds (${cmp.seeds[0]}–${cmp.seeds[cmp.seeds.length - 1]}). Points are means over seeds, bars 95 % confidence intervals (Student t). Red: on the Pareto front of cost and failed requests (both minimized). Variant #0 is the baseline.</p>
${rec ? `<p class="recommendation">${escapeHtml(rec)}</p>` : ''}
<h2>Failed requests vs cost</h2>
${main}
<table>
<tr><th>#</th><th>variant</th><th>failed requests</th><th>cost</th><th>Pareto</th>${cmp.requirements.length > 0 ? '<th>meets requirements</th>' : ''}</tr>
${rows}
</table>
<h2>Every metric</h2>
<div class="small-multiples">
${smalls}
</div>
</body>
</html>
`;
}
