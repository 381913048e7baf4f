import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { aggregateTimeline } from '../src/report/aggregate.js';
import { parseCsv } from '../src/output/read-csv.js';
import { formatDuration, formatLatency, formatPercent } from '../src/report/format.js';
import { CHART_IDS, renderReport, type ReportInput } from '../src/report/render-report.js';
import { cumulativeNotServing, replicaHistories, assignLanes } from '../src/report/replica-history.js';
import { laneRows, rasterize } from '../src/report/charts/lanes.js';
import { timeTicks, formatTick } from '../src/report/time-axis.js';
import * as d3 from 'd3';
import { coldStart, ev, row, sevenDayRun, shortRunWithFault, summary } from './report-fixtures.js';

function parse(html: string): Document {
  return new JSDOM(html).window.document;
}

/** The shared scale as the page states it: the lanes plot group's data attributes. */
function scaleOf(doc: Document, chartId: string): (t: number) => number {
  const g = doc.querySelector(`#${chartId} g.plot`)!;
  const [t0, t1, x0, x1] = ['data-t0', 'data-t1', 'data-x0', 'data-x1'].map((a) => Number(g.getAttribute(a)));
  return (t) => x0! + ((t - t0!) / (t1! - t0!)) * (x1! - x0!);
}

function translateX(el: Element): number {
  const m = /translate\(([-\d.]+),/.exec(el.getAttribute('transform') ?? '');
  return Number(m![1]);
}

describe('renderReport', () => {
  it('renderReport(input) is byte-identical for the same input (short run and 7-day run)', () => {
    expect(renderReport(shortRunWithFault())).toBe(renderReport(shortRunWithFault()));
    expect(renderReport(sevenDayRun())).toBe(renderReport(sevenDayRun()));
  });

  it('renderReport(input) draws every chart, the fault table and the hover data', () => {
    const doc = parse(renderReport(shortRunWithFault()));
    for (const id of CHART_IDS) expect(doc.getElementById(id), id).not.toBeNull();
    expect(doc.querySelectorAll('#fault-table tbody tr')).toHaveLength(1);
    const data = JSON.parse(doc.getElementById('report-data')!.textContent!);
    expect(data.t1).toHaveLength(60);
    expect(doc.querySelector('h1')!.textContent).toBe('fixture');
  });

  it('every chart shares one time axis: same plot offset, domain and range', () => {
    const doc = parse(renderReport(shortRunWithFault()));
    const sig = CHART_IDS.map((id) => {
      const g = doc.querySelector(`#${id} g.plot`)!;
      return ['transform', 'data-t0', 'data-t1', 'data-x0', 'data-x1'].map((a) => g.getAttribute(a)).join(' ');
    });
    expect(new Set(sig).size).toBe(1);
    const g = doc.querySelector('#chart-lanes g.plot')!;
    expect(Number(g.getAttribute('data-t1'))).toBe(600);
  });

  it('lane markers sit at x = scale(t) of their event, with data-t and data-event', () => {
    const input = shortRunWithFault();
    const doc = parse(renderReport(input));
    const x = scaleOf(doc, 'chart-lanes');
    const markers = [...doc.querySelectorAll('#chart-lanes g.marker')];
    const expected = input.events.filter((e) => ['fault', 'traffic_stopped', 'restart'].includes(e.event));
    expect(markers).toHaveLength(expected.length);
    for (const e of expected) {
      const m = markers.find((el) => el.getAttribute('data-event') === e.event && Number(el.getAttribute('data-t')) === e.t);
      expect(m, `${e.event} at ${e.t}`).toBeDefined();
      expect(translateX(m!)).toBeCloseTo(x(e.t), 2);
      expect(m!.getAttribute('data-replica')).toBe(String(e.replica));
    }
    // And the fault at 200 s lands a third of the way along a 600 s axis.
    const fault = markers.find((el) => el.getAttribute('data-event') === 'fault')!;
    const g = doc.querySelector('#chart-lanes g.plot')!;
    expect(translateX(fault) / Number(g.getAttribute('data-x1'))).toBeCloseTo(1 / 3, 3);
  });

  it('scale markers sit at x = scale(t) above the replicas chart', () => {
    const input = shortRunWithFault();
    const doc = parse(renderReport(input));
    const x = scaleOf(doc, 'chart-replicas');
    const marks = [...doc.querySelectorAll('#chart-replicas g.scale-marker')];
    const expected = input.events.filter((e) => e.event === 'scale_up' || e.event === 'scale_down');
    expect(marks.map((m) => [m.getAttribute('data-event'), Number(m.getAttribute('data-t'))])).toEqual(
      expected.map((e) => [e.event, e.t]),
    );
    for (const m of marks) expect(translateX(m)).toBeCloseTo(x(Number(m.getAttribute('data-t'))), 2);
    expect(marks[1]!.querySelector('title')!.textContent).toContain('scale up 2 → 3');
  });

  it('the 7-day report stays under 3 MB and no series has more than ~1000 points', () => {
    const html = renderReport(sevenDayRun());
    expect(Buffer.byteLength(html)).toBeLessThan(3 * 1024 * 1024);
    const doc = parse(html);
    for (const p of doc.querySelectorAll('svg.chart path')) {
      const commands = (p.getAttribute('d') ?? '').match(/[MLHVCZA]/gi)?.length ?? 0;
      expect(commands).toBeLessThan(4 * 1000 + 10);
    }
    // Lanes: at most one rect per pixel column per lane (plus the strip).
    const lanes = doc.querySelectorAll('#chart-lanes g.lane');
    expect(lanes.length).toBe(30);
    for (const lane of lanes) {
      const runs = [...lane.querySelectorAll('path')].reduce((a, p) => a + (p.getAttribute('d')!.match(/M/g)?.length ?? 0), 0);
      expect(runs).toBeGreaterThan(0);
      expect(runs).toBeLessThanOrEqual(2 * 980);
    }
    // One time unit: days.
    const ticks = [...doc.querySelectorAll('#chart-traffic .axis-x .tick text')].map((t) => t.textContent);
    expect(ticks).toEqual(['0 d', '1 d', '2 d', '3 d', '4 d', '5 d', '6 d', '7 d']);
  });

  it('a day of crash loops on 60 replicas keeps at most 3000 markers and stays under 3 MB', () => {
    const events = [];
    for (let r = 0; r < 60; r++) {
      events.push(...coldStart(r, 0));
      for (let t = 200 + r; t < 86400; t += 60) {
        events.push(ev(t, r, 'fault', null, null, 'kind=crash'), ev(t, r, 'restart', null, null, 'cause=crash;backoff=10'));
        events.push(ev(t, r, 'state', 'ready', 'backoff'), ev(t + 10, r, 'state', 'backoff', 'loading'));
        events.push(ev(t + 30, r, 'state', 'loading', 'ready'), ev(t + 40, r, 'routable'));
      }
    }
    events.sort((a, b) => a.t - b.t);
    const input = { ...sevenDayRun(), events };
    input.summary = { ...input.summary, duration_s: 86400 };
    input.timeline = input.timeline.filter((r) => r.t! <= 86400);
    const html = renderReport(input);
    expect(Buffer.byteLength(html)).toBeLessThan(3 * 1024 * 1024);
    const doc = parse(html);
    const markers = doc.querySelectorAll('#chart-lanes g.marker');
    expect(markers.length).toBeLessThanOrEqual(3000);
    expect(markers.length).toBeGreaterThan(100);
    const counted = [...markers].reduce((a, m) => a + Number(m.getAttribute('data-count')), 0);
    expect(counted).toBe(events.filter((e) => e.event === 'fault' || e.event === 'restart').length);
  });

  it('numbers in the SVG are at fixed precision (at most 2 decimals)', () => {
    const html = renderReport(sevenDayRun());
    const svgs = html.match(/<svg[\s\S]*?<\/svg>/g)!.join('');
    const long = svgs.replace(/data-t="[^"]*"/g, '').match(/\d+\.\d{3,}/g);
    expect(long).toBeNull();
  });

  it('escapes scenario text and loads nothing from the network', () => {
    const html = renderReport(shortRunWithFault());
    expect(html).toContain('&lt;after&gt;');
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
  });

  it('renders an empty run (no rows, no events, no config) without throwing', () => {
    const input: ReportInput = {
      config: null,
      summary: summary({ duration_s: 60, health: { faults: [] }, warnings: [] }),
      timeline: [],
      events: [],
    };
    const doc = parse(renderReport(input));
    for (const id of CHART_IDS) expect(doc.getElementById(id)).not.toBeNull();
    expect(doc.body.textContent).toContain('No config.json');
    expect(doc.body.textContent).toContain('No faults');
  });

  it('shows the startup threshold only on baseten-2026', () => {
    expect(parse(renderReport(sevenDayRun())).body.textContent).toContain('startup threshold');
    expect(parse(renderReport(shortRunWithFault())).body.textContent).not.toContain('startup threshold');
  });
});

describe('aggregateTimeline', () => {
  it('aggregateTimeline(rows, 980) buckets 60,480 rows to ≤ 980, summing counters and keeping maxima', () => {
    const rows = sevenDayRun().timeline;
    const b = aggregateTimeline(rows, 980);
    expect(b.n).toBeLessThanOrEqual(980);
    expect(b.rowsPerBucket).toBe(62);
    expect(d3.sum(b.arrivals)).toBe(d3.sum(rows, (r) => r.arrivals!));
    expect(d3.sum(b.failedBy.find((f) => f.status === '503')!.values)).toBe(d3.sum(rows, (r) => r.failed_503!));
    expect(Math.max(...(b.desired as number[]))).toBe(6);
    expect(b.t1[b.n - 1]).toBe(7 * 86400);
    expect(b.t0[1]).toBe(b.t1[0]);
  });

  it('aggregateTimeline(rows, n ≥ rows) keeps each row as its own bucket', () => {
    const rows = [
      row(10, { arrivals: 3, ready: 2, routable: 1, traffic_stopped: 0, latency_p50: 0.5 }),
      row(20, { arrivals: 5, failed: 2, failed_500: 1 }),
    ];
    const b = aggregateTimeline(rows, 1000);
    expect(b.n).toBe(2);
    expect(b.t0).toEqual([0, 10]);
    expect(b.waiting).toEqual([1, 0]);
    expect(b.p50).toEqual([0.5, null]);
    expect(b.failedBy.map((f) => f.status)).toEqual(['500', 'other']);
  });

  it('averages replica states and takes the median p50 and max p99 over a bucket', () => {
    const rows = [
      row(10, { routable: 1, latency_p50: 1, latency_p99: 2 }),
      row(20, { routable: 2, latency_p50: 3, latency_p99: 9 }),
      row(30, { routable: 3, latency_p50: 2, latency_p99: 4 }),
    ];
    const b = aggregateTimeline(rows, 1);
    expect(b.routable).toEqual([2]);
    expect(b.p50).toEqual([2]);
    expect(b.p99).toEqual([9]);
  });
});

describe('replicaHistories', () => {
  it('replicaHistories(events) rebuilds routable / stopped / loading spans around a fault', () => {
    const [r0] = replicaHistories(shortRunWithFault().events, 600);
    expect(r0!.spans).toEqual([
      { t0: 0, t1: 5, kind: 'scheduling' },
      { t0: 5, t1: 25, kind: 'pulling' },
      { t0: 25, t1: 85, kind: 'loading' },
      { t0: 85, t1: 90, kind: 'waiting' },
      { t0: 90, t1: 240, kind: 'routable' },
      { t0: 240, t1: 270, kind: 'stopped' },
      { t0: 270, t1: 330, kind: 'loading' },
      { t0: 330, t1: 340, kind: 'waiting' },
      { t0: 340, t1: 600, kind: 'routable' },
    ]);
  });

  it('a terminated replica ends at its termination', () => {
    const [h] = replicaHistories(
      [...coldStart(0, 0), ev(200, 0, 'state', 'ready', 'terminating'), ev(210, 0, 'state', 'terminating', 'terminated')],
      600,
    );
    expect(h!.end).toBe(210);
    expect(h!.spans.at(-1)).toEqual({ t0: 200, t1: 210, kind: 'terminating' });
  });

  it('cumulativeNotServing(histories, at) integrates billed-but-not-routable seconds', () => {
    const hs = replicaHistories(shortRunWithFault().events, 600);
    // r0: loading 25–85, waiting 85–90, stopped 240–270, loading 270–330, waiting 330–340 = 60+5+30+60+10 = 165
    // r1: loading 30–100, waiting 100–105 = 75
    expect(cumulativeNotServing(hs, [0, 50, 600])).toEqual([0, 25 + 20, 165 + 75]);
  });

  it('assignLanes packs replicas that never overlap once there are more than 40', () => {
    const events = Array.from({ length: 300 }, (_, i) => [
      ...coldStart(i, i * 600),
      ev(i * 600 + 1000, i, 'state', 'ready', 'terminating'),
      ev(i * 600 + 1100, i, 'state', 'terminating', 'terminated'),
    ]).flat();
    events.sort((a, b) => a.t - b.t);
    const hs = replicaHistories(events, 300 * 600 + 2000);
    const lanes = assignLanes(hs);
    expect(lanes.length).toBe(2);
    expect(lanes.flat()).toHaveLength(300);
    expect(laneRows(hs)[0]!.label).toBe('r0 +149');
  });

  it('laneRows merges lanes into at most 120 rows for 1,000 overlapping replicas', () => {
    const events = Array.from({ length: 1000 }, (_, i) => coldStart(i, i)).flat();
    events.sort((a, b) => a.t - b.t);
    const rows = laneRows(replicaHistories(events, 3600));
    expect(rows.length).toBeLessThanOrEqual(120);
    expect(rows[0]!.label).toMatch(/^lanes 1–/);
  });

  it('rasterize merges spans shorter than a pixel and flags a hidden back-off', () => {
    const spans = [] as { t0: number; t1: number; kind: 'routable' | 'backoff' }[];
    for (let t = 0; t < 86400; t += 300) spans.push({ t0: t, t1: t + 240, kind: 'routable' }, { t0: t + 240, t1: t + 300, kind: 'backoff' });
    const x = d3.scaleLinear().domain([0, 86400]).range([0, 100]);
    const { main, worst } = rasterize([{ id: 0, start: 0, end: 86400, spans }], x, 100);
    expect(main).toEqual([{ x0: 0, x1: 100, kind: 'routable' }]);
    expect(worst).toEqual([{ x0: 0, x1: 100, kind: 'backoff' }]);
  });
});

describe('time axis and formats', () => {
  it.each([
    [600, 'min', 60],
    [3600, 'min', 300],
    [86400, 'h', 7200],
    [7 * 86400, 'd', 86400],
    [120, 's', 10],
  ])('timeTicks(%i) uses %s with a step of %i s', (span, unit, step) => {
    const t = timeTicks(span);
    expect(t.unit.label).toBe(unit);
    expect(t.step).toBe(step);
    expect(t.ticks.length).toBeLessThanOrEqual(13);
    expect(t.ticks[0]).toBe(0);
  });

  it('formatTick and formatDuration read in human units', () => {
    expect(formatTick(5400, timeTicks(7200).unit)).toBe('90 min');
    expect(formatDuration(12.5)).toBe('12.5 s');
    expect(formatDuration(303)).toBe('5m 03s');
    expect(formatDuration(7500)).toBe('2h 05m');
    expect(formatDuration(3 * 86400 + 4 * 3600)).toBe('3d 04h');
    expect(formatLatency(0.8)).toBe('800 ms');
    expect(formatPercent(0.99953)).toBe('99.953 %');
  });

  it('parseCsv reads quoted fields with commas and doubled quotes', () => {
    expect(parseCsv('a,b\n1,"x, ""y"""\n')).toEqual([
      ['a', 'b'],
      ['1', 'x, "y"'],
    ]);
  });
});
