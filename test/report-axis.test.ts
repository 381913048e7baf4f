import * as d3 from 'd3';
import fc from 'fast-check';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { roundNumbersIn } from '../src/report/format.js';
import { AxisRenderer, axisNumber, type AxisSpec } from '../src/report/svg.js';

/** The axis as the report drew it before: d3-axis into a detached jsdom document, serialized. */
function d3Axis(a: AxisSpec, className: string, transform = ''): string {
  const doc = new JSDOM('<!DOCTYPE html><body></body>').window.document;
  const make = a.orient === 'left' ? d3.axisLeft<number> : d3.axisBottom<number>;
  const axis = make(a.scale as d3.ScaleLinear<number, number>).tickValues(a.tickValues).tickFormat(a.format).tickSizeOuter(0);
  const g = d3.select(doc.body).append('svg').append('g').attr('class', className);
  if (transform) g.attr('transform', transform);
  g.call(axis as unknown as (s: d3.Selection<SVGGElement, unknown, null, undefined>) => void);
  g.attr('font-size', 11).attr('font-family', null);
  return roundNumbersIn(g.node()!.outerHTML, 2);
}

describe('AxisRenderer', () => {
  it('writes the bytes d3-axis drew into jsdom (left and bottom; linear and log; odd labels)', () => {
    const axes = new AxisRenderer();
    const formats = [axisNumber, (v: number) => `$${axisNumber(v)}`, (v: number) => `${v} <&> "x"\u00a0s`, () => ''];
    fc.assert(
      fc.property(
        fc.constantFrom<'left' | 'bottom'>('left', 'bottom'),
        fc.boolean(),
        fc.double({ min: 1e-3, max: 1e7, noNaN: true }),
        fc.integer({ min: 10, max: 1000 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 0, max: formats.length - 1 }),
        fc.constantFrom('', 'translate(0,228)'),
        (orient, log, max, px, n, f, transform) => {
          const scale = log ? d3.scaleLog().domain([1e-3, max + 1]).range([px, 0]) : d3.scaleLinear().domain([0, max]).nice(4).range(orient === 'left' ? [px, 0] : [0, px]);
          const spec: AxisSpec = { orient, scale, tickValues: scale.ticks(n), format: formats[f]! };
          expect(axes.render(spec, 'axis axis-y', transform)).toBe(d3Axis(spec, 'axis axis-y', transform));
        },
      ),
      { numRuns: 200 },
    );
  });
});
