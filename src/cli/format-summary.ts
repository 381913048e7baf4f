import type { Summary } from '../model/summary.js';

/** A duration for people: 45 s, 12m 30s, 2h 5m, 1d 3h. */
export function human(seconds: number): string {
  const s = Math.round(seconds * 1000) / 1000;
  if (s < 60) return `${trim(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? ` ${trim(s % 60)}s` : ''}`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)}m` : ''}`;
  return `${Math.floor(s / 86400)}d${Math.floor((s % 86400) / 3600) ? ` ${Math.floor((s % 86400) / 3600)}h` : ''}`;
}

function trim(x: number): string {
  return String(Math.round(x * 100) / 100);
}

const int = (n: number): string => n.toLocaleString('en-US');
const sec = (x: number | null): string => (x === null ? '–' : x < 1 ? `${Math.round(x * 1000)} ms` : `${x.toPrecision(3)} s`);

/** The short human summary `deploysim run` prints on stdout. */
export function formatSummary(s: Summary, outDir: string): string {
  const r = s.requests;
  const statuses = Object.entries(r.by_status)
    .map(([k, v]) => `${k}: ${int(v)}`)
    .join(', ');
  const lines = [
    `${s.scenario} (seed ${s.seed}, ${human(s.duration_s)}, ${s.platform})`,
    `  requests      ${int(r.arrived)} arrived · ${int(r.succeeded)} succeeded · ${int(r.failed)} failed${statuses ? ` (${statuses})` : ''}` +
      (r.in_flight_at_end ? ` · ${int(r.in_flight_at_end)} in flight at end` : '') +
      (r.retried_attempts ? ` · ${int(r.retried_attempts)} retries` : ''),
    `  availability  ${s.availability === null ? '–' : `${(s.availability * 100).toFixed(3)} %`}` +
      `   latency p50 ${sec(s.latency_s.p50)} · p99 ${sec(s.latency_s.p99)} · max ${sec(s.latency_s.max)}` +
      `   queue wait mean ${sec(s.queue_wait_s.mean)}`,
    `  replicas      peak ${s.replicas.peak} · mean ${s.replicas.mean.toFixed(2)} · created ${s.replicas.created} · cold starts ${s.replicas.cold_starts}` +
      ` · restarts ${s.replicas.restarts} · traffic stops ${s.replicas.traffic_stops}`,
    `  billing       ${int(s.billing.billed_minutes)} min · $${s.billing.cost.toFixed(2)} · ${s.billing.minutes_not_serving.toFixed(1)} min not serving`,
  ];
  for (const f of s.health.faults.slice(0, 10)) {
    const rel = (t: number | null, what: string): string | null => (t === null ? null : `${what} +${human(t - f.at)}`);
    const parts = [rel(f.traffic_stopped_at, 'traffic stopped'), rel(f.restarted_at, 'restarted'), rel(f.routable_again_at, 'routable again')].filter(Boolean);
    lines.push(
      `  fault         ${f.kind} on replica ${f.replica} at ${human(f.at)}: ${parts.length ? parts.join(', ') : 'no stop, no restart'}` +
        `, ${int(f.failed_requests_before_stop)} failed before stop`,
    );
  }
  if (s.health.faults.length > 10) lines.push(`  …             ${s.health.faults.length - 10} more faults in summary.json`);
  for (const w of s.warnings) lines.push(`  warning       ${w}`);
  lines.push(`  wrote ${outDir}/`);
  return lines.join('\n');
}
