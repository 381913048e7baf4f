/**
 * Invariant 1 (SPEC §5, §11): requests go only to routable replicas, chosen as the router chooses
 * (fewest in flight below concurrency_target, ties to the lowest id), and the router queue keeps
 * its rules (request.timeout, max_queue, the activator's poke from zero).
 *
 * Rows at the same instant have no order across files: a dispatch at exactly the time a replica
 * stops (or starts) taking traffic is accepted, and whatever could go either way at one instant
 * is given the benefit of the doubt.
 */
import type { RequestRow } from '../../model/summary.js';
import type { Violation } from '../violations.js';
import { collector, passSlot, PASS, rowSlot, secs as s, STAGE, type Found, type Replay, type ReplicaTrack } from '../replay.js';
import { REPORTS_PER_CHECK, STATUS_QUEUE_TIMEOUT, STATUS_SHED } from '../rules.js';

export function checkRouting(rp: Replay): Found[] {
  const { found, add } = collector(rp);
  const { run, tol } = rp;
  const { config } = run;
  const duration = config.duration;
  const target = config.deployment.autoscaling.concurrency_target;

  // The rows themselves: a replica's rows start with its creation; it is routable only when ready.
  for (const { e, i, applied, before: r } of rp.steps) {
    if (!applied || e.replica === null || e.event === 'scale_up' || e.event === 'scale_down' || e.event === 'state') continue;
    if (!r) {
      if (e.event !== 'fault') add(rowSlot(i, STAGE.row), { invariant: 1, t: e.t, message: `${e.event} row at ${s(e.t)} for replica ${e.replica}, which has no state row yet` });
      continue;
    }
    if ((e.event === 'routable' || e.event === 'traffic_resumed') && r.state !== 'ready') {
      add(rowSlot(i, STAGE.row, 1), { invariant: 1, t: e.t, message: `replica ${r.id} ${e.event === 'routable' ? 'became routable' : 'resumed traffic'} at ${s(e.t)} while in state ${r.state}` });
    }
  }

  /** Routable at d, accepting a change at exactly d in either order (ties have no order across files). */
  const routableAt = (r: ReplicaTrack, d: number): boolean => {
    let state = false;
    for (const c of r.changes) {
      if (c.t < d - tol) {
        state = c.routable;
        continue;
      }
      if (c.t <= d + tol) {
        if (state || c.routable) return true;
        state = c.routable;
        continue;
      }
      break;
    }
    return state;
  };
  /** Routable just before d and no change within the instant. */
  const sure = (r: ReplicaTrack, d: number): boolean => {
    let state = false;
    for (const c of r.changes) {
      if (c.t < d - tol) state = c.routable;
      else if (c.t <= d + tol) return false;
      else break;
    }
    return state;
  };

  const rows = run.requests;
  if (!rows) return found;

  // Each dispatch went to a replica routable at that instant.
  rows.forEach((q, k) => {
    if (q.dispatched === null || q.replica === null) return;
    const at = passSlot(rp, PASS.routing, k, 1);
    const d = q.dispatched;
    const r = rp.tracks.get(q.replica);
    if (!r || r.created > d + tol) {
      add(at, { invariant: 1, t: d, message: `request ${q.id} dispatched at ${s(d)} to replica ${q.replica}, which did not exist yet` });
      return;
    }
    if (routableAt(r, d)) return;
    // The last change at or before d says why it was not routable.
    const last = [...r.changes].reverse().find((c) => c.t <= d + tol);
    const why = last ? last.reason : `had not become routable since its creation at ${s(r.created)}`;
    add(at, { invariant: 1, t: d, message: `request ${q.id} dispatched at ${s(d)} to replica ${q.replica}, which ${why}` });
  });

  checkRoutingPolicy();
  checkRouterQueue();
  return found;

  /**
   * The router's choice (SPEC §5), checked when every request was dispatched at most once (no
   * retries: then requests.csv shows every dispatch): the routable replica with the fewest in
   * flight among those below concurrency_target (ties: lowest id), and no request waits in the
   * queue while a routable replica is below target.
   */
  function checkRoutingPolicy(): void {
    if (!rows || rows.length === 0 || rows.some((q) => q.attempts !== 1)) return;
    const byReplica = new Map<number, { disp: number[]; fin: number[] }>();
    for (const q of rows) {
      if (q.dispatched === null || q.replica === null) continue;
      let b = byReplica.get(q.replica);
      if (!b) byReplica.set(q.replica, (b = { disp: [], fin: [] }));
      b.disp.push(q.dispatched);
      if (q.finished !== null) b.fin.push(q.finished);
    }
    for (const b of byReplica.values()) {
      b.disp.sort((x, y) => x - y);
      b.fin.sort((x, y) => x - y);
    }
    /** Count of values < x in a sorted array. */
    const below = (a: number[], x: number): number => {
      let lo = 0;
      let hi = a.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (a[mid]! < x) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    const tracks = [...rp.tracks.values()].sort((a, b) => a.id - b.id);
    let reported = 0;
    const report = (v: Violation): void => {
      if (reported++ < REPORTS_PER_CHECK) add(passSlot(rp, PASS.routingPolicy), v);
    };

    // 1. Each dispatch, in (time, id) order: same-instant dispatches follow the FIFO queue (id order).
    const dispatched = rows.filter((q) => q.dispatched !== null && q.replica !== null).sort((a, b) => a.dispatched! - b.dispatched! || a.id - b.id);
    const sent = new Map<number, number>(); // dispatches so far per replica
    for (const q of dispatched) {
      const d = q.dispatched!;
      const inflight = (id: number): { max: number; min: number } => {
        const b = byReplica.get(id);
        if (!b) return { max: 0, min: 0 };
        const max = (sent.get(id) ?? 0) - below(b.fin, d - tol);
        return { max, min: Math.max(0, max - (below(b.fin, d + tol + 1e-12) - below(b.fin, d - tol))) };
      };
      const chosen = inflight(q.replica!);
      const r = rp.tracks.get(q.replica!);
      if (chosen.min >= target) {
        report({ invariant: 1, t: d, message: `request ${q.id} dispatched at ${s(d)} to replica ${q.replica}, which already had ${chosen.min} in flight, concurrency_target is ${target}` });
      } else if (r) {
        for (const x of tracks) {
          if (x.id === q.replica || !sure(x, d)) continue;
          const other = inflight(x.id);
          const exact = other.max === other.min && chosen.max === chosen.min;
          if (other.max < chosen.min || (exact && other.max === chosen.min && x.id < q.replica!)) {
            report({
              invariant: 1,
              t: d,
              message: `request ${q.id} dispatched at ${s(d)} to replica ${q.replica} (${chosen.min} in flight) although routable replica ${x.id} had ${other.max}${other.max === chosen.min ? ' and a lower id' : ''}: the router picks the fewest in flight, ties to the lowest id`,
            });
            break;
          }
        }
      }
      sent.set(q.replica!, (sent.get(q.replica!) ?? 0) + 1);
    }

    // 2. No waiting while a replica has room: at a request's arrival, with nobody ahead in the queue.
    const byArrival = [...rows].sort((a, b) => a.arrival - b.arrival || a.id - b.id);
    let aheadUntil = -Infinity; // latest time an earlier request left the queue
    for (const q of byArrival) {
      const a = q.arrival;
      const left = q.dispatched ?? q.finished ?? Infinity;
      const waited = left > a + tol && q.status !== STATUS_SHED;
      if (waited && aheadUntil <= a - tol) {
        for (const x of tracks) {
          if (!sure(x, a)) continue;
          const b = byReplica.get(x.id);
          const max = b ? below(b.disp, a + tol + 1e-12) - below(b.fin, a - tol) : 0;
          if (max < target) {
            report({
              invariant: 1,
              t: a,
              message: `request ${q.id} arrived at ${s(a)} and waited until ${Number.isFinite(left) ? s(left) : 'the end'} with nobody ahead of it, although routable replica ${x.id} had ${max} in flight, below concurrency_target ${target}`,
            });
            break;
          }
        }
      }
      aheadUntil = Math.max(aheadUntil, left);
    }
  }

  /**
   * The router queue (SPEC §5, §6): a request still queued `request.timeout` after arrival fails
   * with 500, and none outlives that in the queue; with `max_queue`, an arrival is shed (429)
   * exactly when it finds the queue full; an arrival that finds no replica triggers a decision at
   * once (a scale-up from zero at that instant). Queue contents are rebuilt when nobody retried.
   */
  function checkRouterQueue(): void {
    if (!rows || rows.length === 0) return;
    const timeout = config.request.timeout;
    let reported = 0;
    const report = (v: Violation): void => {
      if (reported++ < REPORTS_PER_CHECK) add(passSlot(rp, PASS.routerQueue), v);
    };
    const noRetries = rows.every((q) => q.attempts === 1);
    for (const q of rows) {
      if (q.attempts !== 1) continue;
      if (q.dispatched === null && q.status === STATUS_QUEUE_TIMEOUT && q.finished !== null && Math.abs(q.finished - q.arrival - timeout) > tol) {
        report({ invariant: 1, t: q.finished, message: `request ${q.id} failed with 500 at ${s(q.finished)} without being dispatched, ${s(q.finished - q.arrival)} after arriving; a queued request fails request.timeout = ${s(timeout)} after arrival` });
      }
      if (q.finished !== null && q.finished - q.arrival > timeout + tol) {
        report({ invariant: 1, t: q.finished, message: `request ${q.id} ended (status ${q.status}) ${s(q.finished - q.arrival)} after arriving, past request.timeout ${s(timeout)}, in a single attempt` });
      }
      if (q.finished === null && q.arrival + timeout < duration - tol) {
        report({ invariant: 1, t: q.arrival + timeout, message: `request ${q.id} (arrived ${s(q.arrival)}, one attempt) is still in flight at the end although its request.timeout ran out at ${s(q.arrival + timeout)}` });
      }
    }
    // The activator: an arrival that finds no replica (not shed) asks for one at once.
    const scaleUps = run.events.filter((e) => e.event === 'scale_up').map((e) => e.t);
    const history = rp.history;
    const countBefore = (a: number): number => {
      let k = history.length - 1;
      while (k > 0 && history[k]!.t >= a - tol) k--;
      return history[k]!.current;
    };
    for (const q of rows) {
      if (q.status === STATUS_SHED || q.arrival <= tol) continue;
      if (countBefore(q.arrival) === 0 && !scaleUps.some((t) => Math.abs(t - q.arrival) <= tol)) {
        report({ invariant: 5, t: q.arrival, message: `request ${q.id} arrived at ${s(q.arrival)} to no replica and no scale-up followed at that instant (the activator's poke)` });
      }
    }
    const maxQ = config.request.max_queue;
    if (maxQ === null || !noRetries) return;
    const order = [...rows].sort((a, b) => a.arrival - b.arrival || a.id - b.id);
    // Waiting requests at each arrival: those ahead that were queued and had not left yet.
    const left = (p: RequestRow): number => p.dispatched ?? p.finished ?? Infinity;
    const queued = order.filter((p) => p.status !== STATUS_SHED);
    const leaves = queued.map(left).sort((a, b) => a - b);
    let ahead = 0; // queued requests ahead in arrival order
    const countLeftBy = (x: number): number => {
      let lo = 0;
      let hi = leaves.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (leaves[mid]! <= x) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    for (const q of order) {
      const a = q.arrival;
      // Requests ahead that left by a − tol are surely gone; those leaving within the instant may or may not be.
      const lenMin = Math.max(0, ahead - countLeftBy(a + tol));
      const lenMax = Math.max(0, ahead - countLeftBy(a - tol - 1e-12));
      if (q.status === STATUS_SHED && lenMax < maxQ) {
        report({ invariant: 1, t: a, message: `request ${q.id} was shed (429) at ${s(a)} with ${lenMax} waiting in the queue, below max_queue ${maxQ}` });
      } else if (q.status !== STATUS_SHED && lenMin >= maxQ && !(lenMin === 0 && q.dispatched !== null && Math.abs(q.dispatched - a) <= tol)) {
        // (With max_queue 0 a request that an idle replica took at once never waited: not shed.)
        report({ invariant: 1, t: a, message: `request ${q.id} arrived at ${s(a)} to ${lenMin} waiting, max_queue ${maxQ}, but was not shed with 429` });
      }
      if (q.status !== STATUS_SHED) ahead++;
    }
  }
}
