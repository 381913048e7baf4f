/**
 * Health metrics of one run, folded from the run's event and request streams (the `Sinks` that
 * `simulate` takes), so the sweep sees harm the summary does not count:
 *
 * - `mid_load_kills`: restarts with `cause=liveness` or `cause=startup` of a container whose load had
 *   not finished: the replica's state was `loading` when the restart was emitted (the model emits
 *   the restart before the replica's move to `backoff`). A probe threshold shorter than the load
 *   kills every slow start, and the start begins again.
 * - `restart_streak_max`: the longest run of consecutive restarts of one replica without it becoming
 *   routable in between (a crash loop the summary's restart count spreads over the whole run).
 * - `latency_all_p99_s`: p99 latency over every finished request, failed included (the summary's
 *   latencies are of succeeded requests only: a setting that fails slow requests looks fast there).
 * - `faults_missed`: fault occurrences that hit nothing (the summary's warnings "... does not exist
 *   at that time; nothing happened" and "... has no running container ...; nothing happened").
 *
 * In a chain (SPEC §12) every row carries its chainlet, and each chainlet's replicas are numbered
 * from 0: `ChainHealthFold` folds each chainlet's rows apart (`LLM.mid_load_kills`, ...).
 *
 * Memory is bounded: a state per replica and a fixed-size histogram (per chainlet).
 */
import { LatencyHistogram } from '../model/latency-histogram.js';
import type { EventRow, RequestRow, Sinks } from '../model/summary.js';
import type { HealthMetrics } from './metrics.js';

/** A run warning saying that a fault occurrence hit nothing (in a chain's summary, after `CHAINLET: `). */
export const MISSED_FAULT = /^(?:[A-Za-z_][A-Za-z0-9_-]*: )?fault \S+ at .*(does not exist at that time|has no running container.*); nothing happened$/;

export function isMissedFault(warning: string): boolean {
  return MISSED_FAULT.test(warning);
}

export class HealthFold {
  private readonly state = new Map<number, string>();
  private readonly streak = new Map<number, number>();
  private midLoadKills = 0;
  private streakMax = 0;
  private readonly all = new LatencyHistogram();

  /** The sinks to pass to `simulate` (no `sample`: the model skips sampling without one). */
  readonly sinks: Sinks = {
    event: (row) => this.event(row),
    request: (row) => this.request(row),
  };

  event(row: EventRow): void {
    const id = row.replica;
    if (id === null) return;
    switch (row.event) {
      case 'state':
        this.state.set(id, String(row.to));
        break;
      case 'routable':
      case 'traffic_resumed':
        this.streak.set(id, 0);
        break;
      case 'restart': {
        const cause = /(?:^|;)cause=([a-z_]+)/.exec(row.detail)?.[1];
        if ((cause === 'liveness' || cause === 'startup') && this.state.get(id) === 'loading') this.midLoadKills++;
        const n = (this.streak.get(id) ?? 0) + 1;
        this.streak.set(id, n);
        if (n > this.streakMax) this.streakMax = n;
        break;
      }
      default:
        break;
    }
  }

  request(row: RequestRow): void {
    if (row.finished !== null && row.latency !== null) this.all.add(row.latency);
  }

  metrics(warnings: readonly string[]): HealthMetrics {
    return {
      latency_all_p99_s: this.all.quantile(0.99),
      mid_load_kills: this.midLoadKills,
      restart_streak_max: this.streakMax,
      faults_missed: warnings.filter(isMissedFault).length,
    };
  }
}

/**
 * A chain run's health: one HealthFold per chainlet, rows dispatched by their `chainlet` (a row
 * without one goes to the entrypoint's, as in a single deployment).
 */
export class ChainHealthFold {
  private readonly folds = new Map<string, HealthFold>();

  constructor(
    readonly entrypoint: string,
    chainlets: readonly string[],
  ) {
    for (const n of chainlets) this.folds.set(n, new HealthFold());
    if (!this.folds.has(entrypoint)) this.folds.set(entrypoint, new HealthFold());
  }

  private fold(name: string | undefined): HealthFold {
    const key = name ?? this.entrypoint;
    let f = this.folds.get(key);
    if (!f) this.folds.set(key, (f = new HealthFold()));
    return f;
  }

  readonly sinks: Sinks = {
    event: (row) => this.fold(row.chainlet).event(row),
    request: (row) => this.fold(row.chainlet).request(row),
  };

  /** Each chainlet's metrics, from its own (unprefixed) warnings. */
  metrics(warnings: Readonly<Record<string, readonly string[]>>): Map<string, HealthMetrics> {
    const out = new Map<string, HealthMetrics>();
    for (const [name, f] of this.folds) out.set(name, f.metrics(warnings[name] ?? []));
    return out;
  }
}
