/**
 * Lints: what deploysim can compute about a valid scenario before running it, and that a user
 * would otherwise discover from a run gone wrong. Each is a warning with the keys to change.
 * Pure functions of the validated config; the loader adds their lines to its warnings.
 */
import type { Config, Dist, Traffic } from '../model/config.js';
import { distMean } from '../model/distributions.js';
import { expectedArrivals } from './estimate.js';
import { checksFor } from '../model/probe-counter.js';
import { PLATFORM_LIMITS } from './limits.js';
import { duration } from '../text/human.js';

/** Probability below which a slow load is not worth a line (one start in a hundred). */
const SLOW_LOAD_NOTICE = 0.01;

/** P(X > x) for a startup distribution; null for `tokens` (no load draws tokens). */
export function survival(d: Dist, x: number): number | null {
  switch (d.dist) {
    case 'constant':
      return d.value > x ? 1 : 0;
    case 'uniform':
      if (d.max === d.min) return d.min > x ? 1 : 0;
      return Math.min(1, Math.max(0, (d.max - x) / (d.max - d.min)));
    case 'exponential':
      return x <= 0 ? 1 : Math.exp(-x / d.mean);
    case 'lognormal':
      return x <= 0 ? 1 : 1 - normalCdf((Math.log(x) - Math.log(d.median)) / d.sigma);
    case 'tokens':
      return null;
  }
}

/** The value a start exceeds with probability 1 %, or the bound itself for bounded distributions. */
export function quantile99(d: Dist): number | null {
  switch (d.dist) {
    case 'constant':
      return d.value;
    case 'uniform':
      return d.min + 0.99 * (d.max - d.min);
    case 'exponential':
      return d.mean * Math.log(100);
    case 'lognormal':
      return d.median * Math.exp(d.sigma * 2.3263478740408408);
    case 'tokens':
      return null;
  }
}

/** Standard normal CDF through erfc (W. J. Cody's rational approximation is overkill here: |error| < 1.2e-7). */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(
      -x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}

export interface Lint {
  /** The key a user would change. */
  path: (string | number)[];
  message: string;
}

/**
 * A load the health checks kill before it can finish. Under baseten-2025 every check fails while
 * `load()` runs, so the restart counter fires at container start + delay + (count − 1) × period;
 * under baseten-2026 the startup probe does the same with its own threshold. A load longer than
 * that is killed mid-load, restarted, and loads again: with a constant 5-minute load and a 60 s
 * threshold (6 checks, no delay) the kill comes at 50 s, every time — a certain crash loop.
 */
export function slowLoadLint(c: Config): Lint | null {
  if (c.deployment.initial_state === 'warm' && c.faults.length === 0 && c.deployment.startup.load_failure_probability === 0 && c.deployment.autoscaling.max_replica <= (c.deployment.initial_replicas ?? Math.max(1, c.deployment.autoscaling.min_replica))) {
    return null; // no container ever loads
  }
  const hc = c.deployment.runtime.health_checks;
  const period = c.assumptions.probe_period;
  const delay = hc.restart_check_delay_seconds;
  const startupProbe = c.platform === 'baseten-2026';
  const threshold = startupProbe ? (hc.startup_threshold_seconds ?? 1800) : hc.restart_threshold_seconds;
  const count = checksFor(threshold, period);
  // With random phases the first check may come up to a period later: the aligned limit is the sure one.
  const limit = delay + (count - 1) * period;
  const load = c.deployment.startup.load;
  const p = survival(load, limit);
  if (p === null || p < SLOW_LOAD_NOTICE) return null;
  const p99 = quantile99(load)!;
  const key = startupProbe ? 'startup_threshold_seconds' : 'restart_check_delay_seconds';
  // Enough checks that the last one comes at or after the load's end: delay + (n − 1) × period ≥ p99.
  const neededThreshold = Math.ceil((p99 - delay) / period + 1) * period;
  const needed = startupProbe ? neededThreshold : Math.ceil((p99 - (count - 1) * period) / 10) * 10;
  // Under baseten-2025 a longer restart threshold fixes it too, within the profile's delay + threshold cap.
  const orThreshold =
    !startupProbe && neededThreshold <= PLATFORM_LIMITS[c.platform].threshold[1] && delay + neededThreshold <= PLATFORM_LIMITS[c.platform].delayPlusRestartMax
      ? `, or restart_threshold_seconds to at least ${neededThreshold} s (which also restarts a hung replica later)`
      : '';
  const took = load.dist === 'constant' ? `the load takes ${duration(p99)}` : `the load's p99 is ${duration(p99)}`;
  const why = startupProbe
    ? `the startup probe restarts a container still loading at ${duration(limit)} after it starts (${count} failed checks of ${duration(period)}${delay ? ` after a delay of ${duration(delay)}` : ''})`
    : `under ${c.platform} checks fail while load() runs, so the restart check kills a container still loading at ${duration(limit)} after it starts (delay ${duration(delay)} + ${count - 1} × ${duration(period)})`;
  const share = p >= 1 ? 'every load takes longer: a certain crash loop (each restart loads again)' : `${(p * 100).toFixed(p < 0.1 ? 1 : 0)} % of loads take longer and are killed mid-load, then loaded again`;
  return {
    path: ['deployment', 'startup', 'load'],
    message: `${why}; ${share}. Raise deployment.runtime.health_checks.${key} to at least ${needed} s${orThreshold} (${took})`,
  };
}

/** A fault written to start at or after the end of the run can never fire. */
export function lateFaultLints(c: Config): Lint[] {
  const out: Lint[] = [];
  c.faults.forEach((f, i) => {
    if (f.at !== null && f.at >= c.duration) {
      out.push({ path: ['faults', i, 'at'], message: `${f.kind} at ${duration(f.at)} is at or after the end of the run (${duration(c.duration)}): it never fires` });
    }
  });
  return out;
}

/** The highest rate a traffic entry reaches within the run (req/s); null when it cannot be told (traces). */
function peakRate(t: Traffic): number | null {
  switch (t.kind) {
    case 'poisson':
    case 'constant':
    case 'burst':
      return t.rate;
    case 'schedule':
      return Math.max(...t.steps.map((s) => s.rate));
    case 'diurnal':
      return t.mean + t.amplitude;
    case 'trace':
      return null;
  }
}

/**
 * More load than max_replica replicas can serve: `max_replica × predict_concurrency` requests
 * in service at once, at the mean service time. By Little's law a rate λ needs λ × mean service
 * requests in service; above the capacity the queue grows without bound (on average), or for as
 * long as the peak lasts. 100 req/s of 1 s requests on 10 replicas of concurrency 4 needs 100 in
 * service against 40: overloaded.
 */
export function overloadLint(c: Config): Lint | null {
  const d = c.deployment;
  if (d.service_time.dist === 'tokens') return null; // its mean depends on the trace's tokens
  // The router sends a replica at most concurrency_target requests; inside it at most predict_concurrency run.
  const perReplica = Math.min(d.autoscaling.concurrency_target, d.runtime.predict_concurrency);
  const capacity = d.autoscaling.max_replica * perReplica;
  const service = distMean(d.service_time);
  if (!(service > 0)) return null;
  const mean = c.traffic.reduce((a, t) => a + expectedArrivals(t, c.duration), 0) / c.duration;
  const peaks = c.traffic.map(peakRate);
  const peak = peaks.every((p) => p !== null) ? (peaks as number[]).reduce((a, b) => a + b, 0) : null;
  const needed = (rate: number) => rate * service;
  const fix = `raise deployment.autoscaling.max_replica to at least ${Math.ceil(needed(peak ?? mean) / perReplica)}, or set request.max_queue to shed what cannot be served`;
  const slots =
    d.autoscaling.concurrency_target < d.runtime.predict_concurrency
      ? `concurrency_target ${d.autoscaling.concurrency_target} (the router sends a replica no more, whatever predict_concurrency ${d.runtime.predict_concurrency} allows)`
      : `predict_concurrency ${d.runtime.predict_concurrency}`;
  const what = `max_replica ${d.autoscaling.max_replica} × ${slots} serve at most ${capacity} request${capacity === 1 ? '' : 's'} at once, about ${round(capacity / service)} req/s at the mean service time of ${duration(service)}`;
  if (needed(mean) > capacity) {
    return { path: ['deployment', 'autoscaling', 'max_replica'], message: `overloaded: the traffic averages ${round(mean)} req/s, but ${what}; the queue grows for the whole run. To serve it, ${fix}` };
  }
  if (peak !== null && needed(peak) > capacity) {
    return { path: ['deployment', 'autoscaling', 'max_replica'], message: `overloaded at the peak: the traffic reaches ${round(peak)} req/s, but ${what}; requests queue while it lasts. To serve the peak, ${fix}` };
  }
  return null;
}

function round(x: number): string {
  return x >= 100 ? String(Math.round(x)) : String(Math.round(x * 10) / 10);
}

/**
 * Defaults a user probably did not mean: with cold starts or faults, startup times of 0 s make
 * every start and restart instant, and a service time left at its default (1 s) is a guess.
 * `written(path)` says whether the scenario (or --set) gives the key.
 */
export function defaultsLints(c: Config, written: (path: (string | number)[]) => boolean): Lint[] {
  const out: Lint[] = [];
  const d = c.deployment;
  // A container starts again after a crash or node loss, or after a fault fails liveness long enough within the run.
  const hc = d.runtime.health_checks;
  const restarts = c.faults.some((f) => ['crash', 'crash_loop', 'preemption'].includes(f.kind) || (f.at ?? 0) + hc.restart_threshold_seconds < c.duration);
  const starts = d.initial_state === 'cold' || restarts || d.autoscaling.max_replica > (d.initial_replicas ?? Math.max(1, d.autoscaling.min_replica));
  if (starts && !written(['deployment', 'startup'])) {
    out.push({
      path: ['deployment'],
      message: 'deployment.startup is not set: scheduling, image pull and load() take 0 s, so every cold start and restart is instant. Set deployment.startup.load (and schedule, image_pull) to what your model takes',
    });
  }
  if (!written(['deployment', 'service_time']) && c.chain == null) {
    out.push({ path: ['deployment'], message: 'deployment.service_time is not set: every request takes the default 1 s. Set it to what your predict() takes' });
  }
  return out;
}

export function lints(c: Config, written?: (path: (string | number)[]) => boolean): Lint[] {
  const out: Lint[] = [];
  const slow = slowLoadLint(c);
  if (slow) out.push(slow);
  const overload = overloadLint(c);
  if (overload) out.push(overload);
  out.push(...lateFaultLints(c));
  if (written) out.push(...defaultsLints(c, written));
  return out;
}
