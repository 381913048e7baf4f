/**
 * Why a run's availability is low, in one line the CLI prints under the summary and the report
 * shows under its figures: read off the summary alone, so both say the same.
 */
import type { Summary } from '../model/summary.js';
import { count } from './human.js';

/**
 * One line saying why availability is low, from the summary's own figures: a crash loop (many
 * restarts for few replicas), an overload (work left in flight at the end, or shed), or requests
 * parked with no replica at all (scaled to zero, nothing ready). Null when availability is fine.
 */
export function diagnosis(s: Summary): string | null {
  if (s.availability === null || s.availability >= 0.95) return null;
  const r = s.requests;
  const pct = `${(s.availability * 100).toFixed(1)} %`;
  if (s.replicas.restarts >= 3 * Math.max(1, s.replicas.created)) {
    return `availability ${pct}: a crash loop (${count(s.replicas.restarts)} restarts of ${s.replicas.created} replica${s.replicas.created === 1 ? '' : 's'}); check the restart causes in events.csv and the load time against the restart or startup threshold`;
  }
  const shed = r.by_status['429'] ?? 0;
  if (r.in_flight_at_end > 0.05 * r.arrived || shed > 0.05 * r.arrived) {
    return `availability ${pct}: overloaded (${count(r.in_flight_at_end)} in flight at the end, ${count(shed)} shed with 429); raise deployment.autoscaling.max_replica or shorten the service time`;
  }
  if (s.replicas.mean < 0.5) {
    return `availability ${pct}: requests waited with no replica serving (mean ${s.replicas.mean.toFixed(2)} replicas); look at min_replica, scale_down_delay and the cold-start time`;
  }
  const idle = s.billing.billed_minutes > 0 ? s.billing.minutes_not_serving / s.billing.billed_minutes : 0;
  if (idle >= 0.25) {
    return `availability ${pct}: replicas were up but not serving ${(idle * 100).toFixed(0)} % of their billed time (loading, back-off, waiting for a first check, or traffic stopped); look at the load time, restart_check_delay_seconds and the restart causes in events.csv`;
  }
  return `availability ${pct}: look at the failures by status and at events.csv (restarts, traffic stops, scale decisions) for when they happened`;
}
