import type { ChainSummary, FaultRecord, Summary } from '../model/summary.js';
import { diagnosis } from '../text/diagnosis.js';
import { after, count, duration, latency, MISSING, money } from '../text/human.js';

const int = (n: number): string => count(n);
const sec = (x: number | null): string => latency(x);

/** The short human summary `deploysim run` prints on stdout. */
/** `shownWarnings`: how many of the summary's warnings (its first) the command already printed before the run. */
export function formatSummary(s: Summary, outDir: string, shownWarnings = 0): string {
  const chain = 'chainlets' in s ? (s as ChainSummary) : null;
  const r = s.requests;
  const statuses = statusText(r);
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
  // A chain: its replicas are per chainlet (the lines below), not the entrypoint's alone.
  if (chain) lines.splice(lines.findIndex((l) => l.startsWith('  replicas ')), 1);
  // A chain: one line per chainlet, and the faults of every chainlet (the top level is the entrypoint's view).
  const faults: [string, FaultRecord][] = chain
    ? Object.entries(chain.chainlets).flatMap(([n, c]) => c.health.faults.map((f): [string, FaultRecord] => [`${n} `, f]))
    : s.health.faults.map((f): [string, FaultRecord] => ['', f]);
  for (const [n, c] of Object.entries(chain?.chainlets ?? {})) {
    lines.push(
      `  chainlet      ${n}: ${int(c.requests.arrived)} requests · ${int(c.requests.failed)} failed${queueTimeoutText(c.requests, ' (', ')')} · replicas peak ${c.replicas.peak} · ` +
        `restarts ${c.replicas.restarts} · traffic stops ${c.replicas.traffic_stops} · ${money(c.billing.cost)}`,
    );
  }
  for (const [who, f] of faults.slice(0, 10)) {
    // Every milestone is printed, "never" included: a missing word reads as "fine".
    const stopped = f.traffic_stopped_at !== null;
    lines.push(
      `  fault         ${f.kind} on ${who}replica ${f.replica} at ${duration(f.at)}: ${stopped ? `traffic stopped ${after(f.traffic_stopped_at, f.at)}` : 'traffic never stopped'}, ` +
        `${faultRecovery(f)}, ${int(f.failed_requests_before_stop)} failed${stopped ? ' before stop' : ''}`,
    );
  }
  if (faults.length > 10) lines.push(`  …             ${faults.length - 10} more faults in summary.json`);
  const why = diagnosis(s);
  if (why) lines.push(`  diagnosis     ${why}`);
  // The scenario's warnings were printed before the run (stderr); here only a count of them, then the run's own.
  const shown = Math.min(shownWarnings, s.warnings.length);
  if (shown > 0) lines.push(`  warnings      ${shown} about the scenario, printed above`);
  for (const w of s.warnings.slice(shown)) lines.push(`  warning       ${w}`);
  lines.push(`  wrote ${outDir}/`);
  return lines.join('\n');
}

/**
 * The failed requests by final status, `500: 20, 503: 4`; the router's queue timeouts (SPEC §5)
 * named inside the 500s, which otherwise read as replica faults: `500: 20, of which 18 waited in
 * the queue past request.timeout; 503: 4` (then `;` between statuses, for the `,` inside).
 */
export function statusText(r: Summary['requests']): string {
  const q = queueTimeoutText(r, ', of which ', '');
  return Object.entries(r.by_status)
    .map(([k, v]) => `${k}: ${int(v)}${k === '500' ? q : ''}`)
    .join(q ? '; ' : ', ');
}

/** `18 waited in the queue past request.timeout` between `pre` and `post`, or '' when none (or a summary from before the count). */
function queueTimeoutText(r: Summary['requests'], pre: string, post: string): string {
  const n = r.queue_timeouts ?? 0;
  return n > 0 ? `${pre}${int(n)} waited in the queue past request.timeout${post}` : '';
}

/**
 * What followed a fault's restart, in words: `restarted +30 s, routable again +1m 30s`, or for a
 * crash loop `restarted 11 times from +0 s (crash loop), never routable again`. A crash_loop fault
 * counts its restarts to the end of the run (SPEC §4 faults: every new container crashes too), so
 * a routable window between crashes reads `routable between crashes from +20 s`, not as a recovery.
 * A summary.json without `restarts` (written before it) gives the first restart only.
 */
export function faultRecovery(f: FaultRecord): string {
  const n = f.restarts;
  const restarted =
    n === undefined || n <= 1 || f.restarted_at === null ? `restarted ${after(f.restarted_at, f.at)}` : `restarted ${count(n)} times from ${after(f.restarted_at, f.at)} (crash loop)`;
  // "never routable again" only after a restart: a fault that stopped nothing keeps the plain milestone.
  if (f.routable_again_at === null) return `${restarted}, ${f.restarted_at !== null ? 'never routable again' : `routable again ${after(null, f.at)}`}`;
  const between = f.kind === 'crash_loop' && n !== undefined && n >= 2;
  return `${restarted}, ${between ? 'routable between crashes from' : 'routable again'} ${after(f.routable_again_at, f.at)}`;
}

