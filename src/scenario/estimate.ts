/**
 * How much work a run will do, estimated before it starts, so a scenario that would run for
 * hours or exhaust memory is refused with a message instead of hanging. Counted: arrivals (the
 * integral of each traffic process's rate over its window; a trace's rows in the window),
 * timeline samples, probe ticks (every replica up to max_replica probed each period),
 * autoscaler decisions and fault occurrences. Retries are not counted: they depend on failures.
 */
import type { Config, Traffic } from '../model/config.js';
import type { Path } from './source.js';
import { grouped } from '../text/human.js';

export interface WorkPart {
  /** What the part counts, e.g. `arrivals of traffic.0`. */
  what: string;
  count: number;
  /** The key that drives it: where a refusal is reported. */
  path: Path;
}

export interface WorkEstimate {
  total: number;
  parts: WorkPart[];
}

/** Expected arrivals of one traffic process within [0, horizon). */
export function expectedArrivals(t: Traffic, horizon: number): number {
  const start = t.start;
  const end = Math.min(t.end ?? Infinity, horizon);
  if (!(end > start)) return 0;
  const len = end - start;
  switch (t.kind) {
    case 'poisson':
      return t.rate * len;
    case 'constant':
      return Math.ceil(t.rate * len);
    case 'burst': {
      const s = Math.max(start, t.at);
      const e = Math.min(end, t.at + t.duration);
      return e > s ? t.rate * (e - s) : 0;
    }
    case 'schedule': {
      let sum = 0;
      t.steps.forEach((step, i) => {
        const s = Math.max(start, step.at);
        const e = Math.min(end, t.steps[i + 1]?.at ?? Infinity);
        if (e > s) sum += step.rate * (e - s);
      });
      return sum;
    }
    case 'diurnal': {
      // ∫ mean + amplitude·cos(...) ≤ mean·len + amplitude·period/π, and ≤ (mean + amplitude)·len.
      return Math.min((t.mean + t.amplitude) * len, t.mean * len + (t.amplitude * t.period) / Math.PI);
    }
    case 'trace': {
      // Rows whose arrival start + offset / speedup falls in [start, end): offsets are sorted.
      const offsets = t.rows.offsets;
      const limit = (end - start) * t.speedup;
      let lo = 0;
      let hi = offsets.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (offsets[mid]! < limit) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    }
  }
}

/** The key of each traffic kind that sets how many arrivals it makes. */
const DRIVER: Record<Traffic['kind'], string> = { poisson: 'rate', constant: 'rate', burst: 'rate', schedule: 'steps', diurnal: 'mean', trace: 'file' };

export function estimateWork(config: Config): WorkEstimate {
  const d = config.duration;
  const maxReplica = config.deployment.autoscaling.max_replica;
  const parts: WorkPart[] = config.traffic.map((t, i) => ({
    what: `arrivals of traffic.${i}`,
    count: expectedArrivals(t, d),
    path: ['traffic', i, DRIVER[t.kind]],
  }));
  parts.push(
    { what: 'timeline samples', count: d / config.output.sample_interval, path: ['output', 'sample_interval'] },
    { what: 'probe ticks', count: (maxReplica * d) / config.assumptions.probe_period, path: ['assumptions', 'probe_period'] },
    { what: 'autoscaler decisions', count: d / config.assumptions.autoscaler_interval, path: ['assumptions', 'autoscaler_interval'] },
  );
  config.faults.forEach((f, i) => {
    if (f.mtbf === null) return;
    const targets = f.replica.kind === 'index' || f.replica.kind === 'random' ? 1 : maxReplica;
    parts.push({ what: `occurrences of faults.${i}`, count: (targets * Math.max(0, d - (f.at ?? 0))) / f.mtbf, path: ['faults', i, 'mtbf'] });
  });
  return { total: parts.reduce((s, p) => s + p.count, 0), parts };
}

/** 8640000000 → `8,640,000,000`; beyond 1e15 in exponent notation. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return 'more than 1.8e308';
  if (n >= 1e15) return n.toExponential(2).replace('e+', 'e');
  return grouped(Math.round(n));
}
