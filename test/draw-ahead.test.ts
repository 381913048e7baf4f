import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DrawAhead, drawWorkerFile } from '../src/draw-ahead/draw-ahead.js';
import { CHUNK } from '../src/draw-ahead/ring.js';
import { generator, type DrawSpec } from '../src/draw-ahead/sequences.js';
import type { Config } from '../src/model/config.js';
import type { EventRow, RequestRow, Summary, TimelineRow } from '../src/model/summary.js';
import { simulate } from '../src/run.js';
import { config } from './helpers/run-model.js';

// Issue #15: arrival and service times drawn ahead on a worker thread must be the very values
// drawn in place (same streams, same code), whatever point the reader switches at.

const lognormal: DrawSpec = { kind: 'service', seed: 7, dist: { dist: 'lognormal', median: 0.8, sigma: 0.57 } };
const diurnal: DrawSpec = {
  kind: 'arrivals',
  seed: 7,
  index: 0,
  traffic: { kind: 'diurnal', mean: 100, amplitude: 50, period: 3600, peak_at: 600, start: 0, end: null },
  horizon: 1e9,
};

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The most sequences read from the worker at once during the last readAll. */
let mostFromWorker = 0;

/**
 * Read `n` values of each sequence in turn. Until every sequence reads from the worker, each chunk
 * boundary waits up to 50 ms, so the worker has started and written ahead when the reader next
 * crosses one (where it switches).
 */
function readAll(ahead: DrawAhead, specs: DrawSpec[], n: number): number[][] {
  const seqs = specs.map((s) => ahead.sequence(s));
  const out = specs.map(() => [] as number[]);
  mostFromWorker = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < seqs.length; k++) out[k]!.push(seqs[k]!());
    if (i % CHUNK === CHUNK - 1 && ahead.fromWorker < seqs.length) sleep(50);
    mostFromWorker = Math.max(mostFromWorker, ahead.fromWorker);
  }
  return out;
}

function inPlace(spec: DrawSpec, n: number): number[] {
  const g = generator(spec);
  return Array.from({ length: n }, () => g());
}

describe('draw-ahead', () => {
  it('gives the same values, bit for bit, as drawing in place, once the worker serves them', () => {
    expect(drawWorkerFile()).not.toBeNull(); // npm test builds dist/ first
    const ahead = new DrawAhead(undefined, 1);
    const n = 40 * CHUNK + 123;
    const got = readAll(ahead, [lognormal, diurnal], n);
    expect(ahead.fromWorker).toBe(2); // both rings were read from the worker by the end
    ahead.close();
    expect(got[0]).toEqual(inPlace(lognormal, n));
    expect(got[1]).toEqual(inPlace(diurnal, n));
  });

  it('ends a sequence where it ends in place (NaN), and stays ended without waiting', () => {
    const short = { ...diurnal, horizon: 3600 } as DrawSpec; // about 360,000 arrivals: 100/s for an hour
    const want = inPlace(short, 400_000);
    const end = want.findIndex((v) => Number.isNaN(v));
    expect(end).toBeGreaterThan(300_000);
    const ahead = new DrawAhead(undefined, 1);
    // Past the end too: NaN from then on, at once (the worker's ring says it ended; waiting for a
    // chunk that never comes would time this test out).
    const [got] = readAll(ahead, [short], end + 3 * CHUNK);
    expect(mostFromWorker).toBe(1);
    expect(got.slice(0, end + 1)).toEqual(want.slice(0, end + 1));
    expect(got.slice(end).every((v) => Number.isNaN(v))).toBe(true);
    expect(() => ahead.sequence(lognormal)).toThrow(/worker has started/); // the worker has its list
    ahead.close();
  });

  /** A worker file that runs `produce` on each spec's real sequence wrapped by `wrap` (JavaScript source of `(g) => () => number`). */
  function withWorker(wrap: string, test: (file: string) => void): void {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploysim-draw-'));
    const dist = path.resolve('dist/draw-ahead');
    const file = path.join(dir, 'worker.mjs');
    fs.writeFileSync(
      file,
      `import { workerData } from 'node:worker_threads';
import { produce } from ${JSON.stringify(path.join(dist, 'ring.js'))};
import { generator } from ${JSON.stringify(path.join(dist, 'sequences.js'))};
const { bell, specs, rings } = workerData;
produce(bell, rings, specs.map((s) => (${wrap})(generator(s))));
`,
    );
    try {
      test(file);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  it('draws on by itself, with the same values, when the worker throws part way', () => {
    // 20 chunks of the real sequence, then an exception: the reader is on the ring by then.
    withWorker(`(g) => { let n = 0; return () => { if (++n > 20 * ${CHUNK}) throw new Error('boom'); return g(); }; }`, (file) => {
      const ahead = new DrawAhead(file, 0);
      const n = 30 * CHUNK;
      const [got] = readAll(ahead, [lognormal], n);
      expect(mostFromWorker).toBe(1); // it read from the ring before the worker failed
      expect(ahead.fromWorker).toBe(0); // and from its own copy after
      ahead.close();
      expect(got).toEqual(inPlace(lognormal, n));
    });
  });

  it('draws on by itself, with the same values, when the worker dies without a word', () => {
    // As out of memory or a kill: the thread ends, nothing is flagged; the reader gives up waiting (1 s).
    withWorker(`(g) => { let n = 0; return () => { if (++n > 20 * ${CHUNK}) process.exit(1); return g(); }; }`, (file) => {
      const ahead = new DrawAhead(file, 0);
      const n = 40 * CHUNK;
      const [got] = readAll(ahead, [lognormal], n);
      expect(mostFromWorker).toBe(1);
      expect(ahead.fromWorker).toBe(0);
      ahead.close();
      expect(got).toEqual(inPlace(lognormal, n));
    });
  });

  it('never reads a worker that draws other values (a stale build): the first value is checked at the switch', () => {
    withWorker(`(g) => () => g() + 1`, (file) => {
      const ahead = new DrawAhead(file, 0);
      const n = 10 * CHUNK;
      const [got] = readAll(ahead, [lognormal], n);
      expect(mostFromWorker).toBe(0);
      ahead.close();
      expect(got).toEqual(inPlace(lognormal, n));
    });
  });

  it('draws in place when no worker is built, and sequences too cheap to pay for the thread', () => {
    const ahead = new DrawAhead(null, 0);
    const [got] = readAll(ahead, [lognormal], 3 * CHUNK);
    expect(ahead.fromWorker).toBe(0);
    expect(got).toEqual(inPlace(lognormal, 3 * CHUNK));
    const constant = new DrawAhead(undefined, 0);
    const [c] = readAll(constant, [{ kind: 'service', seed: 1, dist: { dist: 'constant', value: 2 } }], 2 * CHUNK);
    expect(constant.fromWorker).toBe(0);
    expect(new Set(c)).toEqual(new Set([2]));
    const exponential: DrawSpec = { kind: 'service', seed: 1, dist: { dist: 'exponential', mean: 1 } };
    const poisson: DrawSpec = { kind: 'arrivals', seed: 1, index: 0, traffic: { kind: 'poisson', rate: 9, start: 0, end: null }, horizon: 1e6 };
    const cheap = new DrawAhead(undefined, 0);
    const [e, p] = readAll(cheap, [exponential, poisson], 3 * CHUNK);
    expect(cheap.fromWorker).toBe(0);
    expect(e).toEqual(inPlace(exponential, 3 * CHUNK));
    expect(p).toEqual(inPlace(poisson, 3 * CHUNK));
  });
});

describe('a run with its draws made ahead', () => {
  function collect(cfg: Config, drawAhead: boolean): { summary: Summary; events: EventRow[]; timeline: TimelineRow[]; requests: RequestRow[] } {
    const events: EventRow[] = [];
    const timeline: TimelineRow[] = [];
    const requests: RequestRow[] = [];
    const summary = simulate(cfg, { event: (r) => events.push(r), sample: (r) => timeline.push(r), request: (r) => requests.push(r) }, { drawAhead });
    return { summary, events, timeline, requests };
  }

  it('writes exactly what the same run writes with its draws made in place', () => {
    const cfg = config((c) => {
      c.seed = 11;
      c.duration = 1800;
      c.deployment.initial_state = 'warm';
      c.deployment.service_time = { dist: 'lognormal', median: 0.8, sigma: 0.6 };
      c.deployment.autoscaling.min_replica = 4;
      c.deployment.autoscaling.max_replica = 12;
      c.traffic = [
        { kind: 'diurnal', mean: 30, amplitude: 10, period: 900, peak_at: 300, start: 0, end: null },
        { kind: 'poisson', rate: 5, start: 600, end: 1200 },
      ];
      c.faults = [{ kind: 'cuda_error', at: null, mtbf: 300, duration: null, probability: 1, factor: 1, after: 0, replica: { kind: 'random' } }];
    });
    const ahead = collect(cfg, true);
    const here = collect(cfg, false);
    expect(here.summary.requests.arrived).toBeGreaterThan(50_000); // long enough for the worker to start
    expect(ahead).toEqual(here);
  });
});
