import type { Chainlet, Config, Dist, Step } from '../model/config.js';
import type { ChainSummary, FaultRecord, Summary } from '../model/summary.js';
import { diagnosis } from '../text/diagnosis.js';
import { escapeHtml, formatCount, formatDuration, formatLatency, formatMoney, formatPercent, num } from './format.js';

const esc = escapeHtml;

function dl(items: [string, string][]): string {
  return `<dl>${items.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${v}</dd></div>`).join('')}</dl>`;
}

function dur(s: number | null | undefined): string {
  return s == null ? '—' : esc(formatDuration(s));
}

function distText(d: Dist | undefined): string {
  if (!d) return '—';
  switch (d.dist) {
    case 'constant':
      return formatDuration(d.value);
    case 'exponential':
      return `exp, mean ${formatDuration(d.mean)}`;
    case 'uniform':
      return `${formatDuration(d.min)}–${formatDuration(d.max)}`;
    case 'lognormal':
      return `lognormal, median ${formatDuration(d.median)}`;
    case 'tokens':
      return 'by tokens';
    default:
      return '—';
  }
}

/** The key settings: health thresholds, autoscaling, instance. Null config → a note. */
function settings(config: Config | null): string {
  if (config === null) return '<p class="note">No config.json in the run folder: settings not shown.</p>';
  const dep = config.deployment;
  const hc = dep?.runtime?.health_checks;
  const as = dep?.autoscaling;
  const health: [string, string][] = hc
    ? [
        ['stop traffic after', dur(hc.stop_traffic_threshold_seconds)],
        ['restart after', dur(hc.restart_threshold_seconds)],
        ['check delay', dur(hc.restart_check_delay_seconds)],
        ...(hc.startup_threshold_seconds != null ? ([['startup threshold', dur(hc.startup_threshold_seconds)]] as [string, string][]) : []),
        ['probe period', dur(config.assumptions?.probe_period)],
        ['is_healthy', dep.is_healthy ? esc(Object.values(dep.is_healthy).join(' ')) : 'none'],
      ]
    : [];
  const scaling: [string, string][] = as
    ? [
        ['replicas', `${as.min_replica}–${as.max_replica}`],
        ['concurrency target', String(as.concurrency_target)],
        ['target utilization', `${as.target_utilization_percentage} %`],
        ['window', dur(as.autoscaling_window)],
        ['scale-down delay', dur(as.scale_down_delay)],
        ['start', `${esc(dep.initial_state)}${dep.initial_replicas != null ? `, ${dep.initial_replicas} replicas` : ''}`],
      ]
    : [];
  const inst = dep?.instance;
  const machine: [string, string][] = [
    ['instance', esc(inst?.type ?? 'custom')],
    ['price', inst ? `${esc(formatMoney(inst.price_per_minute))}/min` : '—'],
    ['environment', esc(dep?.environment ?? '—')],
    ['load time', esc(distText(dep?.startup?.load))],
    ['service time', esc(distText(dep?.service_time))],
  ];
  return `<div class="settings">
<section><h3>Health checks</h3>${dl(health)}</section>
<section><h3>Autoscaling</h3>${dl(scaling)}</section>
<section><h3>Instance</h3>${dl(machine)}</section>
</div>`;
}

function figureList(items: [string, string, string?][]): string {
  return `<div class="figures">${items
    .map(([k, v, cls]) => `<div class="figure${cls ? ` ${cls}` : ''}"><span class="k">${esc(k)}</span><span class="v">${v}</span></div>`)
    .join('')}</div>`;
}

/**
 * Failed requests by final status, `500: 20 · 503: 4`; the router's queue timeouts (SPEC §5)
 * named inside the 500s, which otherwise read as replica faults: `500: 20, of which 18 waited in
 * the queue past request.timeout`. A summary from before the count has none.
 */
function byStatusText(r: Summary['requests']): string {
  const q = r.queue_timeouts ?? 0;
  return Object.entries(r.by_status ?? {})
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) // status codes: three digits each
    .map(([k, n]) => `${esc(k)}: ${formatCount(n)}${k === '500' && q > 0 ? `, of which ${formatCount(q)} waited in the queue past request.timeout` : ''}`)
    .join(' · ');
}

function figures(s: Summary): string {
  const byStatus = byStatusText(s.requests);
  const items: [string, string, string?][] = [
    ['availability', formatPercent(s.availability), (s.availability ?? 1) < 0.999 ? 'bad' : 'good'],
    ['requests', `${formatCount(s.requests.arrived)} arrived`],
    ['failed', `${formatCount(s.requests.failed)}${byStatus ? ` <small>(${byStatus})</small>` : ''}`, s.requests.failed > 0 ? 'bad' : undefined],
    ['latency p50 / p99', `${formatLatency(s.latency_s.p50)} / ${formatLatency(s.latency_s.p99)}`],
    ['restarts', formatCount(s.replicas.restarts), s.replicas.restarts > 0 ? 'warn' : undefined],
    ['traffic stops', formatCount(s.replicas.traffic_stops), s.replicas.traffic_stops > 0 ? 'warn' : undefined],
    ['cold starts', formatCount(s.replicas.cold_starts)],
    ['replicas peak / mean', `${formatCount(s.replicas.peak)} / ${num(s.replicas.mean, 2)}`],
    ['billed minutes', formatCount(s.billing.billed_minutes)],
    ['cost', `${formatMoney(s.billing.cost)}${s.billing.cost_per_1k_succeeded != null ? ` <small>(${formatMoney(s.billing.cost_per_1k_succeeded)} / 1k ok)</small>` : ''}`],
    ['minutes not serving', formatCount(s.billing.minutes_not_serving), s.billing.minutes_not_serving > 0 ? 'warn' : undefined],
  ];
  return `<div class="figures">${items
    .map(([k, v, cls]) => `<div class="figure${cls ? ` ${cls}` : ''}"><span class="k">${esc(k)}</span><span class="v">${v}</span></div>`)
    .join('')}</div>`;
}

export function headerHtml(config: Config | null, s: Summary): string {
  const name = s.scenario || config?.name || 'run';
  const desc = config?.description ? `<p class="description">${esc(config.description)}</p>` : '';
  const meta = `seed ${esc(String(s.seed))} · ${esc(s.platform)} · ${esc(formatDuration(s.duration_s))}`;
  const warnings =
    s.warnings && s.warnings.length > 0
      ? `<div class="warnings"><h3>Warnings</h3><ul>${s.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></div>`
      : '';
  const why = diagnosis(s);
  return `<header>
<h1>${esc(name)}</h1>
${desc}
<p class="meta">${meta}</p>
${figures(s)}
${why ? `<p class="diagnosis" id="diagnosis">${esc(why)}</p>\n` : ''}${settings(config)}
${warnings}
</header>`;
}

function after(at: number, t: number | null): string {
  if (t === null) return '<td class="none">—</td>';
  return `<td>${esc(formatDuration(t))} <small>(+${esc(formatDuration(t - at))})</small></td>`;
}

/** The first restart, and below it how many there were when more than one (a crash loop). */
function restartedCell(f: FaultRecord): string {
  const n = f.restarts;
  if (f.restarted_at === null || n === undefined || n <= 1) return after(f.at, f.restarted_at);
  return `<td class="crash-loop">${esc(formatDuration(f.restarted_at))} <small>(+${esc(formatDuration(f.restarted_at - f.at))})</small><br><b>${esc(formatCount(n))} restarts</b> <small>(crash loop)</small></td>`;
}

/** Routable again; after a restart that never led back: "never"; a crash_loop fault's routable windows are not a recovery. */
function routableCell(f: FaultRecord): string {
  if (f.routable_again_at === null) return f.restarted_at !== null ? '<td class="none">never</td>' : after(f.at, null);
  if (f.kind === 'crash_loop' && (f.restarts ?? 0) >= 2) {
    return `<td><small>between crashes from</small> ${esc(formatDuration(f.routable_again_at))} <small>(+${esc(formatDuration(f.routable_again_at - f.at))})</small></td>`;
  }
  return after(f.at, f.routable_again_at);
}

/** The fault table: fault → traffic stopped → restarted (how many times) → routable again. */
export function faultTableHtml(s: Summary): string {
  return faultTable((s.health?.faults ?? []).map((f) => ({ chainlet: null, f })));
}

/** A chain's faults in one table, by time, each with its chainlet. */
export function chainFaultTableHtml(chainlets: readonly [string, Summary][]): string {
  const rows = chainlets.flatMap(([chainlet, s]) => (s.health?.faults ?? []).map((f) => ({ chainlet, f })));
  rows.sort((a, b) => a.f.at - b.f.at);
  return faultTable(rows, true);
}

function faultTable(faults: { chainlet: string | null; f: FaultRecord }[], withChainlet = false): string {
  if (faults.length === 0) return '<section id="faults"><h2>Faults</h2><p class="note">No faults in this run.</p></section>';
  const MAX = 200;
  const rows = faults
    .slice(0, MAX)
    .map(
      ({ chainlet, f }) =>
        `<tr>${withChainlet ? `<td>${esc(chainlet ?? '')}</td>` : ''}<td>${esc(f.kind)}</td><td>r${esc(String(f.replica))}</td><td>${esc(formatDuration(f.at))}</td>${after(f.at, f.traffic_stopped_at)}${restartedCell(
          f,
        )}${routableCell(f)}<td class="num">${formatCount(f.failed_requests_before_stop)}</td></tr>`,
    )
    .join('');
  const more = faults.length > MAX ? `<p class="note">… and ${faults.length - MAX} more faults (see summary.json).</p>` : '';
  return `<section id="faults"><h2>Faults</h2>
<table id="fault-table"><thead><tr>${withChainlet ? '<th>chainlet</th>' : ''}<th>fault</th><th>replica</th><th>at</th><th>traffic stopped</th><th>restarted</th><th>routable again</th><th>failed before stop</th></tr></thead>
<tbody>${rows}</tbody></table>${more}
<p class="caption">Times since the run started; in brackets, since the fault. “—”: it never happened. Restarts: how many the replica had after the fault until it was routable again or the run ended (a crash_loop fault: to the end of the run; its routable windows between crashes are not a recovery); “never”: it never was.${
    withChainlet ? ' A fault’s failures are its chainlet’s; what they cost the callers shows in their charts at the same time.' : ''
  }</p></section>`;
}

// --- A chain's page (SPEC §12) ---------------------------------------------------------------

/** The chain's header: the entrypoint's requests, availability and latency (what a client sees), the cost over every chainlet and each one's share. */
export function chainHeaderHtml(config: Config | null, s: ChainSummary, names: readonly string[]): string {
  const name = s.scenario || config?.name || 'run';
  const desc = config?.description ? `<p class="description">${esc(config.description)}</p>` : '';
  const c = s.chain;
  const meta = `seed ${esc(String(s.seed))} · ${esc(s.platform)} · ${esc(formatDuration(s.duration_s))} · a chain of ${names.length} chainlet${
    names.length === 1 ? '' : 's'
  }, entrypoint ${esc(c.entrypoint)}`;
  const byStatus = byStatusText(c.requests);
  const entry: [string, string, string?][] = [
    ['availability', formatPercent(c.availability), (c.availability ?? 1) < 0.999 ? 'bad' : 'good'],
    ['requests', `${formatCount(c.requests.arrived)} arrived`],
    ['failed', `${formatCount(c.requests.failed)}${byStatus ? ` <small>(${byStatus})</small>` : ''}`, c.requests.failed > 0 ? 'bad' : undefined],
    ['latency p50 / p99', `${formatLatency(c.latency_s.p50)} / ${formatLatency(c.latency_s.p99)}`],
    ['total cost', `${formatMoney(c.billing.cost)}${c.billing.cost_per_1k_succeeded != null ? ` <small>(${formatMoney(c.billing.cost_per_1k_succeeded)} / 1k ok)</small>` : ''}`],
    ['billed minutes', formatCount(c.billing.billed_minutes)],
    ['minutes not serving', formatCount(c.billing.minutes_not_serving), c.billing.minutes_not_serving > 0 ? 'warn' : undefined],
  ];
  const total = c.billing.cost;
  const perChainlet: [string, string, string?][] = names.map((n) => {
    const cs = s.chainlets[n]!;
    const share = total > 0 ? ` <small>(${Math.round((cs.billing.cost / total) * 100)} %)</small>` : '';
    return [n, `${formatMoney(cs.billing.cost)}${share}`];
  });
  const warnings =
    s.warnings && s.warnings.length > 0
      ? `<div class="warnings"><h3>Warnings</h3><ul>${s.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></div>`
      : '';
  return `<header>
<h1>${esc(name)}</h1>
${desc}
<p class="meta">${meta}</p>
<h3>Entrypoint ${esc(c.entrypoint)}: what a client sees · cost over the chain</h3>
${figureList(entry)}
<h3>Cost per chainlet</h3>
<div class="cost-per-chainlet">${figureList(perChainlet)}</div>
${warnings}
</header>`;
}

function stepText(st: Step): string {
  if (st.kind === 'compute') return `compute ${distText(st.time)}`;
  return `call ${st.callee}${st.count > 1 ? ` ×${st.count}${st.parallel ? ' in parallel' : ' in turn'}` : ''}`;
}

/** One chainlet's figures (its own requests: calls, for all but the entrypoint) and settings, its steps and dependencies. */
export function chainletHeaderHtml(config: Config | null, name: string, s: Summary, isEntry: boolean, callers: readonly string[]): string {
  const byStatus = byStatusText(s.requests);
  const items: [string, string, string?][] = [
    ['availability', formatPercent(s.availability), (s.availability ?? 1) < 0.999 ? 'bad' : 'good'],
    [isEntry ? 'requests' : 'calls arrived', formatCount(s.requests.arrived)],
    ['failed', `${formatCount(s.requests.failed)}${byStatus ? ` <small>(${byStatus})</small>` : ''}`, s.requests.failed > 0 ? 'bad' : undefined],
    ['latency p50 / p99', `${formatLatency(s.latency_s.p50)} / ${formatLatency(s.latency_s.p99)}`],
    ['traffic stops / restarts', `${formatCount(s.replicas.traffic_stops)} / ${formatCount(s.replicas.restarts)}`, s.replicas.traffic_stops + s.replicas.restarts > 0 ? 'warn' : undefined],
    ['replicas peak / mean', `${formatCount(s.replicas.peak)} / ${num(s.replicas.mean, 2)}`],
    ['cost', formatMoney(s.billing.cost)],
  ];
  const c: Chainlet | undefined = config?.chain?.chainlets.find((x) => x.name === name);
  let details = '';
  if (config && c) {
    const steps = c.steps ? c.steps.map(stepText).join(' → ') : `service time ${distText(c.deployment.service_time)}, no calls`;
    const deps = Object.entries(c.depends)
      .map(([callee, d]) => `${callee}: ${d.retries} attempt${d.retries === 1 ? '' : 's'}, timeout ${formatDuration(d.timeout_sec)}, ${formatCount(d.concurrency_limit)} concurrent`)
      .join('; ');
    details = `<details class="chainlet-settings"><summary>Settings of ${esc(name)}</summary>
<p class="steps"><b>run_remote:</b> ${esc(steps)}${deps ? `<br><b>depends:</b> ${esc(deps)}` : ''}</p>
${settings({ ...config, deployment: c.deployment })}
</details>`;
  }
  const role = isEntry ? 'entrypoint' : `called by ${callers.join(', ') || '—'}`;
  return `<h2 class="chainlet-title">${esc(name)} <small>${esc(role)}</small></h2>
${figureList(items)}
${details}`;
}
