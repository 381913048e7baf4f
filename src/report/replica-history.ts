import type { EventRow } from '../model/summary.js';

/**
 * What a replica was doing, as spans rebuilt from events.csv. `ready` splits in three by
 * the routing flag: `waiting` (loaded, no passing readiness check yet), `routable`, and
 * `stopped` (traffic-stopped). Per docs/outputs.md a replica is routable from its
 * `routable`/`traffic_resumed` row until the next `traffic_stopped`, `restart`, or `state`
 * row that leaves `ready`.
 */
export type SpanKind =
  | 'scheduling'
  | 'pulling'
  | 'loading'
  | 'waiting'
  | 'routable'
  | 'stopped'
  | 'backoff'
  | 'terminating'
  | 'other';

export interface Span {
  t0: number;
  t1: number;
  kind: SpanKind;
}

export interface ReplicaHistory {
  id: number;
  /** First event (creation). */
  start: number;
  /** `terminated`, or the run's end. */
  end: number;
  spans: Span[];
}

/** Billed states (SPEC §2): load, serving, idle warm, failing checks, back-off. */
export const BILLED_KINDS: ReadonlySet<SpanKind> = new Set(['loading', 'waiting', 'routable', 'stopped', 'backoff']);
/** Billed but not taking traffic: what `minutes_not_serving` counts. */
export const NOT_SERVING_KINDS: ReadonlySet<SpanKind> = new Set(['loading', 'waiting', 'stopped', 'backoff']);

const STATE_KINDS: Readonly<Record<string, SpanKind>> = {
  scheduling: 'scheduling',
  pulling: 'pulling',
  loading: 'loading',
  backoff: 'backoff',
  terminating: 'terminating',
};

interface Tracker {
  id: number;
  start: number;
  end: number | null;
  state: string | null;
  flag: 'waiting' | 'routable' | 'stopped';
  since: number;
  spans: Span[];
}

function kindOf(tr: Tracker): SpanKind | null {
  if (tr.state === null || tr.state === 'terminated') return null;
  if (tr.state === 'ready') return tr.flag;
  return STATE_KINDS[tr.state] ?? 'other';
}

export function replicaHistories(events: readonly EventRow[], duration: number): ReplicaHistory[] {
  const byId = new Map<number, Tracker>();
  for (const e of events) {
    if (e.replica === null) continue;
    if (e.event === 'scale_up' || e.event === 'scale_down') continue;
    let tr = byId.get(e.replica);
    if (tr === undefined) {
      tr = { id: e.replica, start: e.t, end: null, state: null, flag: 'waiting', since: e.t, spans: [] };
      byId.set(e.replica, tr);
    }
    const before = kindOf(tr);
    switch (e.event) {
      case 'state': {
        const to = e.to === null ? null : String(e.to);
        if (to !== 'ready' || tr.state !== 'ready') tr.flag = 'waiting';
        tr.state = to;
        if (to === 'terminated') tr.end = e.t;
        break;
      }
      case 'routable':
      case 'traffic_resumed':
        tr.flag = 'routable';
        break;
      case 'traffic_stopped':
        tr.flag = 'stopped';
        break;
      case 'restart':
        tr.flag = 'waiting';
        break;
      default:
        break;
    }
    const after = kindOf(tr);
    if (before !== after) {
      if (before !== null && e.t > tr.since) tr.spans.push({ t0: tr.since, t1: e.t, kind: before });
      tr.since = e.t;
    }
  }
  const out: ReplicaHistory[] = [];
  for (const tr of [...byId.values()].sort((a, b) => a.id - b.id)) {
    const last = kindOf(tr);
    if (last !== null && duration > tr.since) tr.spans.push({ t0: tr.since, t1: duration, kind: last });
    out.push({ id: tr.id, start: tr.start, end: tr.end ?? duration, spans: tr.spans });
  }
  return out;
}

/**
 * Lanes for the Gantt chart. Up to `maxOneEach` replicas get a lane each (lane i = the i-th
 * replica by id); beyond that, replicas whose lifetimes do not overlap share a lane
 * (first-fit by creation time, like interval colouring), so a week of scale-ups and -downs
 * needs about as many lanes as the peak replica count rather than one per replica ever created.
 */
export function assignLanes(histories: readonly ReplicaHistory[], maxOneEach = 40): ReplicaHistory[][] {
  if (histories.length <= maxOneEach) return histories.map((h) => [h]);
  const lanes: ReplicaHistory[][] = [];
  const laneEnd: number[] = [];
  const byStart = [...histories].sort((a, b) => a.start - b.start || a.id - b.id);
  for (const h of byStart) {
    let k = laneEnd.findIndex((end) => end <= h.start);
    if (k === -1) {
      k = lanes.length;
      lanes.push([]);
      laneEnd.push(0);
    }
    lanes[k]!.push(h);
    laneEnd[k] = h.end;
  }
  return lanes;
}

/**
 * Cumulative billed-but-not-routable seconds at each time of `at` (ascending): the part of
 * the bill spent on replicas loading, waiting for a first check, traffic-stopped or in
 * back-off. Seconds, not rounded minutes (the summary's `minutes_not_serving` rounds per replica).
 */
export function cumulativeNotServing(histories: readonly ReplicaHistory[], at: readonly number[]): number[] {
  const spans: Span[] = [];
  for (const h of histories) for (const s of h.spans) if (NOT_SERVING_KINDS.has(s.kind)) spans.push(s);
  // Sweep: +1 rate at each span start, −1 at its end; integrate between query points.
  const deltas: { t: number; d: number }[] = [];
  for (const s of spans) {
    deltas.push({ t: s.t0, d: 1 }, { t: s.t1, d: -1 });
  }
  deltas.sort((a, b) => a.t - b.t || a.d - b.d);
  const out: number[] = [];
  let rate = 0;
  let acc = 0;
  let last = 0;
  let k = 0;
  for (const t of at) {
    while (k < deltas.length && deltas[k]!.t <= t) {
      acc += rate * (deltas[k]!.t - last);
      last = deltas[k]!.t;
      rate += deltas[k]!.d;
      k++;
    }
    acc += rate * (t - last);
    last = t;
    out.push(acc);
  }
  return out;
}
