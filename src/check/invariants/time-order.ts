/**
 * Invariant 9 (SPEC §11): the clock never goes backwards and nothing happens outside the run.
 * Event rows come in time order within [0, duration); a request's arrival, dispatch and end come
 * in that order within [0, duration].
 */
import { collector, passSlot, PASS, rowSlot, secs as s, STAGE, type Found, type Replay } from '../replay.js';

export function checkTimeOrder(rp: Replay): Found[] {
  const { found, add } = collector(rp);
  const tol = rp.tol;
  const duration = rp.run.config.duration;
  let prevT = -Infinity;
  for (const { e, i } of rp.steps) {
    const t = e.t;
    const at = rowSlot(i, STAGE.time);
    if (!Number.isFinite(t)) {
      add(at, { invariant: 9, message: `event row ${i + 1} (${e.event}) has time ${t}` });
      continue;
    }
    if (t < prevT - tol) {
      add(at, { invariant: 9, t, message: `event row ${i + 1} (${e.event}, replica ${e.replica ?? '-'}) at ${s(t)} comes after a row at ${s(prevT)}: time went backwards` });
    }
    if (t < -tol || t >= duration + tol) {
      add(at, { invariant: 9, t, message: `event row ${i + 1} (${e.event}) at ${s(t)} is outside the run [0, ${s(duration)})` });
    }
    prevT = Math.max(prevT, t);
  }
  const requests = rp.run.requests ?? [];
  requests.forEach((q, k) => {
    const at = passSlot(rp, PASS.routing, k, 0);
    const times: [string, number | null][] = [
      ['arrival', q.arrival],
      ['dispatched', q.dispatched],
      ['finished', q.finished],
    ];
    let prev: [string, number] | null = null;
    for (const [name, v] of times) {
      if (v === null) continue;
      if (prev && v < prev[1] - tol) add(at, { invariant: 9, t: v, message: `request ${q.id}: ${name} ${s(v)} is before ${prev[0]} ${s(prev[1])}` });
      if (v < -tol || v > duration + tol) add(at, { invariant: 9, t: v, message: `request ${q.id}: ${name} ${s(v)} is outside the run [0, ${s(duration)}]` });
      prev = [name, v];
    }
  });
  return found;
}
