/**
 * Invariant 7 (SPEC §8, §11): billed minutes per replica = ceil(billed seconds / 60), billed from
 * its first container start to terminating; minutes_not_serving is the billed time while not
 * routable; cost = billed minutes × price. Development deployments on baseten-2026 are not billed.
 */
import { collector, passSlot, PASS, secs as s, type Found, type Replay } from '../replay.js';
import { COST_SLACK, EPS, NOT_SERVING_SLACK_MIN, SECONDS_PER_MINUTE } from '../rules.js';

export function checkBilling(rp: Replay): Found[] {
  const { found, add: addAt } = collector(rp);
  const at = passSlot(rp, PASS.billing);
  const add = (v: Parameters<typeof addAt>[1]): void => addAt(at, v);
  const { run, tol } = rp;
  const { config } = run;
  const duration = config.duration;
  const b = run.summary.billing;
  const price = config.deployment.instance.price_per_minute;
  const unbilled = config.deployment.environment === 'development' && config.platform === 'baseten-2026';
  let lo = 0;
  let hi = 0;
  const parts: string[] = [];
  for (const r of [...rp.tracks.values()].sort((x, y) => x.id - y.id)) {
    if (r.billStart === null || unbilled) continue;
    const end = Math.min(r.billEnd ?? duration, duration);
    const secs = Math.max(0, end - r.billStart);
    // Rounded row times make a whole minute ambiguous; the run's end and t = 0 are exact.
    const slack = (end === duration ? 0 : tol) + (r.billStart === 0 ? 0 : tol);
    const minLo = Math.ceil(Math.max(0, secs - slack) / SECONDS_PER_MINUTE - EPS);
    const minHi = Math.ceil((secs + slack) / SECONDS_PER_MINUTE - EPS);
    lo += minLo;
    hi += minHi;
    parts.push(`replica ${r.id}: ${s(r.billStart)}–${s(end)} = ${s(secs)} → ${minLo === minHi ? minLo : `${minLo}–${minHi}`} min`);
  }
  if (b.billed_minutes < lo || b.billed_minutes > hi) {
    const want = lo === hi ? `${lo}` : `${lo}–${hi}`;
    const off = b.billed_minutes < lo ? `${lo - b.billed_minutes} missing` : `${b.billed_minutes - hi} too many`;
    add({
      invariant: 7,
      message: `billed_minutes ${b.billed_minutes} but state rows give ${want} (${off}; ${unbilled ? 'development on baseten-2026 is not billed' : parts.join('; ') || 'no replica started a container'})`,
    });
  }
  // minutes_not_serving: billed time while not routable (SPEC §8), not rounded per replica.
  let notServing = 0;
  let changes = 0;
  for (const r of rp.tracks.values()) {
    if (r.billStart === null || unbilled) continue;
    const end = Math.min(r.billEnd ?? duration, duration);
    let routable = 0;
    let openAt: number | null = null;
    for (const c of r.changes) {
      changes++;
      if (c.routable) openAt = c.t;
      else if (openAt !== null) {
        routable += Math.max(0, Math.min(c.t, end) - Math.max(openAt, r.billStart));
        openAt = null;
      }
    }
    if (openAt !== null) routable += Math.max(0, end - Math.max(openAt, r.billStart));
    notServing += Math.max(0, end - r.billStart - routable) / SECONDS_PER_MINUTE;
  }
  if (Math.abs(b.minutes_not_serving - notServing) > NOT_SERVING_SLACK_MIN + (2 * tol * changes) / SECONDS_PER_MINUTE) {
    add({
      invariant: 7,
      message: `billing.minutes_not_serving ${b.minutes_not_serving} but the events give ${Number(notServing.toFixed(6))} (billed time while not routable; off by ${Number((b.minutes_not_serving - notServing).toFixed(6))} min)`,
    });
  }
  if (Math.abs(b.price_per_minute - price) > EPS) {
    add({ invariant: 7, message: `billing.price_per_minute ${b.price_per_minute} but the scenario's price is ${price}` });
  }
  const cost = b.billed_minutes * price;
  if (Math.abs(b.cost - cost) > COST_SLACK + EPS * cost) {
    add({ invariant: 7, message: `billing.cost ${b.cost} ≠ billed_minutes ${b.billed_minutes} × price ${price} = ${Number(cost.toFixed(6))} (off by ${Number((b.cost - cost).toFixed(6))})` });
  }
  return found;
}
