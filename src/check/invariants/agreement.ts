/**
 * Invariant 0: the outputs agree with each other, or checking from them means nothing. The
 * summary's counts, availability, health.faults records (what `expect:` reads) and latency_s
 * against the rows; timeline.csv's sums and gauges against the summary and the replayed events.
 */
import type { TimelineRow } from '../../model/summary.js';
import type { Violation } from '../violations.js';
import { AGREEMENT, collector, passSlot, PASS, secs as s, type Found, type Gauges, type Replay } from '../replay.js';
import { AVAILABILITY_TOL, EPS, LATENCY_ABS_SLACK, LATENCY_PERCENTILES, LATENCY_ROW_REPORTS, PERCENTILE_REL_TOL, REPORTS_PER_CHECK, STATUS_OK } from '../rules.js';

export function checkAgreement(rp: Replay): Found[] {
  const { found, add: addAt } = collector(rp);
  const { run, tol } = rp;
  const part = (p: number) => (v: Violation) => addAt(passSlot(rp, PASS.agreement, p), v);

  const add = part(AGREEMENT.counts);
  const sr = run.summary.replicas;
  const pairs: [string, number, number][] = [
    ['replicas.created', sr.created, rp.tracks.size],
    ['replicas.peak', sr.peak, rp.peak],
    ['replicas.restarts', sr.restarts, rp.restartRows],
    ['replicas.traffic_stops', sr.traffic_stops, rp.stopRows],
  ];
  for (const [name, got, want] of pairs) {
    if (got !== want) add({ invariant: 0, message: `summary ${name} = ${got} but the events give ${want}` });
  }
  const q = run.summary.requests;
  const finished = q.arrived - q.in_flight_at_end;
  if (finished > 0 && run.summary.availability !== null && Math.abs(run.summary.availability - q.succeeded / finished) > AVAILABILITY_TOL) {
    add({ invariant: 0, message: `availability ${run.summary.availability} ≠ succeeded ${q.succeeded} / (arrived ${q.arrived} − in flight ${q.in_flight_at_end}) = ${q.succeeded / finished}` });
  }
  checkQueueTimeouts(add);
  checkFaultRecords(part(AGREEMENT.faultRecords));
  checkLatency(part(AGREEMENT.latency));
  // (AGREEMENT.initialStart: the autoscaler's.)
  checkTimeline(part(AGREEMENT.timeline));
  return found;

  /**
   * requests.queue_timeouts (the router's 500s, SPEC §5) against by_status and the rows. A row
   * never dispatched with status 500 can only be a queue timeout; one dispatched before (attempts
   * > 1) may be either (queued again after a retry, or a replica's 500); one dispatched with a
   * single attempt never is. So: undispatched 500s ≤ queue_timeouts ≤ those + retried 500s.
   * A summary from before the field has none: nothing to check.
   */
  function checkQueueTimeouts(add: (v: Violation) => void): void {
    const got = q.queue_timeouts;
    if (got === undefined) return;
    const all500 = q.by_status['500'] ?? 0;
    if (got > all500) add({ invariant: 0, message: `summary requests.queue_timeouts = ${got} but by_status has only ${all500} with 500` });
    const rows = run.requests;
    if (!rows) return;
    let never = 0;
    let retried = 0;
    for (const r of rows) {
      if (r.status !== 500) continue;
      if (r.dispatched === null) never++;
      else if (r.attempts > 1) retried++;
    }
    if (got < never || got > never + retried) {
      const range = retried > 0 ? `between ${never} and ${never + retried} (${never} never dispatched, ${retried} retried before)` : `${never} (never dispatched)`;
      add({ invariant: 0, message: `summary requests.queue_timeouts = ${got} but the requests rows with status 500 give ${range}` });
    }
  }

  /** summary.health.faults: what `expect:` assertions read, so it must say what the rows say. */
  function checkFaultRecords(add: (v: Violation) => void): void {
    const got = run.summary.health.faults;
    const want = rp.faults;
    if (got.length !== want.length) {
      add({ invariant: 0, message: `summary health.faults has ${got.length} records but events.csv has ${want.length} fault rows` });
    }
    const same = (a: number | null, b: number | null): boolean => (a === null ? b === null : b !== null && Math.abs(a - b) <= tol);
    let shown = 0;
    for (let i = 0; i < Math.min(got.length, want.length); i++) {
      const g = got[i]!;
      const w = want[i]!;
      const diffs: string[] = [];
      if (g.kind !== w.kind || g.replica !== w.replica || !same(g.at, w.at)) diffs.push(`is ${g.kind} on replica ${g.replica} at ${g.at} s, the row ${w.kind} on replica ${w.replica} at ${w.at} s`);
      else {
        if (!same(g.traffic_stopped_at, w.stop)) diffs.push(`traffic_stopped_at ${g.traffic_stopped_at} (events: ${w.stop})`);
        if (!same(g.restarted_at, w.restart)) diffs.push(`restarted_at ${g.restarted_at} (events: ${w.restart})`);
        if (!same(g.preempted_at ?? null, w.preempted)) diffs.push(`preempted_at ${g.preempted_at} (events: ${w.preempted})`);
        if (!same(g.routable_again_at, w.again)) diffs.push(`routable_again_at ${g.routable_again_at} (events: ${w.again})`);
      }
      if (diffs.length && shown++ < REPORTS_PER_CHECK) add({ invariant: 0, t: w.at, message: `summary health.faults[${i}] (${w.kind} on replica ${w.replica} at ${s(w.at)}): ${diffs.join('; ')}` });
    }
  }

  /**
   * latency_s against the requests rows (docs/outputs.md): mean and max exact, each percentile
   * within ±1 % of the exact order statistic (nearest rank; values under 0.1 ms share a bucket).
   */
  function checkLatency(add: (v: Violation) => void): void {
    const rows = run.requests;
    if (!rows) return;
    const lat = rows.filter((r) => r.status === STATUS_OK && r.finished !== null).map((r) => r.finished! - r.arrival);
    let bad = 0;
    for (const r of rows) {
      if (r.finished !== null && r.latency !== null && Math.abs(r.latency - (r.finished - r.arrival)) > 2 * tol && bad++ < LATENCY_ROW_REPORTS) {
        add({ invariant: 0, t: r.finished, message: `request ${r.id}: latency ${r.latency} ≠ finished ${r.finished} − arrival ${r.arrival}` });
      }
    }
    lat.sort((a, b) => a - b);
    const l = run.summary.latency_s;
    const n = lat.length;
    if (n === 0) {
      if (l.mean !== null || l.p50 !== null || l.max !== null) add({ invariant: 0, message: `latency_s has values but no request succeeded` });
      return;
    }
    const mean = lat.reduce((a, x) => a + x, 0) / n;
    const close = (a: number | null, b: number, rel: number): boolean => a !== null && Math.abs(a - b) <= rel * Math.abs(b) + LATENCY_ABS_SLACK + 2 * tol;
    if (!close(l.mean, mean, EPS)) add({ invariant: 0, message: `latency_s.mean ${l.mean} but the ${n} succeeded requests give ${Number(mean.toFixed(6))}` });
    if (!close(l.max, lat[n - 1]!, EPS)) add({ invariant: 0, message: `latency_s.max ${l.max} but the succeeded requests give ${lat[n - 1]}` });
    for (const [k, quantile] of LATENCY_PERCENTILES) {
      const rank = Math.min(n, Math.max(1, Math.ceil(quantile * n - EPS)));
      const a = lat[rank - 1]!;
      const b = lat[Math.min(n, rank + 1) - 1]!; // the next rank, for the other nearest-rank convention
      const lo = Math.min(a, lat[Math.max(1, rank - 1) - 1]!) * (1 - PERCENTILE_REL_TOL) - LATENCY_ABS_SLACK - 2 * tol;
      const hi = Math.max(a, b) * (1 + PERCENTILE_REL_TOL) + LATENCY_ABS_SLACK + 2 * tol;
      const v = l[k];
      if (v === null || v < lo || v > hi) {
        add({ invariant: 0, message: `latency_s.${k} ${v} but the ${n} succeeded requests' order statistic (rank ${rank}) is ${Number(a.toFixed(6))}: not within ±1 %` });
      }
    }
  }

  /** timeline.csv: sums against the summary, billed minutes never going down, gauges against the replay (invariants 6, 7, 5, 1, 0). */
  function checkTimeline(add: (v: Violation) => void): void {
    const samples = run.samples;
    if (!samples || samples.length === 0) return;
    const sum = (k: Exclude<keyof TimelineRow, 'chainlet'>): number => samples.reduce((a, r) => a + (r[k] ?? 0), 0);
    for (const [k, total] of [
      ['arrivals', q.arrived],
      ['succeeded', q.succeeded],
      ['failed', q.failed],
    ] as const) {
      if (sum(k) !== total) add({ invariant: 6, message: `timeline ${k} add up to ${sum(k)} but the summary says ${total}` });
    }
    const history = rp.history;
    let prevBilled = 0;
    let reported = 0;
    for (const row of samples) {
      const t = row.t ?? NaN;
      const billed = row.billed_minutes ?? 0;
      if (billed < prevBilled && reported++ < REPORTS_PER_CHECK) add({ invariant: 7, t, message: `timeline billed_minutes went down from ${prevBilled} to ${billed} at ${s(t)}` });
      prevBilled = billed;
      // Gauges at t: the state before the rows at t, or after any of them (a sample has no order among them).
      let k = history.length - 1;
      while (k > 0 && history[k]!.t > t + tol) k--;
      const options: Gauges[] = [];
      while (k >= 0) {
        options.push(history[k]!);
        if (history[k]!.t < t - tol) break;
        k--;
      }
      if (row.replicas !== null && !options.some((o) => o.current === row.replicas) && reported++ < REPORTS_PER_CHECK) {
        add({ invariant: 5, t, message: `timeline at ${s(t)} says ${row.replicas} replicas, the events give ${[...new Set(options.map((o) => o.current))].join(' or ')}` });
      }
      if (row.routable !== null && !options.some((o) => o.routable === row.routable) && reported++ < REPORTS_PER_CHECK) {
        add({ invariant: 1, t, message: `timeline at ${s(t)} says ${row.routable} routable replicas, the events give ${[...new Set(options.map((o) => o.routable))].join(' or ')}` });
      }
      for (const g of ['starting', 'ready', 'traffic_stopped', 'backoff'] as const) {
        const v = row[g];
        if (v !== null && v !== undefined && !options.some((o) => o[g] === v) && reported++ < REPORTS_PER_CHECK) {
          add({ invariant: 0, t, message: `timeline at ${s(t)} says ${g} = ${v}, the events give ${[...new Set(options.map((o) => o[g]))].join(' or ')}` });
        }
      }
    }
    const last = samples[samples.length - 1]!;
    if (last.billed_minutes !== null && last.billed_minutes !== run.summary.billing.billed_minutes) {
      add({ invariant: 7, t: last.t ?? undefined, message: `the timeline's last billed_minutes ${last.billed_minutes} ≠ summary billing.billed_minutes ${run.summary.billing.billed_minutes}` });
    }
  }
}
