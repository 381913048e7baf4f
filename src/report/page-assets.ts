import type { Buckets } from './aggregate.js';
import { num } from './format.js';

/** Inline CSS: the page must stand alone (no CDN, no fonts to fetch). */
export const CSS = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; margin: 0; background: #fafafa; }
main { max-width: 1140px; margin: 0 auto; padding: 16px 20px 40px; }
h1 { font-size: 22px; margin: 4px 0; }
h2 { font-size: 16px; margin: 0 0 4px; }
h3 { font-size: 13px; margin: 0 0 4px; color: #555; text-transform: uppercase; letter-spacing: .04em; }
.description { margin: 2px 0; color: #444; }
.meta { margin: 2px 0 10px; color: #666; }
.figures { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0 12px; }
.figure { background: #fff; border: 1px solid #e3e3e3; border-radius: 6px; padding: 6px 10px; min-width: 110px; }
.figure .k { display: block; font-size: 11px; color: #666; }
.figure .v { font-size: 17px; font-weight: 600; font-variant-numeric: tabular-nums; }
.figure small { font-weight: 400; font-size: 11px; color: #666; }
.figure.bad .v { color: #b10026; } .figure.warn .v { color: #a63603; } .figure.good .v { color: #006d2c; }
.settings { display: flex; flex-wrap: wrap; gap: 12px; }
.settings section { background: #fff; border: 1px solid #e3e3e3; border-radius: 6px; padding: 8px 12px; flex: 1 1 250px; }
dl { margin: 0; display: grid; grid-template-columns: auto 1fr; gap: 1px 12px; }
dl div { display: contents; } dt { color: #666; } dd { margin: 0; font-variant-numeric: tabular-nums; }
.diagnosis { margin: 10px 0; background: #fdecea; border: 1px solid #e8a19a; border-radius: 6px; padding: 8px 12px; }
.warnings { margin-top: 10px; background: #fff7e6; border: 1px solid #f5c26b; border-radius: 6px; padding: 8px 12px; }
.warnings ul { margin: 0; padding-left: 18px; }
.chart-figure { margin: 14px 0; background: #fff; border: 1px solid #e3e3e3; border-radius: 6px; padding: 8px 6px 4px; }
.chart-figure h2 { padding-left: 8px; }
svg.chart { display: block; width: 100%; height: auto; max-width: 1100px; font: 11px system-ui, sans-serif; }
svg.chart .panel-label { font-size: 11px; fill: #555; font-weight: 600; }
svg.chart .empty-note { font-size: 12px; fill: #999; }
svg.chart .lane-label { font-size: 10px; fill: #444; }
svg.chart .axis text { fill: #555; }
svg.chart .hover-rule { stroke: #333; stroke-width: 1; stroke-dasharray: 3,2; pointer-events: none; }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 2px 8px 4px; padding: 0; font-size: 12px; color: #444; }
.legend .sw { display: inline-block; width: 12px; height: 10px; margin-right: 5px; vertical-align: -1px; background: var(--c); border-radius: 2px; }
.legend .sw-line { height: 2px; vertical-align: 3px; }
.legend .sw-dash { height: 0; background: none; border-top: 2px dashed var(--c); vertical-align: 3px; border-radius: 0; }
.legend .sw-marker { width: 8px; height: 8px; border-radius: 50%; }
.caption { font-size: 12px; color: #666; margin: 2px 8px 4px; }
.note { color: #777; font-size: 13px; }
table { border-collapse: collapse; background: #fff; font-variant-numeric: tabular-nums; font-size: 13px; }
th, td { border: 1px solid #e3e3e3; padding: 3px 8px; text-align: left; }
th { background: #f3f3f3; font-weight: 600; } td.num { text-align: right; } td.none { color: #aaa; }
td small { color: #777; }
#faults { margin: 14px 0; }
#hover-tip { position: fixed; z-index: 10; pointer-events: none; background: rgba(255,255,255,.96); border: 1px solid #bbb; border-radius: 5px; padding: 6px 8px; font-size: 12px; box-shadow: 0 2px 6px rgba(0,0,0,.15); font-variant-numeric: tabular-nums; }
#hover-tip table { background: none; font-size: 12px; } #hover-tip td { border: 0; padding: 0 6px 0 0; }
#hover-tip .t { font-weight: 600; margin-bottom: 2px; }
footer { color: #999; font-size: 11px; margin-top: 20px; }
`;

/** A chain's page only: the call graph, the chainlets' sections, the overview's rows. */
export const CHAIN_CSS = `
main.chain-report header h3 { margin-top: 8px; }
.cost-per-chainlet .figure .v { font-size: 15px; }
svg.call-graph { display: block; width: 100%; height: auto; max-width: 1100px; font: 12px system-ui, sans-serif; }
svg.call-graph .cg-name { font-size: 14px; font-weight: 700; fill: #222; }
svg.call-graph .cg-tag { font-size: 10px; font-weight: 600; fill: #08519c; text-transform: uppercase; letter-spacing: .04em; }
svg.call-graph .cg-line { font-size: 12px; fill: #444; font-variant-numeric: tabular-nums; }
svg.call-graph .cg-line.bad, svg.call-graph .cg-fail.bad { fill: #b10026; font-weight: 600; }
svg.call-graph .cg-line.warn { fill: #a63603; font-weight: 600; }
svg.call-graph .cg-line.quiet { fill: #999; }
svg.call-graph .cg-calls { font-size: 12px; font-weight: 600; fill: #333; paint-order: stroke; stroke: #fafafa; stroke-width: 4px; font-variant-numeric: tabular-nums; }
svg.call-graph .cg-per { font-weight: 400; fill: #777; }
svg.call-graph .cg-fail { font-size: 11px; fill: #666; paint-order: stroke; stroke: #fafafa; stroke-width: 4px; }
svg.call-graph a:hover rect { fill: #f3f8fd; }
#fig-call-graph { background: #fafafa; }
svg.chart .chain-lane-name { font-size: 12px; font-weight: 700; fill: #222; }
svg.chart .chain-lane-name a { fill: #222; }
section.chainlet { margin: 28px 0 8px; padding-top: 10px; border-top: 3px solid #d0d7de; }
.chainlet-title { font-size: 20px; margin: 4px 0; }
.chainlet-title small { font-size: 13px; font-weight: 400; color: #666; margin-left: 6px; }
details.chainlet-settings { margin: 4px 0 8px; }
details.chainlet-settings summary { cursor: pointer; color: #444; font-size: 13px; }
details.chainlet-settings .steps { font-size: 13px; margin: 6px 0; }
`;

export type Kind = 'rate' | 'count' | 'mean' | 'latency' | 'money';

/** The bucketed values the hover tooltip shows, as compact JSON (numbers at fixed precision). */
export function hoverData(b: Buckets, notServing: number[], label?: string): string {
  const r = (xs: (number | null)[], d = 3) => xs.map((v) => (v === null ? null : Number(num(v, d))));
  const rate = (xs: number[]) => xs.map((v, i) => {
    const dt = b.t1[i]! - b.t0[i]!;
    return dt > 0 ? v / dt : 0;
  });
  const fields: [string, Kind, (number | null)[]][] = [
    ['arrivals/s', 'rate', r(rate(b.arrivals))],
    ['succeeded/s', 'rate', r(rate(b.succeeded))],
    ['failed/s', 'rate', r(rate(b.failed))],
    ...b.failedBy.map((f) => [`  ${f.status}/s`, 'rate', r(rate(f.values))] as [string, Kind, (number | null)[]]),
    ['replicas', 'mean', r(b.replicas, 2)],
    ['  routable', 'mean', r(b.routable, 2)],
    ['  starting', 'mean', r(b.starting, 2)],
    ['  awaiting first check', 'mean', r(b.waiting, 2)],
    ['  traffic-stopped', 'mean', r(b.traffic_stopped, 2)],
    ['  backoff', 'mean', r(b.backoff, 2)],
    ['desired (max)', 'count', b.desired],
    ['latency p50', 'latency', r(b.p50, 4)],
    ['latency p99', 'latency', r(b.p99, 4)],
    ['queued (max)', 'count', b.queued],
    ['in flight (max)', 'count', b.in_flight],
    ['cost so far', 'money', r(b.cost, 4)],
    ['not serving so far', 'money', r(notServing, 4)],
  ];
  return hoverJson(b, fields, label);
}

/** A hover data block: the buckets' bounds and the fields shown for each, under a heading (a chainlet's name) when given. */
export function hoverJson(b: Pick<Buckets, 't0' | 't1'>, fields: [string, Kind, (number | null)[]][], label?: string): string {
  const r = (xs: (number | null)[], d = 3) => xs.map((v) => (v === null ? null : Number(num(v, d))));
  const data = { ...(label !== undefined ? { label } : {}), t0: r(b.t0), t1: r(b.t1), fields };
  // `</` cannot appear in JSON numbers or our labels, but escape it anyway for a <script> block.
  return JSON.stringify(data).replace(/<\//g, '<\\/');
}

/**
 * The hover script (plain ES5, no dependencies): a vertical rule at the pointer in every
 * chart and a tooltip with the bucket's values. The page reads fully without it.
 */
export const SCRIPT = `(function () {
  var tip = document.getElementById('hover-tip');
  if (!tip) return;
  // A chart's values: the JSON block its data-hover names (a chain's page has one per chainlet), else #report-data.
  var cache = {};
  function dataFor(svg) {
    var id = svg.getAttribute('data-hover') || 'report-data';
    if (!(id in cache)) { var el = document.getElementById(id); cache[id] = el ? JSON.parse(el.textContent) : null; }
    return cache[id];
  }
  var svgs = Array.prototype.slice.call(document.querySelectorAll('svg.chart'));
  function fmtDur(s) {
    if (s < 60) return (Math.round(s * 10) / 10) + ' s';
    var w = Math.round(s), d = Math.floor(w / 86400), h = Math.floor(w % 86400 / 3600), m = Math.floor(w % 3600 / 60), x = w % 60;
    function p(n) { return (n < 10 ? '0' : '') + n; }
    if (d) return d + 'd ' + p(h) + 'h ' + p(m) + 'm';
    if (h) return h + 'h ' + p(m) + 'm ' + p(x) + 's';
    return m + 'm ' + p(x) + 's';
  }
  function fmt(v, kind) {
    if (v === null || v === undefined) return '—';
    if (kind === 'latency') return v < 1 ? Math.round(v * 1000) + ' ms' : (Math.round(v * 100) / 100) + ' s';
    if (kind === 'money') return '$' + v.toFixed(v < 10 ? 4 : 2);
    if (kind === 'rate') return v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toFixed(3);
    if (kind === 'mean') return (Math.round(v * 100) / 100).toString();
    return String(v);
  }
  function bucketAt(data, t) {
    var lo = 0, hi = data.t1.length - 1;
    if (hi < 0) return -1;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (data.t1[mid] < t) lo = mid + 1; else hi = mid; }
    return lo;
  }
  function hide() {
    tip.hidden = true;
    svgs.forEach(function (s) { var r = s.querySelector('.hover-rule'); if (r) r.setAttribute('visibility', 'hidden'); });
  }
  function move(evt) {
    var svg = evt.currentTarget, g = svg.querySelector('g.plot');
    var ctm = g.getScreenCTM();
    if (!ctm) return;
    var pt = svg.createSVGPoint(); pt.x = evt.clientX; pt.y = evt.clientY;
    var p = pt.matrixTransform(ctm.inverse());
    var x0 = +g.getAttribute('data-x0'), x1 = +g.getAttribute('data-x1');
    var t0 = +g.getAttribute('data-t0'), t1 = +g.getAttribute('data-t1');
    if (p.x < x0 || p.x > x1) { hide(); return; }
    var t = t0 + (p.x - x0) / (x1 - x0) * (t1 - t0);
    svgs.forEach(function (s) {
      var r = s.querySelector('.hover-rule');
      if (r) { r.setAttribute('x1', p.x); r.setAttribute('x2', p.x); r.setAttribute('visibility', 'visible'); }
    });
    var data = dataFor(svg);
    var i = data ? bucketAt(data, t) : -1;
    var html = (data && data.label ? '<div class="t">' + String(data.label).replace(/&/g, '&amp;').replace(/</g, '&lt;') + '</div>' : '') + '<div class="t">t = ' + fmtDur(t) + '</div>';
    if (i >= 0) {
      html += '<div>bucket ' + fmtDur(data.t0[i]) + ' – ' + fmtDur(data.t1[i]) + '</div><table>';
      data.fields.forEach(function (f) {
        html += '<tr><td>' + f[0].replace(/^ +/, '&nbsp;&nbsp;') + '</td><td>' + fmt(f[2][i], f[1]) + '</td></tr>';
      });
      html += '</table>';
    }
    tip.innerHTML = html;
    tip.hidden = false;
    var w = tip.offsetWidth, h = tip.offsetHeight;
    var left = evt.clientX + 16, top = evt.clientY + 12;
    if (left + w > window.innerWidth - 4) left = evt.clientX - w - 16;
    if (top + h > window.innerHeight - 4) top = Math.max(4, window.innerHeight - h - 4);
    tip.style.left = left + 'px'; tip.style.top = top + 'px';
  }
  svgs.forEach(function (s) { s.addEventListener('mousemove', move); s.addEventListener('mouseleave', hide); });
})();`;
