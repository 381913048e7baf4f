/**
 * Invariant 5 (SPEC §6, §11): the replica count stays within [min_replica, max_replica] (a lost
 * replica may leave it below min until the next decision); the autoscaler's decisions follow its
 * policy to the letter (decision times, desired from avg_in_flight, scale-up to desired, the
 * scale-down step, scale_down_delay, the ReplicaSet removal order); avg_in_flight is the
 * time-weighted in flight over the window; a new deployment starts with its initial replicas.
 */
import type { EventRow } from '../../model/summary.js';
import { AGREEMENT, collector, detailNumber, endSlot, passSlot, PASS, rowSlot, secs as s, STAGE, type Found, type Removal, type RemovalRank, type Replay, type Slot } from '../replay.js';
import { DETAIL_ROUNDING, EPS, NOT_READY_STATES, REPORTS_PER_CHECK, STATUS_SHED } from '../rules.js';

export function checkAutoscaler(rp: Replay): Found[] {
  const { found, add } = collector(rp);
  const { run, tol } = rp;
  const { config } = run;
  const duration = config.duration;
  const a = config.deployment.autoscaling;
  const dev = config.deployment.environment === 'development';
  const minR = dev ? 0 : a.min_replica;
  const maxR = dev ? 1 : a.max_replica;
  const interval = config.assumptions.autoscaler_interval;

  let current = 0;
  let prevT = -Infinity;
  let lastScaleUp: number | null = null;
  let lastScaleDown: number | null = null;
  let belowMinSince: number | null = null;

  // The count is checked once all rows at an instant are in: before the first row of the next instant.
  const checkCountAt = (t: number, at: Slot): void => {
    if (current > maxR) add(at, { invariant: 5, t, message: `${current} replicas up at ${s(t)}, above max_replica ${maxR}` });
    if (current < minR) {
      if (belowMinSince === null) belowMinSince = t;
    } else if (belowMinSince !== null) {
      // A lost replica (preemption) is replaced at the next autoscaler decision: allow one interval.
      if (t - belowMinSince > interval + tol) {
        add(at, {
          invariant: 5,
          t: belowMinSince,
          message: `${s(belowMinSince)}–${s(t)}: fewer replicas than min_replica ${minR} for ${s(t - belowMinSince)}, longer than one autoscaler interval (${s(interval)})`,
        });
      }
      belowMinSince = null;
    }
  };

  for (const step of rp.steps) {
    if (!step.applied) continue;
    const { e, i } = step;
    const t = e.t;
    if (prevT !== -Infinity && t > prevT + tol) checkCountAt(prevT, rowSlot(i, STAGE.count));
    prevT = Math.max(prevT, t);
    if (e.event === 'scale_up') {
      checkScaleUp(e, rowSlot(i, STAGE.row));
      lastScaleUp = t;
    } else if (e.event === 'scale_down') {
      checkScaleDown(e, rowSlot(i, STAGE.row));
      lastScaleDown = t;
    } else if (step.removal) checkRemovalOrder(step.removal, t, rowSlot(i, STAGE.row));
    current = step.current;
  }
  if (prevT !== -Infinity) checkCountAt(prevT, endSlot(rp, STAGE.count));
  if (belowMinSince !== null && duration - belowMinSince > interval + tol) {
    add(endSlot(rp, STAGE.end), { invariant: 5, t: belowMinSince, message: `from ${s(belowMinSince)} to the end (${s(duration)}): fewer replicas than min_replica ${minR}` });
  }
  checkAutoscalerInput();
  checkInitialStart();
  return found;

  /** desired = clamp(ceil(avg / (target × utilization)), min, max), from the rounded avg in the detail. */
  function desiredRange(avg: number): [number, number] {
    const per = (a.concurrency_target * a.target_utilization_percentage) / 100;
    const d = (x: number): number => Math.min(maxR, Math.max(minR, Math.ceil(Math.max(0, x) / per - EPS)));
    return [d(avg - DETAIL_ROUNDING - EPS), d(avg + DETAIL_ROUNDING + EPS)];
  }

  /** Decisions run at t = interval, 2 × interval, ...; only the activator's poke (from zero) runs between. */
  function onTick(t: number): boolean {
    const k = Math.round(t / interval);
    return k >= 1 && Math.abs(t - k * interval) <= Math.max(tol, EPS * t);
  }

  function checkDesired(e: EventRow, t: number, from: number, at: Slot): number | null {
    const desired = detailNumber(e.detail, 'desired');
    const avg = detailNumber(e.detail, 'avg_in_flight');
    if (desired === null || avg === null) return desired;
    const [lo, hi] = desiredRange(avg);
    // The activator: requests waiting while no replica exists ask for one even if the average rounds to 0.
    const activator = lo === 0 && desired === Math.min(1, maxR) && (from === 0 || e.event === 'scale_up');
    if ((desired < lo || desired > hi) && !activator) {
      add(at, {
        invariant: 5,
        t,
        message: `${e.event} at ${s(t)} with avg_in_flight=${avg} says desired=${desired}; clamp(ceil(${avg} / (${a.concurrency_target} × ${a.target_utilization_percentage}%)), ${minR}, ${maxR}) = ${lo === hi ? lo : `${lo}–${hi}`}`,
      });
    }
    return desired;
  }

  function checkScaleUp(e: EventRow, at: Slot): void {
    const t = e.t;
    const from = Number(e.from);
    const to = Number(e.to);
    if (!Number.isFinite(from) || !Number.isFinite(to)) {
      add(at, { invariant: 5, t, message: `scale_up at ${s(t)} has from="${e.from}" to="${e.to}": not replica counts` });
      return;
    }
    if (!onTick(t) && from !== 0) {
      add(at, { invariant: 5, t, message: `scale_up at ${s(t)} from ${from}: not an autoscaler decision time (every ${s(interval)}), and only a scale from zero may run in between` });
    }
    const desired = checkDesired(e, t, from, at);
    if (desired !== null && to !== desired) add(at, { invariant: 5, t, message: `scale_up at ${s(t)} to ${to}; desired=${desired} (a scale-up adds desired − current at once)` });
    if (to <= from) add(at, { invariant: 5, t, message: `scale_up at ${s(t)} from ${from} to ${to} does not add replicas` });
  }

  function checkScaleDown(e: EventRow, at: Slot): void {
    const t = e.t;
    const from = typeof e.from === 'number' ? e.from : Number(e.from);
    const to = typeof e.to === 'number' ? e.to : Number(e.to);
    if (!Number.isFinite(from) || !Number.isFinite(to)) {
      add(at, { invariant: 5, t, message: `scale_down at ${s(t)} has from="${e.from}" to="${e.to}": not replica counts` });
      return;
    }
    const rate = a.max_scale_down_rate;
    const allowed = Math.max(1, Math.floor((from * rate) / 100));
    if (from - to > allowed) {
      add(at, { invariant: 5, t, message: `scale_down at ${s(t)} from ${from} to ${to} removes ${from - to} replicas; max_scale_down_rate ${rate}% allows ${allowed} in one step` });
    }
    if (to >= from) add(at, { invariant: 5, t, message: `scale_down at ${s(t)} from ${from} to ${to} does not reduce the count` });
    if (to < minR) add(at, { invariant: 5, t, message: `scale_down at ${s(t)} to ${to}, below min_replica ${minR}` });
    if (!onTick(t)) add(at, { invariant: 5, t, message: `scale_down at ${s(t)}: not an autoscaler decision time (every ${s(interval)})` });
    const desired = checkDesired(e, t, from, at);
    if (desired !== null) {
      if (desired >= from) {
        add(at, { invariant: 5, t, message: `scale_down at ${s(t)} from ${from} although desired=${desired} is not below the current count` });
      } else if (to < desired) {
        add(at, { invariant: 5, t, message: `scale_down at ${s(t)} to ${to}, below desired=${desired}` });
      } else if (to !== Math.max(desired, from - allowed)) {
        add(at, { invariant: 5, t, message: `scale_down at ${s(t)} from ${from} to ${to}; the policy removes min(${from} − ${desired}, ${allowed}) = ${Math.min(from - desired, allowed)}` });
      }
    }
    // The countdown starts at a decision with desired < current (no earlier than t = 0), is cancelled
    // by a scale-up decision and restarts after each step: a step needs a full delay after all of them.
    const last = Math.max(lastScaleUp ?? 0, lastScaleDown ?? 0);
    const what = lastScaleDown !== null && lastScaleDown >= (lastScaleUp ?? -Infinity) ? `the previous scale_down at ${s(lastScaleDown)}` : lastScaleUp !== null ? `the scale_up at ${s(lastScaleUp)}` : 'the start of the run';
    if (t - last < a.scale_down_delay - tol) {
      add(at, { invariant: 5, t, message: `scale_down at ${s(t)} only ${s(t - last)} after ${what}; scale_down_delay is ${s(a.scale_down_delay)}` });
    }
  }

  /**
   * Which replicas go (SPEC §6, Kubernetes ReplicaSet order): not yet ready first (scheduling,
   * pulling, loading, backoff, and loaded but its container not yet past its first readiness check),
   * then traffic-stopped (ready, passed once, not routable), then more restarts, then the newest.
   * The removed replicas are ranked as they were at the scale_down row.
   */
  function checkRemovalOrder(removal: Removal, t: number, at: Slot): void {
    const notReady = (b: RemovalRank): boolean => NOT_READY_STATES.has(b.state) || (b.state === 'ready' && !b.routable && !b.passed);
    const rank = (b: RemovalRank): number => (notReady(b) ? 0 : b.routable ? 2 : 1);
    const label = (id: number, restarts: number, b: RemovalRank): string =>
      `replica ${id} (${NOT_READY_STATES.has(b.state) ? b.state : notReady(b) ? 'loaded, readiness not yet passed' : b.routable ? 'routable' : 'traffic-stopped'}, ${restarts} restart${restarts === 1 ? '' : 's'})`;
    for (const r of removal.removed) {
      const kr = [rank(r.before), -r.restarts, -r.id];
      for (const k of removal.kept) {
        const kk = [rank(k.now), -k.restarts, -k.id];
        const cmp = kr[0]! - kk[0]! || kr[1]! - kk[1]! || kr[2]! - kk[2]!;
        if (cmp > 0) {
          add(at, {
            invariant: 5,
            t,
            message: `scale_down at ${s(t)} removed ${label(r.id, r.restarts, r.before)} but kept ${label(k.id, k.restarts, k.now)}, which goes first (not yet ready, then traffic-stopped, then more restarts, then newest)`,
          });
          return;
        }
      }
    }
  }

  /**
   * The autoscaler's input (SPEC §5, §6): `avg_in_flight` in scale rows is the time-weighted
   * average over the last autoscaling_window (the time elapsed, before a full window) of the
   * requests queued or dispatched. Rebuilt from requests.csv when nobody retried (then every
   * request is in flight from arrival to its end; shed ones never enter).
   */
  function checkAutoscalerInput(): void {
    const rows = run.requests;
    if (!rows || rows.some((q) => q.attempts !== 1)) return;
    const changes: [number, number][] = [];
    for (const q of rows) {
      if (q.status === STATUS_SHED) continue;
      changes.push([q.arrival, 1]);
      if (q.finished !== null) changes.push([q.finished, -1]);
    }
    changes.sort((x, y) => x[0] - y[0]);
    const ts: number[] = [0];
    const integral: number[] = [0];
    const level: number[] = [0];
    for (const [t, d] of changes) {
      const i = ts.length - 1;
      const acc = integral[i]! + level[i]! * (t - ts[i]!);
      if (t === ts[i]) level[i] = level[i]! + d;
      else {
        ts.push(t);
        integral.push(acc);
        level.push(level[i]! + d);
      }
    }
    const integralAt = (x: number): number => {
      let lo = 0;
      let hi = ts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (ts[mid]! <= x) lo = mid;
        else hi = mid - 1;
      }
      return integral[lo]! + level[lo]! * (x - ts[lo]!);
    };
    const window = a.autoscaling_window;
    let reported = 0;
    for (const e of run.events) {
      if (e.event !== 'scale_up' && e.event !== 'scale_down') continue;
      const avg = detailNumber(e.detail, 'avg_in_flight');
      if (avg === null || e.t <= 0) continue;
      const from = Math.max(0, e.t - window);
      const want = (integralAt(e.t) - integralAt(from)) / (e.t - from);
      // The row rounds to 3 decimals; rounded request times (CSV) move the integral by ≤ tol per change.
      const slack = DETAIL_ROUNDING + EPS + (tol * changes.length) / Math.max(EPS, e.t - from);
      if (Math.abs(avg - want) > slack && reported++ < REPORTS_PER_CHECK) {
        add(passSlot(rp, PASS.autoscalerInput), {
          invariant: 5,
          t: e.t,
          message: `${e.event} at ${s(e.t)} says avg_in_flight=${avg}; the requests give ${Number(want.toFixed(4))} (time-weighted in flight over ${s(from)}–${s(e.t)})`,
        });
      }
    }
  }

  /** A new deployment starts with initial_replicas, else max(1, min_replica) replicas at t = 0: cold in scheduling, warm ready (SPEC §6). */
  function checkInitialStart(): void {
    const at = passSlot(rp, PASS.agreement, AGREEMENT.initialStart);
    const want = config.deployment.initial_replicas ?? Math.max(1, minR);
    // The initial replicas are those created at t = 0 before any scale_up row (an arrival at t = 0
    // to no replica, with initial_replicas: 0, pokes the autoscaler at once).
    const initial = new Set<number>();
    for (const e of run.events) {
      if (e.t > tol || e.event === 'scale_up') break;
      if (e.event === 'state' && e.replica !== null && (e.from === null || e.from === '')) initial.add(e.replica);
    }
    const created = [...rp.tracks.values()].filter((r) => initial.has(r.id));
    const warm = config.deployment.initial_state === 'warm';
    if (created.length !== want) {
      add(at, { invariant: 5, t: 0, message: `${created.length} replicas created at t = 0; a new deployment starts with ${config.deployment.initial_replicas !== null ? `initial_replicas = ${want}` : `max(1, min_replica) = ${want}`}` });
    }
    const firstState = new Map<number, string>();
    for (const e of run.events) {
      if (e.event === 'state' && e.replica !== null && !firstState.has(e.replica)) firstState.set(e.replica, String(e.to));
    }
    for (const r of created) {
      const st = firstState.get(r.id);
      if (st !== (warm ? 'ready' : 'scheduling')) {
        add(at, { invariant: 5, t: 0, message: `replica ${r.id} started in state ${st}; initial_state ${config.deployment.initial_state} starts ${warm ? 'ready' : 'in scheduling'}` });
      }
    }
  }
}
