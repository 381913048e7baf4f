import type { Summary } from '../model/summary.js';
import { after, count, duration, latency, MISSING, money } from '../text/human.js';

const int = (n: number): string => count(n);
const sec = (x: number | null): string => latency(x);

/** The short human summary `deploysim run` prints on stdout. */
export function formatSummary(s: Summary, outDir: string): string {
  const r = s.requests;
  const statuses = Object.entries(r.by_status)
    .map(([k, v]) => `${k}: ${int(v)}`)
    .join(', ');
  const lines = [
    `${s.scenario} (seed ${s.seed}, ${duration(s.duration_s)}, ${s.platform})`,
    `  requests      ${int(r.arrived)} arrived · ${int(r.succeeded)} succeeded · ${int(r.failed)} failed${statuses ? ` (${statuses})` : ''}` +
      (r.in_flight_at_end ? ` · ${int(r.in_flight_at_end)} in flight at end` : '') +
      (r.retried_attempts ? ` · ${int(r.retried_attempts)} retries` : ''),
    `  availability  ${s.availability === null ? MISSING : `${(s.availability * 100).toFixed(3)} %`}` +
      `   latency p50 ${sec(s.latency_s.p50)} · p99 ${sec(s.latency_s.p99)} · max ${sec(s.latency_s.max)}` +
      `   queue wait mean ${sec(s.queue_wait_s.mean)}`,
    `  replicas      peak ${s.replicas.peak} · mean ${s.replicas.mean.toFixed(2)} · created ${s.replicas.created} · cold starts ${s.replicas.cold_starts}` +
      ` · restarts ${s.replicas.restarts} · traffic stops ${s.replicas.traffic_stops}`,
    `  billing       ${int(s.billing.billed_minutes)} min · ${money(s.billing.cost)} · ${s.billing.minutes_not_serving.toFixed(1)} min not serving`,
  ];
  for (const f of s.health.faults.slice(0, 10)) {
    // Every milestone is printed, "never" included: a missing word reads as "fine".
    const stopped = f.traffic_stopped_at !== null;
    lines.push(
      `  fault         ${f.kind} on replica ${f.replica} at ${duration(f.at)}: traffic stopped ${after(f.traffic_stopped_at, f.at)}, ` +
        `restarted ${after(f.restarted_at, f.at)}, routable again ${after(f.routable_again_at, f.at)}, ` +
        (stopped ? `${int(f.failed_requests_before_stop)} failed before stop` : `${int(f.failed_requests_before_stop)} failed (traffic never stopped)`),
    );
  }
  if (s.health.faults.length > 10) lines.push(`  …             ${s.health.faults.length - 10} more faults in summary.json`);
  for (const w of s.warnings) lines.push(`  warning       ${w}`);
  lines.push(`  wrote ${outDir}/`);
  return lines.join('\n');
}
