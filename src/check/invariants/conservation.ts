/**
 * Invariant 6 (SPEC §11): arrived = succeeded + failed + in flight at the end, in the summary and
 * in requests.csv; every final status is one a request can end with; retried_attempts = Σ(attempts − 1).
 */
import { collector, passSlot, PASS, type Found, type Replay } from '../replay.js';
import { POSSIBLE_STATUSES, REPORTS_PER_CHECK, STATUS_OK, STATUS_SHED } from '../rules.js';

export function checkConservation(rp: Replay): Found[] {
  const { found, add: addAt } = collector(rp);
  const at = passSlot(rp, PASS.conservation);
  const add = (v: Parameters<typeof addAt>[1]): void => addAt(at, v);
  const { run } = rp;
  const q = run.summary.requests;
  if (q.arrived !== q.succeeded + q.failed + q.in_flight_at_end) {
    add({
      invariant: 6,
      message: `arrived ${q.arrived} ≠ succeeded ${q.succeeded} + failed ${q.failed} + in flight at end ${q.in_flight_at_end} (= ${q.succeeded + q.failed + q.in_flight_at_end}; off by ${q.arrived - (q.succeeded + q.failed + q.in_flight_at_end)})`,
    });
  }
  const byStatus = Object.entries(q.by_status ?? {});
  const failedByStatus = byStatus.filter(([k]) => k !== String(STATUS_OK)).reduce((a, [, n]) => a + n, 0);
  if (failedByStatus !== q.failed) {
    add({ invariant: 6, message: `failed ${q.failed} ≠ Σ by_status ${failedByStatus} (${byStatus.map(([k, n]) => `${k}: ${n}`).join(', ')})` });
  }
  if (!run.requests) return found;
  const rows = run.requests;
  let ok = 0;
  let failed = 0;
  let open = 0;
  let retries = 0;
  let odd = 0;
  const ids = new Set<number>();
  const maxQueue = run.config.request.max_queue;
  const allowed = new Set([...POSSIBLE_STATUSES, ...(maxQueue === null ? [] : [STATUS_SHED])]);
  for (const r of rows) {
    if (ids.has(r.id)) add({ invariant: 6, message: `request ${r.id} appears twice in requests.csv` });
    ids.add(r.id);
    retries += r.attempts - 1;
    if (r.attempts < 1 && odd++ < REPORTS_PER_CHECK) add({ invariant: 6, message: `request ${r.id} has attempts=${r.attempts}` });
    if (r.status !== null && !allowed.has(r.status) && odd++ < REPORTS_PER_CHECK) {
      add({
        invariant: 6,
        t: r.finished ?? undefined,
        message: `request ${r.id} ended with status ${r.status}; possible: 200, 500 (failed, or timed out in the queue), 502/503 (lost with its replica), 504 (ran past the timeout)${maxQueue === null ? '' : ', 429 (queue full)'}`,
      });
    }
    if (r.status === null) open++;
    else if (r.status === STATUS_OK) ok++;
    else failed++;
  }
  const pairs: [string, number, number][] = [
    ['arrived', q.arrived, rows.length],
    ['succeeded', q.succeeded, ok],
    ['failed', q.failed, failed],
    ['in_flight_at_end', q.in_flight_at_end, open],
  ];
  for (const [name, summ, counted] of pairs) {
    if (summ !== counted) add({ invariant: 6, message: `summary requests.${name} = ${summ} but requests rows give ${counted}` });
  }
  if (q.retried_attempts !== retries) add({ invariant: 0, message: `summary requests.retried_attempts = ${q.retried_attempts} but requests rows give Σ(attempts − 1) = ${retries}` });
  return found;
}
