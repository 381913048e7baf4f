/** Every scenario in scenarios/ renders: real runs, every chart present, deterministic. */
import { readdirSync } from 'node:fs';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import type { EventRow, TimelineRow } from '../src/model/summary.js';
import { CHART_IDS, renderReport } from '../src/report/render-report.js';
import { simulate } from '../src/run.js';
import { loadScenario } from '../src/scenario/load.js';

const files = readdirSync('scenarios').filter((f) => f.endsWith('.yaml')).sort();

describe('report of every scenario', () => {
  it.each(files)('%s renders with every chart and every marker on the shared scale', (file) => {
    const { config } = loadScenario(`scenarios/${file}`);
    const timeline: TimelineRow[] = [];
    const events: EventRow[] = [];
    const summary = simulate(config, { sample: (r) => timeline.push(r), event: (r) => events.push(r) });
    const html = renderReport({ config, summary, timeline, events });
    expect(Buffer.byteLength(html)).toBeLessThan(3 * 1024 * 1024);
    const doc = new JSDOM(html).window.document;
    for (const id of CHART_IDS) expect(doc.getElementById(id)).not.toBeNull();
    const g = doc.querySelector('#chart-lanes g.plot')!;
    const [t0, t1, x0, x1] = ['data-t0', 'data-t1', 'data-x0', 'data-x1'].map((a) => Number(g.getAttribute(a))) as [number, number, number, number];
    for (const m of doc.querySelectorAll('#chart-lanes g.marker')) {
      const t = Number(m.getAttribute('data-t'));
      const x = Number(/translate\(([-\d.]+),/.exec(m.getAttribute('transform')!)![1]);
      expect(x).toBeCloseTo(x0 + ((t - t0) / (t1 - t0)) * (x1 - x0), 1);
    }
  });
});
