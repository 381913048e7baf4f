import { exponential, type Rng } from '../engine/random.js';
import type { Simulation } from '../engine/simulation.js';
import type { Config, Fault, FaultKind, FaultTarget } from './config.js';
import type { Lifecycle } from './lifecycle.js';
import type { ServiceReports } from './reports.js';
import { isCurrent, type Container, type Replica } from './replica.js';
import { PHASE_END } from './priorities.js';
import type { Serving } from './serving.js';

/** What a fault's effect may act on. */
interface FaultScope {
  lifecycle: Lifecycle;
  serving: Serving;
  now: number;
}

interface FaultEffect {
  /** Needs a running container (else the hit is skipped with a warning). */
  needsContainer: boolean;
  /** `c` is the running container, non-null when `needsContainer`; `until` = now + duration (Infinity if none). */
  apply(s: FaultScope, r: Replica, c: Container | null, f: Fault, until: number): void;
}

/** Each fault kind's effect on the replica it hits (SPEC §4). */
const EFFECTS: Readonly<Record<FaultKind, FaultEffect>> = {
  cuda_error: { needsContainer: true, apply: (_s, _r, c) => void (c!.cudaError = true) },
  error_rate: { needsContainer: true, apply: (_s, _r, c, f, until) => void (c!.errorRate = { probability: f.probability, until }) },
  slowdown: { needsContainer: true, apply: (_s, _r, c, f, until) => void (c!.slowdown = { factor: f.factor, until }) },
  hang: { needsContainer: true, apply: (s, r, c) => s.serving.hang(r, c!) },
  crash: { needsContainer: true, apply: (s, r) => s.lifecycle.kill(r, 'crash') },
  crash_loop: {
    needsContainer: false,
    apply: (s, r, c, f, until) => {
      r.crashLoops.push({ after: f.after, until });
      if (c) s.lifecycle.crashAt(r, c, Math.max(s.now, c.startedAt + f.after));
    },
  },
  preemption: { needsContainer: false, apply: (s, r) => s.lifecycle.preempt(r) },
};

/**
 * The replicas an occurrence hits, among all created (`index` is a creation index) and the
 * current ones; `random` and `fraction` draw from the fault's own stream. Sorted by id.
 */
export function pickTargets(target: FaultTarget, replicas: readonly Replica[], live: readonly Replica[], rng: Rng): Replica[] {
  switch (target.kind) {
    case 'index': {
      const r = replicas[target.index];
      return r && isCurrent(r) ? [r] : [];
    }
    case 'all':
      return [...live];
    case 'random':
      return live.length > 0 ? [live[Math.floor(rng() * live.length)]!] : [];
    case 'fraction': {
      const k = Math.round(target.fraction * live.length);
      const pool = [...live];
      const out: Replica[] = [];
      for (let i = 0; i < k; i++) out.push(pool.splice(Math.floor(rng() * pool.length), 1)[0]!);
      return out.sort((a, b) => a.id - b.id);
    }
  }
}

/** Schedules the scenario's faults (one random stream each) and applies each occurrence. */
export class Faults {
  constructor(
    private readonly sim: Simulation,
    private readonly cfg: Config,
    private readonly lifecycle: Lifecycle,
    private readonly serving: Serving,
    private readonly records: ServiceReports,
  ) {}

  /** Every fault's first occurrence; a recurring one (mtbf) schedules its next when it occurs. */
  start(rng: (i: number) => Rng): void {
    this.cfg.faults.forEach((f, i) => this.schedule(f, rng(i)));
  }

  private schedule(f: Fault, rng: Rng): void {
    const occur = (t: number): void => {
      if (!(t < this.cfg.duration)) return;
      this.sim.at(
        t,
        () => {
          this.occur(f, rng);
          if (f.mtbf !== null) occur(this.sim.now + exponential(rng, f.mtbf));
        },
        undefined,
        PHASE_END,
      );
    };
    // SPEC §7: a recurring fault's first occurrence is `at` when written, else an exponential draw from 0.
    occur(f.at ?? (f.mtbf !== null ? exponential(rng, f.mtbf) : 0));
  }

  private occur(f: Fault, rng: Rng): void {
    const replicas = this.lifecycle.replicas;
    const targets = pickTargets(f.replica, replicas, replicas.filter(isCurrent), rng);
    if (targets.length === 0) {
      this.records.faultMissed(f.kind, { target: f.replica });
      return;
    }
    for (const r of targets) this.hit(r, f);
  }

  /** Apply one occurrence of a fault to one replica. */
  private hit(r: Replica, f: Fault): void {
    const now = this.sim.now;
    const c = r.container?.alive ? r.container : null;
    const effect = EFFECTS[f.kind];
    if (effect.needsContainer && !c) {
      this.records.faultMissed(f.kind, { replica: r.id, state: r.state });
      return;
    }
    this.records.faultHit(r.id, f.kind);
    if (c) c.health.faults.add(f.kind);
    const until = f.duration === null ? Infinity : now + f.duration;
    effect.apply({ lifecycle: this.lifecycle, serving: this.serving, now }, r, c, f, until);
  }
}
