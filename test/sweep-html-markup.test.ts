/**
 * comparison.html was drawn with d3 (selections, d3-axis) on a jsdom document; it is now written as
 * strings (SvgElement, d3AxisMarkup in src/report/svg.ts) and must keep the same bytes. Both are
 * checked here against d3 drawing into jsdom: random element trees (attributes set again, styles,
 * text to escape) and axes of linear scales with `.ticks(n)` and of point scales.
 */
import * as d3 from 'd3';
import fc from 'fast-check';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { d3AxisMarkup, SvgElement } from '../src/report/svg.js';

function jsdomSvg(): d3.Selection<SVGSVGElement, unknown, null, undefined> {
  const doc = new JSDOM('<!DOCTYPE html><html><body></body></html>').window.document;
  return d3.select(doc.body).append('svg').attr('xmlns', 'http://www.w3.org/2000/svg');
}

/** One step of building a tree, applied alike to a d3 selection and to an SvgElement. */
type Op =
  | { kind: 'append'; tag: string }
  | { kind: 'attr'; name: string; value: string | number }
  | { kind: 'style'; name: string; value: string }
  | { kind: 'text'; value: string }
  | { kind: 'up' };

const odd = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', '&', '<', '>', '"', "'", '\u00a0', '\n', '★', '–', '=') });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('append' as const), tag: fc.constantFrom('g', 'rect', 'text', 'title', 'line', 'path', 'circle', 'defs', 'pattern') }),
  fc.record({ kind: fc.constant('attr' as const), name: fc.constantFrom('class', 'x', 'y', 'transform', 'viewBox', 'data-metric', 'text-anchor', 'd'), value: fc.oneof(odd, fc.double({ noNaN: true }), fc.integer()) }),
  fc.record({ kind: fc.constant('style' as const), name: fc.constantFrom('fill', 'stroke'), value: fc.constantFrom('#111', '#fff', 'rgb(254, 224, 210)', 'none') }),
  fc.record({ kind: fc.constant('text' as const), value: odd }),
  fc.constant({ kind: 'up' as const }),
);

describe('SvgElement', () => {
  it('el.toString() is the outerHTML jsdom gives for the same d3 calls (attribute order, styles, escaping)', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const root = jsdomSvg();
        let sel: d3.Selection<d3.BaseType, unknown, null, undefined> = root as unknown as d3.Selection<d3.BaseType, unknown, null, undefined>;
        const el = new SvgElement('svg').attr('xmlns', 'http://www.w3.org/2000/svg');
        const stack: [typeof sel, SvgElement][] = [[sel, el]];
        for (const o of ops) {
          const [s, e] = stack[stack.length - 1]!;
          if (o.kind === 'append') stack.push([s.append(o.tag) as unknown as typeof sel, e.append(o.tag)]);
          else if (o.kind === 'attr') (s.attr(o.name, o.value), e.attr(o.name, o.value));
          else if (o.kind === 'style') (s.style(o.name, o.value), e.style(o.name, o.value));
          else if (o.kind === 'text') (s.text(o.value), e.text(o.value));
          else if (stack.length > 1) stack.pop();
          sel = stack[stack.length - 1]![0];
        }
        expect(String(el)).toBe((root.node() as Element).outerHTML);
      }),
      { numRuns: 300 },
    );
  });
});

describe('d3AxisMarkup', () => {
  function d3Axis(orient: 'left' | 'bottom', scale: d3.AxisScale<d3.AxisDomain>, ticks: number | null, transform: string): string {
    const svg = jsdomSvg();
    const axis = (orient === 'left' ? d3.axisLeft : d3.axisBottom)(scale);
    if (ticks !== null) axis.ticks(ticks);
    const g = svg.append('g').attr('class', 'axis x').attr('transform', transform);
    g.call(axis);
    return g.node()!.outerHTML;
  }

  it('d3AxisMarkup(linear scale, its ticks(n)) writes what d3.axisLeft/axisBottom(scale).ticks(n) drew into jsdom', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<'left' | 'bottom'>('left', 'bottom'),
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: 1e-6, max: 1e7, noNaN: true }),
        fc.integer({ min: 10, max: 800 }),
        fc.integer({ min: 1, max: 10 }),
        (orient, lo, span, px, n) => {
          const scale = d3.scaleLinear().domain([lo, lo + span]).range(orient === 'left' ? [px, 18] : [56, px]).nice();
          const transform = orient === 'left' ? 'translate(56,0)' : `translate(0,${px})`;
          const ours = d3AxisMarkup({ orient, scale, tickValues: scale.ticks(n), format: scale.tickFormat(n), className: 'axis x', transform });
          expect(ours).toBe(d3Axis(orient, scale as d3.AxisScale<d3.AxisDomain>, n, transform));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('d3AxisMarkup(point scale, its domain) writes what d3.axisBottom(scale) drew: a tick per value, the text as given', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.oneof(fc.stringMatching(/^[0-9]{1,4}$/), fc.constantFrom('H100', 'A<100>', 'a&b', '"q"')), { minLength: 1, maxLength: 8 }), fc.integer({ min: 100, max: 900 }), (values, w) => {
        const scale = d3.scalePoint().domain(values).range([56, w]).padding(0.4);
        const ours = d3AxisMarkup({ orient: 'bottom', scale, tickValues: scale.domain(), format: (v) => v, className: 'axis x', transform: 'translate(0,180)' });
        expect(ours).toBe(d3Axis('bottom', scale as d3.AxisScale<d3.AxisDomain>, null, 'translate(0,180)'));
      }),
      { numRuns: 200 },
    );
  });
});
