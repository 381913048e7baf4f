import type { Rng } from '../engine/random.js';
import type { Simulation } from '../engine/simulation.js';
import type { Config } from './config.js';
import { isHealthy } from './health-rules.js';
import { CHECK } from './priorities.js';
import { checksFor, failedOut, observe } from './probe-counter.js';
import type { Container, Replica, RestartCause } from './replica.js';
import type { ServiceReports } from './reports.js';
import type { Router } from './router.js';

/** What a failed liveness or startup probe does: restart the container. */
export interface Restarter {
  kill(r: Replica, cause: RestartCause): void;
}

/**
 * The kubelet's probe worker, one per container: a check every `probe_period` from the
 * container's start + restart_check_delay (plus a random phase with `probe_phase: random`).
 * Each result feeds three probe counters (probe-counter.ts):
 * - startup (baseten-2026, cold containers): until it passes, it alone runs; failing
 *   `startup_threshold` in a row restarts the container;
 * - readiness: publishes routable / traffic stopped to the router;
 * - liveness: failing `restart_threshold` in a row restarts the container.
 * Every failed check is reported per probe that saw it (`checkFailed`), for logs.txt.
 */
export class Probes {
  private readonly period: number;
  private readonly stopChecks: number;
  private readonly restartChecks: number;
  private readonly startupChecks: number;

  constructor(
    private readonly sim: Simulation,
    private readonly cfg: Config,
    private readonly phases: Rng,
    private readonly router: Router,
    private readonly restarter: Restarter,
    private readonly reports: Pick<ServiceReports, 'checkFailed'>,
  ) {
    const hc = cfg.deployment.runtime.health_checks;
    this.period = cfg.assumptions.probe_period;
    this.stopChecks = checksFor(hc.stop_traffic_threshold_seconds, this.period);
    this.restartChecks = checksFor(hc.restart_threshold_seconds, this.period);
    this.startupChecks = checksFor(hc.startup_threshold_seconds ?? 1800, this.period);
  }

  /** Start the container's worker; its timers belong to the container (cancelled when it ends). */
  start(r: Replica, c: Container): void {
    const first = this.sim.now + this.cfg.deployment.runtime.health_checks.restart_check_delay_seconds;
    const phase = this.cfg.assumptions.probe_phase === 'random' ? this.phases() * this.period : 0;
    c.timers.repeat(
      first + phase,
      this.period,
      () => {
        if (c.hung) {
          // The check times out: its failure is known probe_timeout later.
          c.timers.after(this.cfg.assumptions.probe_timeout, () => this.result(r, c, false), undefined, CHECK);
        } else {
          this.result(r, c, this.checkPasses(c));
        }
      },
      CHECK,
    );
  }

  /** What one check sees (SPEC §3): loading fails; otherwise the custom rule, if any. */
  private checkPasses(c: Container): boolean {
    if (!c.loaded) return false;
    return isHealthy(c.health, this.cfg.deployment.is_healthy, this.sim.now);
  }

  private result(r: Replica, c: Container, ok: boolean): void {
    if (c.startup) {
      if (!ok) this.reports.checkFailed(r.id, 'startup');
      // baseten-2026: only the startup probe runs until it passes; its pass is readiness's first.
      c.startup = observe(c.startup, ok, this.startupChecks).next;
      if (ok) {
        c.startup = null;
        c.readiness = observe(c.readiness, true, this.stopChecks).next;
        this.router.admit(r, c);
      } else if (failedOut(c.startup, this.startupChecks)) {
        this.restarter.kill(r, 'startup');
      }
      return;
    }
    if (!ok) {
      // Two probes on one endpoint: two failures (the platform logs both).
      this.reports.checkFailed(r.id, 'readiness');
      this.reports.checkFailed(r.id, 'liveness');
    }
    const rd = observe(c.readiness, ok, this.stopChecks);
    c.readiness = rd.next;
    if (rd.changed) {
      if (rd.next.passing) this.router.admit(r, c);
      else if (r.routable) this.router.stopTraffic(r, rd.next.run); // the observed run of failed checks
    } else if (ok && !r.routable && r.state === 'ready') {
      this.router.admit(r, c);
    }
    const lv = observe(c.liveness, ok, this.restartChecks);
    c.liveness = lv.next;
    if (lv.changed && !lv.next.passing) this.restarter.kill(r, 'liveness');
  }
}
