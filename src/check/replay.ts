/**
 * The checker's replay (SPEC §11): one pass over events.csv that rebuilds each replica's track
 * (state, routability, containers, passes, billing span), the replica count, the timeline gauges
 * and the fault records, from the rows alone. Every invariant (src/check/invariants/*.ts) reads
 * this replay and keeps its own state; none of them changes it.
 *
 * Each row gets a step with the replica's track just before and just after the row (frozen
 * snapshots), so an invariant can walk the rows again and see the track as it was at that row.
 *
 * Ties: rows at the same time have no order relative to requests.csv; `tol` absorbs rounded times.
 */
import type { EventRow } from '../model/summary.js';
import { GONE_STATES, STARTING_STATES } from './rules.js';
import type { RunOutputs, Violation } from './violations.js';

/** Seconds with up to 3 decimals, no trailing zeros: "431.2 s", "420 s", "0.125 s". */
export function secs(t: number): string {
  return `${Number(t.toFixed(3))} s`;
}

/** `key=<number>` in an event row's detail ("failures=3;backoff=10"), or null. */
export function detailNumber(detail: string, key: string): number | null {
  const m = new RegExp(`(?:^|[;,\\s])${key}=(-?[0-9.eE+-]+)`).exec(detail);
  if (!m) return null;
  const v = Number(m[1]);
  return Number.isFinite(v) ? v : null;
}

/** `key=<word>` in an event row's detail ("cause=liveness"), or null. */
export function detailWord(detail: string, key: string): string | null {
  const m = new RegExp(`(?:^|[;,\\s])${key}=([A-Za-z_]+)`).exec(detail);
  return m ? m[1]! : null;
}

export interface RoutabilityChange {
  t: number;
  routable: boolean;
  /** Why, phrased to follow "which ...": "stopped traffic at 420 s". */
  reason: string;
}

/** One replica as the rows leave it at some point of the replay (a frozen snapshot). */
export interface TrackState {
  readonly id: number;
  readonly created: number;
  readonly state: string;
  readonly routable: boolean;
  /** Start of the current container (the `loading` row, or creation for a warm replica). */
  readonly containerStart: number | null;
  /**
   * The current container was started warm (initial_state: warm): routable at creation without a
   * check, so its first checks come at start + delay (+ phase), not one period after a pass.
   */
  readonly warm: boolean;
  /** Latest passing readiness check seen in the current container (`routable` / `traffic_resumed`). */
  readonly lastPass: number | null;
  /** First pass in the current container (the startup probe's pass under baseten-2026). */
  readonly firstPass: number | null;
  /** First container start: billing starts here (SPEC §8). */
  readonly billStart: number | null;
  /** `terminating` or `terminated`, whichever came first: billing stops here. */
  readonly billEnd: number | null;
  /** Counted by the autoscaler (not terminating/terminated). */
  readonly current: boolean;
  /** Traffic-stopped: a `traffic_stopped` row, until traffic resumes or the replica leaves ready. */
  readonly stopped: boolean;
  /** Restart rows so far (all causes): the removal order ranks by it. */
  readonly restarts: number;
}

/** A replica's track at the end of the rows, with every change of its routability. */
export interface ReplicaTrack extends TrackState {
  readonly changes: readonly RoutabilityChange[];
}

/** What the removal order compares, as a replica was at some instant. */
export interface RemovalRank {
  state: string;
  routable: boolean;
  /** The current container has passed a readiness check (or started warm, routable without one). */
  passed: boolean;
}

/**
 * A scale_down's removal, complete at the row that took its last replica to terminating: the
 * removed replicas as they were at the scale_down row, the kept ones as they are at this row.
 */
export interface Removal {
  removed: { id: number; restarts: number; before: RemovalRank }[];
  kept: { id: number; restarts: number; now: RemovalRank }[];
}

export interface Step {
  /** The row's index in events.csv (0-based). */
  i: number;
  e: EventRow;
  /** false for a row whose time is not a number: it is not replayed. */
  applied: boolean;
  /** The row's replica's track just before the row, or null (no replica, or none created yet). */
  before: TrackState | null;
  /** ... and just after it. */
  after: TrackState | null;
  /** Replicas counted by the autoscaler after the row. */
  current: number;
  /** Set on the row that completes a scale_down's removal. */
  removal: Removal | null;
}

/** The timeline's gauges after a row (SPEC §9 timeline.csv). */
export interface Gauges {
  t: number;
  current: number;
  routable: number;
  starting: number;
  ready: number;
  traffic_stopped: number;
  backoff: number;
}

/** summary.health.faults rebuilt from the rows: one per `fault` row, stamped with the first outcomes. */
export interface FaultRecord {
  kind: string;
  replica: number;
  at: number;
  stop: number | null;
  restart: number | null;
  preempted: number | null;
  again: number | null;
}

export interface Replay {
  run: RunOutputs;
  /** Slack on time comparisons (s). */
  tol: number;
  /** Report at most this many violations. */
  max: number;
  steps: readonly Step[];
  /** Every replica, in creation order, as the last row leaves it. */
  tracks: ReadonlyMap<number, ReplicaTrack>;
  /** Gauges after each replayed row, after a first entry at −∞ with everything 0. */
  history: readonly Gauges[];
  faults: readonly FaultRecord[];
  /** Most replicas counted at once. */
  peak: number;
  restartRows: number;
  stopRows: number;
}

/**
 * Where a violation falls in the order the checker reports them: [row, stage, ...] while walking
 * the rows, [rows, stage] for the end of the run, [rows + 1, pass, ...] for the whole-run checks.
 * The entry (invariants.ts) sorts what every invariant found by slot: the report reads in row order
 * whichever file found what.
 */
export type Slot = readonly number[];

/** The stages of one row, in order. */
export const STAGE = {
  /** The row's own time (invariant 9). */
  time: 0,
  /** The replica count once the previous instant's rows are all in (invariant 5). */
  count: 1,
  /** Deadlines that ran out before the row (invariants 2, 3). */
  deadlines: 2,
  /** The row itself. */
  row: 3,
  /** After the end-of-run deadlines. */
  end: 4,
} as const;

/** The whole-run checks, in order. */
export const PASS = { routing: 0, routingPolicy: 1, routerQueue: 2, autoscalerInput: 3, conservation: 4, billing: 5, agreement: 6 } as const;
/** The parts of PASS.agreement, in order (the initial start is the autoscaler's, reported among them). */
export const AGREEMENT = { counts: 0, faultRecords: 1, latency: 2, initialStart: 3, timeline: 4 } as const;

export interface Found {
  at: Slot;
  v: Violation;
}

export function rowSlot(i: number, stage: number, ...sub: number[]): Slot {
  return [i, stage, ...sub];
}

export function endSlot(rp: Replay, stage: number): Slot {
  return [rp.steps.length, stage];
}

export function passSlot(rp: Replay, pass: number, ...sub: number[]): Slot {
  return [rp.steps.length + 1, pass, ...sub];
}

export function compareSlots(a: Slot, b: Slot): number {
  for (let k = 0; k < Math.min(a.length, b.length); k++) if (a[k] !== b[k]) return a[k]! - b[k]!;
  return a.length - b.length;
}

/** A list of violations that stops growing at rp.max (each invariant reports in slot order). */
export function collector(rp: Replay): { found: Found[]; add: (at: Slot, v: Violation) => void } {
  const found: Found[] = [];
  return {
    found,
    add: (at, v) => {
      if (found.length < rp.max) found.push({ at, v });
    },
  };
}

type MutableTrack = { -readonly [K in keyof TrackState]: TrackState[K] } & { changes: RoutabilityChange[] };

function snapshot(r: MutableTrack): TrackState {
  const { changes: _changes, ...state } = r;
  return Object.freeze(state);
}

export function replay(run: RunOutputs, tol: number, max: number): Replay {
  const tracks = new Map<number, MutableTrack>();
  const steps: Step[] = [];
  const faults: (FaultRecord & { open: boolean })[] = [];
  const history: Gauges[] = [{ t: -Infinity, current: 0, routable: 0, starting: 0, ready: 0, traffic_stopped: 0, backoff: 0 }];
  let current = 0;
  let routableCount = 0;
  let peak = 0;
  let restartRows = 0;
  let stopRows = 0;
  /** The replicas a scale_down row at t removes: the next `count` rows taking replicas to terminating at t. */
  let pending: { t: number; count: number; removed: MutableTrack[] } | null = null;
  let ranksAtScaleDown = new Map<number, RemovalRank>();

  const passedOnce = (r: MutableTrack): boolean => r.warm || r.firstPass !== null;
  const rankNow = (r: MutableTrack): RemovalRank => ({ state: r.state, routable: r.routable, passed: passedOnce(r) });
  const stamp = (replica: number, field: 'stop' | 'restart' | 'preempted' | 'again', t: number): void => {
    for (const f of faults) {
      if (!f.open || f.replica !== replica) continue;
      if (field === 'preempted') {
        // SPEC §9: the loss ends the episode; no restart, never routable again.
        if (f.preempted === null) f.preempted = t;
        f.open = false;
      } else if (field === 'again') {
        if (f.stop === null && f.restart === null) continue;
        f.again = t;
        f.open = false;
      } else if (f[field] === null) f[field] = t;
    }
  };
  const closeRoutable = (r: MutableTrack, t: number, reason: string): void => {
    if (!r.routable) return;
    routableCount--;
    r.routable = false;
    r.changes.push({ t, routable: false, reason });
  };
  const openRoutable = (r: MutableTrack, t: number, reason: string): void => {
    if (r.routable) return;
    routableCount++;
    r.routable = true;
    r.changes.push({ t, routable: true, reason });
  };
  const gauges = (t: number): Gauges => {
    const g: Gauges = { t, current, routable: routableCount, starting: 0, ready: 0, traffic_stopped: 0, backoff: 0 };
    for (const r of tracks.values()) {
      if (STARTING_STATES.has(r.state)) g.starting++;
      else if (r.state === 'ready') {
        g.ready++;
        if (r.stopped) g.traffic_stopped++;
      } else if (r.state === 'backoff') g.backoff++;
    }
    return g;
  };

  /** Applies one row; returns the completed removal, if the row completes one. */
  function apply(e: EventRow): Removal | null {
    const t = e.t;
    if (e.event === 'scale_down') {
      pending = { t, count: Number(e.from) - Number(e.to), removed: [] };
      ranksAtScaleDown = new Map([...tracks.values()].map((r) => [r.id, rankNow(r)]));
      return null;
    }
    if (e.event === 'scale_up' || e.replica === null) return null;
    let r = tracks.get(e.replica);
    if (e.event === 'state') {
      const to = String(e.to ?? '');
      if (!r) {
        r = {
          id: e.replica,
          created: t,
          state: to,
          routable: false,
          containerStart: null,
          warm: to === 'ready',
          lastPass: null,
          firstPass: null,
          billStart: null,
          billEnd: null,
          current: false,
          stopped: false,
          restarts: 0,
          changes: [],
        };
        tracks.set(e.replica, r);
        if (!GONE_STATES.has(to)) {
          r.current = true;
          current++;
        }
        if (to === 'ready') {
          // initial_state: warm: ready and routable at creation, container started then (SPEC §6).
          r.containerStart = t;
          r.billStart = t;
          openRoutable(r, t, `was created warm at ${secs(t)}`);
        } else if (to === 'loading') {
          r.containerStart = t;
          r.billStart = t;
        }
        return null;
      }
      let removal: Removal | null = null;
      if (pending && to === 'terminating' && Math.abs(t - pending.t) <= tol && pending.removed.length < pending.count) {
        pending.removed.push(r);
        if (pending.removed.length === pending.count) {
          const removed = pending.removed;
          removal = {
            removed: removed.map((x) => ({ id: x.id, restarts: x.restarts, before: ranksAtScaleDown.get(x.id) ?? rankNow(x) })),
            kept: [...tracks.values()].filter((k) => k.current && !removed.includes(k)).map((k) => ({ id: k.id, restarts: k.restarts, now: rankNow(k) })),
          };
          pending = null;
        }
      }
      const leaving = r.state;
      // A replica lost at once (preemption), not drained by a scale-down: preempted_at on its open faults (SPEC §9).
      if (to === 'terminated' && leaving !== 'terminating') stamp(r.id, 'preempted', t);
      r.state = to;
      if (leaving === 'ready' && to !== 'ready') closeRoutable(r, t, `entered state ${to} at ${secs(t)}`);
      if (to !== 'ready') r.stopped = false;
      if (to === 'loading') {
        r.containerStart = t;
        r.lastPass = null;
        r.firstPass = null;
        r.warm = false;
        if (r.billStart === null) r.billStart = t;
      }
      if (GONE_STATES.has(to)) {
        if (r.billEnd === null) r.billEnd = t;
        if (r.current) {
          r.current = false;
          current--;
        }
      }
      return removal;
    }
    if (!r) return null;
    switch (e.event) {
      case 'routable':
      case 'traffic_resumed':
        r.stopped = false;
        // A warm replica's `routable` row at its creation is not a check.
        if (!(r.warm && e.event === 'routable' && t <= r.created + tol)) {
          r.lastPass = t;
          if (r.firstPass === null) r.firstPass = t;
        }
        openRoutable(r, t, e.event === 'routable' ? `became routable at ${secs(t)}` : `resumed traffic at ${secs(t)}`);
        stamp(r.id, 'again', t);
        break;
      case 'traffic_stopped':
        r.stopped = true;
        stamp(r.id, 'stop', t);
        stopRows++;
        closeRoutable(r, t, `stopped traffic at ${secs(t)}`);
        break;
      case 'restart':
        stamp(r.id, 'restart', t);
        restartRows++;
        r.restarts++;
        closeRoutable(r, t, `restarted (${detailWord(e.detail, 'cause') ?? 'cause unknown'}) at ${secs(t)}`);
        break;
      case 'fault':
        faults.push({ kind: detailWord(e.detail, 'kind') ?? '', replica: r.id, at: t, stop: null, restart: null, preempted: null, again: null, open: true });
        break;
      default:
        break;
    }
    return null;
  }

  const snapOf = new Map<number, TrackState>();
  const events = run.events;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const applied = Number.isFinite(e.t);
    const id = e.replica;
    const before = id === null ? null : (snapOf.get(id) ?? null);
    const removal = applied ? apply(e) : null;
    let after = before;
    if (applied && id !== null && tracks.has(id)) {
      after = snapshot(tracks.get(id)!);
      snapOf.set(id, after);
    }
    steps.push({ i, e, applied, before, after, current, removal });
    peak = Math.max(peak, current);
    if (applied) history.push(run.samples?.length ? gauges(e.t) : { ...history[history.length - 1]!, t: e.t, current, routable: routableCount });
  }
  const finalTracks = new Map<number, ReplicaTrack>([...tracks].map(([id, r]) => [id, { ...snapshot(r), changes: r.changes }]));
  return { run, tol, max, steps, tracks: finalTracks, history, faults: faults.map(({ open: _open, ...f }) => f), peak, restartRows, stopRows };
}
