import * as d3 from './d3.js';
import { escapeHtml, num, roundNumbersIn } from './format.js';

/**
 * Page geometry shared by every chart: same width, same left margin, same plot width, so
 * one time scale places a given t at the same x in every chart.
 */
export const LAYOUT = {
  width: 1100,
  left: 84,
  right: 36,
  top: 10,
  bottom: 30,
  get plotWidth(): number {
    return this.width - this.left - this.right;
  },
} as const;

export type XScale = d3.ScaleLinear<number, number>;
export type YScale = d3.ScaleContinuousNumeric<number, number>;

/** An axis to draw: d3-axis's `axisLeft`/`axisBottom` with explicit tick values, a format and no outer ticks. */
export interface AxisSpec {
  orient: 'left' | 'bottom';
  scale: { (v: number): number; range(): number[] };
  tickValues: readonly number[];
  format: (v: number) => string;
}

/**
 * d3-axis's markup written as a string, without a DOM: the very bytes d3-axis (v3, tick size 6,
 * padding 3, no outer ticks, offset 0.5 as outside a browser) drew into a detached jsdom
 * document and jsdom serialized (attribute order as d3 sets them, `font-size` 11 in place of
 * d3's 10, `font-family` removed, text and attributes escaped as parse5 does), numbers
 * then rounded. jsdom cost ~0.3 s to load and ~0.1 s to draw a report's axes.
 */
export class AxisRenderer {
  render(a: AxisSpec, className: string, transform = ''): string {
    const left = a.orient === 'left';
    const offset = 0.5;
    const k = left ? -1 : 1;
    const x = left ? 'x' : 'y';
    const range = a.scale.range();
    const range0 = +range[0]! + offset;
    const range1 = +range[range.length - 1]! + offset;
    const d = left ? 'M' + offset + ',' + range0 + 'V' + range1 : 'M' + range0 + ',' + offset + 'H' + range1;
    let s = `<g class="${escapeAttribute(className)}"${transform ? ` transform="${escapeAttribute(transform)}"` : ''} fill="none" font-size="11" text-anchor="${left ? 'end' : 'middle'}">`;
    s += `<path class="domain" stroke="currentColor" d="${d}"></path>`;
    const line = `<line stroke="currentColor" ${x}2="${k * 6}"></line><text fill="currentColor" ${x}="${k * 9}" dy="${left ? '0.32em' : '0.71em'}">`;
    for (const v of a.tickValues) {
      const p = +a.scale(v) + offset;
      const tr = left ? 'translate(0,' + p + ')' : 'translate(' + p + ',0)';
      const label = a.format(v) as string | null | undefined;
      s += `<g class="tick" opacity="1" transform="${escapeAttribute(tr)}">${line}${escapeText(label == null ? '' : String(label))}</text></g>`;
    }
    return roundNumbersIn(s + '</g>', 2);
  }
}

/** As parse5 (jsdom's serializer) escapes an attribute value. */
function escapeAttribute(s: string): string {
  return s.replace(/["&\u00A0]/g, (c) => (c === '"' ? '&quot;' : c === '&' ? '&amp;' : '&nbsp;'));
}

/** As parse5 escapes a text node. */
function escapeText(s: string): string {
  return s.replace(/[&<>\u00A0]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&nbsp;'));
}

/** An SVG attribute list from a record, numbers at fixed precision, strings escaped. */
export function attrs(a: Record<string, string | number | null | undefined>): string {
  let s = '';
  for (const [k, v] of Object.entries(a)) {
    if (v === null || v === undefined) continue;
    s += ` ${k}="${typeof v === 'number' ? num(v, 2) : escapeHtml(v)}"`;
  }
  return s;
}

/** Horizontal gridlines and a left axis for a sub-panel of height `h`. */
export function yAxisWithGrid(
  axes: AxisRenderer,
  y: YScale,
  tickValues: number[],
  format: (v: number) => string,
  plotWidth: number,
): string {
  const grid = tickValues
    .map((v) => `<line${attrs({ x1: 0, x2: plotWidth, y1: y(v), y2: y(v) })}/>`)
    .join('');
  return `<g class="grid" stroke="#e6e6e6" stroke-width="1">${grid}</g>${axes.render({ orient: 'left', scale: y, tickValues, format }, 'axis axis-y')}`;
}

/** Vertical gridlines at the shared time ticks, across a plot of height `h`. */
export function timeGrid(x: XScale, ticks: number[], h: number): string {
  const lines = ticks.map((t) => `<line${attrs({ x1: x(t), x2: x(t), y1: 0, y2: h })}/>`).join('');
  return `<g class="grid grid-x" stroke="#f0f0f0" stroke-width="1">${lines}</g>`;
}

/** Nice linear y ticks, integers only when `integer` (replica counts). */
export function linearTicks(y: YScale, count: number, integer = false): number[] {
  const ticks = (y as d3.ScaleLinear<number, number>).ticks(count);
  return integer ? ticks.filter((v) => Number.isInteger(v)) : ticks;
}

/**
 * A panel's title, rotated in the left margin beside its y axis (inside the plot it would
 * sit on the data).
 */
export function panelLabel(text: string, y: number, h: number): string {
  const cx = -(LAYOUT.left - 14);
  const cy = y + h / 2;
  return `<text class="panel-label" text-anchor="middle"${attrs({ x: cx, y: cy, transform: `rotate(-90 ${num(cx, 2)} ${num(cy, 2)})` })}>${escapeHtml(text)}</text>`;
}

/** Axis numbers without SI prefixes below a thousand (d3's `~s` writes 0.5 as "500m", easily read as minutes). */
export function axisNumber(v: number): string {
  return Math.abs(v) >= 1e4 ? d3.format('.3~s')(v) : d3.format('~g')(v);
}

/** Headroom above the data so a flat series does not run along the frame. */
export function headroom(max: number): number {
  return max > 0 ? max * 1.08 : 1;
}

/** A centred note for an empty panel ("no failed requests"). */
export function emptyNote(text: string, plotWidth: number, y: number): string {
  return `<text class="empty-note" text-anchor="middle"${attrs({ x: plotWidth / 2, y })}>${escapeHtml(text)}</text>`;
}

export interface ChartShell {
  id: string;
  title: string;
  /** HTML legend items: [label, colour, kind]. */
  legend: { label: string; color: string; kind?: 'area' | 'line' | 'dash' | 'marker' }[];
  caption: string;
  /** Plot height (inside margins). */
  height: number;
  /** Plot content, in plot coordinates. */
  body: string;
  x: XScale;
  duration: number;
  xAxis: string;
  /** The id of the hover data block for this chart (a chainlet's in a chain); absent: #report-data. */
  hover?: string;
}

/**
 * A chart: a figure with a title, an HTML legend, and one SVG whose plot group carries
 * the shared time scale as data attributes (`data-t0/t1` → `data-x0/x1`, in the plot
 * group's coordinates) for the hover script and for tests.
 */
export function chartFigure(c: ChartShell): string {
  const h = c.height;
  const totalH = LAYOUT.top + h + LAYOUT.bottom;
  const [x0, x1] = c.x.range() as [number, number];
  const [t0, t1] = c.x.domain() as [number, number];
  const legend = c.legend
    .map(
      (l) =>
        `<li><span class="sw sw-${l.kind ?? 'area'}" style="--c:${escapeHtml(l.color)}"></span>${escapeHtml(l.label)}</li>`,
    )
    .join('');
  return `<figure class="chart-figure" id="fig-${c.id}">
<h2>${escapeHtml(c.title)}</h2>
<ul class="legend">${legend}</ul>
<svg id="${c.id}" class="chart" xmlns="http://www.w3.org/2000/svg"${attrs({
    viewBox: `0 0 ${LAYOUT.width} ${num(totalH, 0)}`,
    width: LAYOUT.width,
    height: num(totalH, 0),
    role: 'img',
    'aria-label': c.title,
    'data-hover': c.hover,
  })}>
<g class="plot"${attrs({
    transform: `translate(${LAYOUT.left},${LAYOUT.top})`,
    'data-t0': num(t0, 3),
    'data-t1': num(t1, 3),
    'data-x0': x0,
    'data-x1': x1,
    'data-height': h,
  })}>
${c.body}
${c.xAxis}
<line class="hover-rule"${attrs({ x1: 0, x2: 0, y1: 0, y2: h, visibility: 'hidden' })}/>
</g>
</svg>
<p class="caption">${c.caption}</p>
</figure>`;
}

/**
 * An SVG element built in code and written as d3 built it in a jsdom document and jsdom
 * serialized it (parse5): attributes in the order first set (setting one again keeps its place),
 * numbers as `String(n)`, `style` as `prop: value;`, an end tag on every element (SVG has no
 * void elements in HTML), text and attributes escaped as parse5 does. The sweep's comparison page
 * was drawn with d3 on jsdom (~1.2 s to import both and write a 30-variant page); it now builds
 * the same bytes with this in ~0.15 s.
 */
export class SvgElement {
  private readonly attributes = new Map<string, string>();
  private readonly styles = new Map<string, string>();
  /** Elements, or markup already escaped (text, an axis). */
  private readonly children: (SvgElement | string)[] = [];

  constructor(readonly tag: string) {}

  /** A new last child (d3's `selection.append`). */
  append(tag: string): SvgElement {
    const child = new SvgElement(tag);
    this.children.push(child);
    return child;
  }

  attr(name: string, value: string | number): this {
    this.attributes.set(name, String(value));
    return this;
  }

  /** One inline style property; the `style` attribute takes its place when the first is set. */
  style(name: string, value: string): this {
    this.styles.set(name, value);
    this.attributes.set('style', [...this.styles].map(([k, v]) => `${k}: ${v};`).join(' '));
    return this;
  }

  /** The element's text, replacing its children (d3's `selection.text`). */
  text(s: string): this {
    this.children.length = 0;
    this.children.push(escapeText(s));
    return this;
  }

  /** Markup written as is after the children so far (an axis from `d3AxisMarkup`). */
  markup(html: string): this {
    this.children.push(html);
    return this;
  }

  toString(): string {
    let s = `<${this.tag}`;
    for (const [k, v] of this.attributes) s += ` ${k}="${escapeAttribute(v)}"`;
    return `${s}>${this.children.join('')}</${this.tag}>`;
  }
}

/** A d3-axis to write with d3's defaults: a scale (linear, or point/band), its tick values and their labels. */
export interface D3AxisSpec<T> {
  orient: 'left' | 'bottom';
  scale: { (v: T): number | undefined; range(): number[]; bandwidth?(): number; round?(): boolean };
  tickValues: readonly T[];
  format: (v: T) => string;
  className: string;
  transform: string;
}

/**
 * What `g.attr('class', …).attr('transform', …).call(d3.axisLeft/axisBottom(scale))` drew into a
 * jsdom document, serialized, numbers unrounded: d3-axis v3 with its defaults (ticks and outer
 * ticks 6, padding 3, font-size 10 sans-serif, offset 0.5 as outside a browser; a band's ticks
 * at its centre). `AxisRenderer` is the report's variant (no outer ticks, font-size 11, rounded).
 */
export function d3AxisMarkup<T>(a: D3AxisSpec<T>): string {
  const left = a.orient === 'left';
  const offset = 0.5;
  const outer = 6;
  const k = left ? -1 : 1;
  const x = left ? 'x' : 'y';
  const range = a.scale.range();
  const range0 = +range[0]! + offset;
  const range1 = +range[range.length - 1]! + offset;
  let band = a.scale.bandwidth ? Math.max(0, a.scale.bandwidth() - offset * 2) / 2 : 0;
  if (a.scale.bandwidth && a.scale.round?.()) band = Math.round(band);
  const d = left ? 'M' + k * outer + ',' + range0 + 'H' + offset + 'V' + range1 + 'H' + k * outer : 'M' + range0 + ',' + k * outer + 'V' + offset + 'H' + range1 + 'V' + k * outer;
  let s = `<g class="${escapeAttribute(a.className)}" transform="${escapeAttribute(a.transform)}" fill="none" font-size="10" font-family="sans-serif" text-anchor="${left ? 'end' : 'middle'}">`;
  s += `<path class="domain" stroke="currentColor" d="${d}"></path>`;
  const line = `<line stroke="currentColor" ${x}2="${k * 6}"></line><text fill="currentColor" ${x}="${k * 9}" dy="${left ? '0.32em' : '0.71em'}">`;
  for (const v of a.tickValues) {
    const p = +a.scale(v)! + band + offset;
    const tr = left ? 'translate(0,' + p + ')' : 'translate(' + p + ',0)';
    const label = a.format(v) as string | null | undefined;
    s += `<g class="tick" opacity="1" transform="${escapeAttribute(tr)}">${line}${escapeText(label == null ? '' : String(label))}</text></g>`;
  }
  return s + '</g>';
}

/**
 * Widths of characters in em, from DejaVu Sans (what `system-ui, sans-serif` resolves to on a
 * Linux without other fonts, and wider than most): enough to size a box so a label fits in it.
 */
const EM: Record<string, number> = { ' ': 0.318, '.': 0.318, ',': 0.318, ':': 0.337, ';': 0.337, '|': 0.337, '!': 0.4, "'": 0.275, i: 0.278, l: 0.278, j: 0.278, f: 0.352, t: 0.392, r: 0.411, m: 0.974, w: 0.818, '-': 0.361, '–': 0.5, _: 0.5, '(': 0.39, ')': 0.39, '[': 0.39, ']': 0.39, '{': 0.636, '}': 0.636, '%': 0.95, '=': 0.838, '+': 0.838, '<': 0.838, '>': 0.838, '±': 0.838, '→': 0.838, '↓': 0.838, '★': 0.9, '⚠': 0.9, '◆': 0.77, '▲': 0.77, '…': 1 };

/** The width in px of `text` at `fontPx`, estimated from DejaVu Sans's metrics (a little over, never much under). */
export function textWidth(text: string, fontPx: number): number {
  let em = 0;
  for (const ch of text) {
    const w = EM[ch];
    if (w !== undefined) em += w;
    else if (ch >= '0' && ch <= '9') em += 0.636;
    else if (ch >= 'a' && ch <= 'z') em += 0.62;
    else if (ch >= 'A' && ch <= 'Z') em += 0.76;
    else em += 0.8;
  }
  return em * fontPx;
}
