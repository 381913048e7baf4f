/**
 * An independent checker of the policy invariants (SPEC §11).
 *
 * It reads only what a run puts out (events rows, requests rows, the summary)
 * plus the Config for thresholds and prices, and rebuilds from them what it
 * needs: each replica's routability, its container starts, the replica count,
 * its billed seconds. It shares no code with the model on purpose: a bug in the
 * model's bookkeeping must not be repeated here and cancel itself out.
 *
 * Ties: rows at the same time have no order relative to requests.csv, so a
 * dispatch at exactly the time a replica stops (or starts) taking traffic is
 * accepted. Times in CSV files are rounded; `tolerance` absorbs that.
 *
 * Not checkable from outputs: invariant 4 (is_healthy is not evaluated while
 * loading: evaluations are not rows) and 8 (needs two runs; see the property
 * tests).
 */
import type { EventRow, RequestRow, TimelineRow } from '../model/summary.js';
import { checkChainRun } from './chain.js';
import type { CheckOptions, RunOutputs, Violation } from './violations.js';

export { formatViolation, formatViolations, INVARIANT_NAMES } from './violations.js';
export type { CheckOptions, InvariantId, RunOutputs, Violation } from './violations.js';

/** ceil(threshold / period) without float noise (60 / 10 must be 6, not 7). */
export function checkCount(thresholdSeconds: number, period: number): number {
  return Math.max(1, Math.ceil(thresholdSeconds / period - 1e-9));
}

/** Seconds with up to 3 decimals, no trailing zeros: 431.2, 420, 0.125. */
function s(t: number): string {
  return `${Number(t.toFixed(3))} s`;
}

interface RoutabilityChange {
  t: number;
  routable: boolean;
  /** Why, phrased to follow "which ...": "stopped traffic at 420 s". */
  reason: string;
}

interface ReplicaTrack {
  id: number;
  created: number;
  state: string;
  routable: boolean;
  changes: RoutabilityChange[];
  /** Start of the current container (the `loading` row, or creation for a warm replica). */
  containerStart: number | null;
  /** First container start: billing starts here (SPEC §8). */
  billStart: number | null;
  /** `terminating` or `terminated`, whichever came first: billing stops here. */
  billEnd: number | null;
  /** Latest passing readiness check seen in the current container (`routable` / `traffic_resumed`). */
  lastPass: number | null;
  /** First pass in the current container (the startup probe's pass under baseten-2026). */
  firstPass: number | null;
  /**
   * The current container was started warm (initial_state: warm): routable at creation without a
   * check, so its first checks come at start + delay (+ phase), not one period after a pass.
   */
  warm: boolean;
  /** Counted by the autoscaler (not terminating/terminated). */
  current: boolean;
  /**
   * A fault that makes every check of this container fail until it restarts (a hang; a fault the
   * `after_fault` rule watches) and the latest times the stop and the restart may come.
   */
  doomed: { kind: string; at: number; stopBy: number | null; restartBy: number } | null;
  /** Traffic-stopped: a `traffic_stopped` row, until traffic resumes or the replica leaves ready. */
  stopped: boolean;
  /** Restart rows so far (all causes): the removal order ranks by it. */
  restarts: number;
  /** CrashLoopBackOff: restarts in the current loop and the last restart's time. */
  loop: { n: number; lastAt: number | null };
  /** The next container must start (a `loading` row) at this time, after a restart's back-off. */
  startDue: { at: number; restartAt: number } | null;
  /**
   * A starting container fails every check until it has loaded (baseten-2025) or passed the
   * startup probe (baseten-2026): by this time it must have done so, or have been restarted.
   */
  startupBy: number | null;
  /** crash_loop: containers started before this time crash `after` s after they start. */
  crashLoops: { after: number; until: number }[];
  /** A crash_loop row whose `after`/`duration` the scenario does not tell: crashes are not checked for this replica. */
  crashLoopUnknown: boolean;
  /** The `after` that set `crashBy` (for the message). */
  crashAfter: number | null;
  /** The current container must have crashed (or otherwise ended) by then. */
  crashBy: number | null;
}

const GONE = new Set(['terminating', 'terminated']);

function detailNumber(detail: string, key: string): number | null {
  const m = new RegExp(`(?:^|[;,\\s])${key}=(-?[0-9.eE+-]+)`).exec(detail);
  if (!m) return null;
  const v = Number(m[1]);
  return Number.isFinite(v) ? v : null;
}

function detailWord(detail: string, key: string): string | null {
  const m = new RegExp(`(?:^|[;,\\s])${key}=([A-Za-z_]+)`).exec(detail);
  return m ? m[1]! : null;
}

/**
 * Checks a run's outputs. A Chain's run (config.chain) is checked per chainlet, each as a single
 * deployment, plus SPEC §12's chain invariants (chain.ts).
 */
export function checkInvariants(run: RunOutputs, opts: CheckOptions = {}): Violation[] {
  return run.config.chain ? checkChainRun(run, opts, checkDeployment) : checkDeployment(run, opts);
}

function checkDeployment(run: RunOutputs, opts: CheckOptions = {}): Violation[] {
  const tol = opts.tolerance ?? 1e-6;
  const max = opts.maxViolations ?? 200;
  const out: Violation[] = [];
  const add = (v: Violation): void => {
    if (out.length < max) out.push(v);
  };
  const { config } = run;
  const duration = config.duration;
  const hc = config.deployment.runtime.health_checks;
  const period = config.assumptions.probe_period;
  const delay = hc.restart_check_delay_seconds;
  const is2026 = config.platform === 'baseten-2026';
  const stopCount = checkCount(hc.stop_traffic_threshold_seconds, period);
  const restartCount = checkCount(hc.restart_threshold_seconds, period);
  const startupCount = hc.startup_threshold_seconds === null ? null : checkCount(hc.startup_threshold_seconds, period);
  const dev = config.deployment.environment === 'development';
  const minR = dev ? 0 : config.deployment.autoscaling.min_replica;
  const maxR = dev ? 1 : config.deployment.autoscaling.max_replica;
  const scaleDownDelay = config.deployment.autoscaling.scale_down_delay;
  const rate = config.deployment.autoscaling.max_scale_down_rate;
  const interval = config.assumptions.autoscaler_interval;

  // crash_loop (SPEC §7): a row is attributed to the scenario's crash_loop faults that may have made it
  // (a single one at exactly its time, any recurring one); checked when they agree on `after` and `duration`.
  const loops = config.faults.filter((f) => f.kind === 'crash_loop');
  const loopOf = (t: number): { after: number; duration: number | null } | null => {
    const cands = loops.filter((f) => f.mtbf !== null || Math.abs((f.at ?? 0) - t) <= tol);
    if (cands.length === 0 || !cands.every((f) => f.after === cands[0]!.after && f.duration === cands[0]!.duration)) return null;
    return { after: cands[0]!.after, duration: cands[0]!.duration };
  };
  const replicas = new Map<number, ReplicaTrack>();
  let current = 0;
  let prevT = -Infinity;
  let lastScaleUp: number | null = null;
  let lastScaleDown: number | null = null;
  let belowMinSince: number | null = null;
  /** The replicas a scale_down row at t removes: the next `count` rows taking replicas to terminating at t. */
  let pendingRemoval: { t: number; count: number; removed: ReplicaTrack[] } | null = null;
  let removalSnapshot = new Map<number, { state: string; routable: boolean; passed: boolean }>();
  /** summary.health.faults rebuilt from the rows: one per `fault` row, stamped with the first outcomes. */
  const faultRecs: { kind: string; replica: number; at: number; stop: number | null; restart: number | null; preempted: number | null; again: number | null; open: boolean }[] = [];
  const stamp = (replica: number, field: 'stop' | 'restart' | 'preempted' | 'again', t: number): void => {
    for (const f of faultRecs) {
      if (!f.open || f.replica !== replica) continue;
      if (field === 'preempted') {
        // SPEC §9: the loss ends the episode; no restart, never routable again.
        if (f.preempted === null) f.preempted = t;
        f.open = false;
      } else if (field === 'again') {
        if (f.stop === null && f.restart === null) continue;
        f.again = t;
        f.open = false;
      } else if (f[field] === null) f[field] = t;
    }
  };

  let routableCount = 0;
  let peak = 0;
  let restartRows = 0;
  let stopRows = 0;
  /** (t, replicas up, routable) after each row, for the timeline's gauges. */
  interface Gauges {
    t: number;
    current: number;
    routable: number;
    starting: number;
    ready: number;
    traffic_stopped: number;
    backoff: number;
  }
  const history: Gauges[] = [{ t: -Infinity, current: 0, routable: 0, starting: 0, ready: 0, traffic_stopped: 0, backoff: 0 }];
  const STARTING = new Set(['scheduling', 'pulling', 'loading']);
  const gauges = (t: number): Gauges => {
    const g: Gauges = { t, current, routable: routableCount, starting: 0, ready: 0, traffic_stopped: 0, backoff: 0 };
    for (const r of replicas.values()) {
      if (STARTING.has(r.state)) g.starting++;
      else if (r.state === 'ready') {
        g.ready++;
        if (r.stopped) g.traffic_stopped++;
      } else if (r.state === 'backoff') g.backoff++;
    }
    return g;
  };
  const closeRoutable = (r: ReplicaTrack, t: number, reason: string): void => {
    if (!r.routable) return;
    routableCount--;
    r.routable = false;
    r.changes.push({ t, routable: false, reason });
  };
  const openRoutable = (r: ReplicaTrack, t: number, reason: string): void => {
    if (r.routable) return;
    routableCount++;
    r.routable = true;
    r.changes.push({ t, routable: true, reason });
  };

  // Invariant 5, count part: evaluated once all rows at a time have been applied.
  const checkCountAt = (t: number): void => {
    if (current > maxR) {
      add({ invariant: 5, t, message: `${current} replicas up at ${s(t)}, above max_replica ${maxR}` });
    }
    if (current < minR) {
      if (belowMinSince === null) belowMinSince = t;
    } else if (belowMinSince !== null) {
      // A lost replica (preemption) is replaced at the next autoscaler decision: allow one interval.
      if (t - belowMinSince > interval + tol) {
        add({
          invariant: 5,
          t: belowMinSince,
          message: `${s(belowMinSince)}–${s(t)}: fewer replicas than min_replica ${minR} for ${s(t - belowMinSince)}, longer than one autoscaler interval (${s(interval)})`,
        });
      }
      belowMinSince = null;
    }
  };

  const events = run.events;
  for (let i = 0; i < events.length; i++) {
    applyRow(i);
    peak = Math.max(peak, current);
    if (Number.isFinite(events[i]!.t)) history.push(run.samples?.length ? gauges(events[i]!.t) : { ...history[history.length - 1]!, t: events[i]!.t, current, routable: routableCount });
  }
  function applyRow(i: number): void {
    const e = events[i]!;
    const t = e.t;
    // Invariant 9: time order and range.
    if (!Number.isFinite(t)) {
      add({ invariant: 9, message: `event row ${i + 1} (${e.event}) has time ${t}` });
      return;
    }
    if (t < prevT - tol) {
      add({ invariant: 9, t, message: `event row ${i + 1} (${e.event}, replica ${e.replica ?? '-'}) at ${s(t)} comes after a row at ${s(prevT)}: time went backwards` });
    }
    if (t < -tol || t >= duration + tol) {
      add({ invariant: 9, t, message: `event row ${i + 1} (${e.event}) at ${s(t)} is outside the run [0, ${s(duration)})` });
    }
    if (prevT !== -Infinity && t > prevT + tol) checkCountAt(prevT);
    prevT = Math.max(prevT, t);
    checkDeadlines(t);

    if (e.event === 'scale_up') {
      checkScaleUp(e, t);
      lastScaleUp = t;
      return;
    }
    if (e.event === 'scale_down') {
      checkScaleDown(e, t);
      pendingRemoval = { t, count: Number(e.from) - Number(e.to), removed: [] };
      removalSnapshot = new Map([...replicas.values()].map((r) => [r.id, { state: r.state, routable: r.routable, passed: passedOnce(r) }]));
      lastScaleDown = t;
      return;
    }
    if (e.replica === null) return;
    let r = replicas.get(e.replica);
    if (e.event === 'state') {
      const to = String(e.to ?? '');
      if (!r) {
        r = {
          id: e.replica,
          created: t,
          state: to,
          routable: false,
          changes: [],
          containerStart: null,
          billStart: null,
          billEnd: null,
          lastPass: null,
          firstPass: null,
          warm: to === 'ready',
          current: false,
          doomed: null,
          stopped: false,
          restarts: 0,
          loop: { n: 0, lastAt: null },
          startDue: null,
          startupBy: null,
          crashLoops: [],
          crashLoopUnknown: false,
          crashAfter: null,
          crashBy: null,
        };
        replicas.set(e.replica, r);
        if (!GONE.has(to)) {
          r.current = true;
          current++;
        }
        if (to === 'ready') {
          // initial_state: warm: ready and routable at creation, container started then (SPEC §6).
          r.containerStart = t;
          r.billStart = t;
          armCrash(r, t);
          openRoutable(r, t, `was created warm at ${s(t)}`);
        } else if (to === 'loading') {
          r.containerStart = t;
          r.billStart = t;
          r.startupBy = startupDeadline(t);
          armCrash(r, t);
        }
        return;
      }
      const leaving = r.state;
      if (pendingRemoval && to === 'terminating' && Math.abs(t - pendingRemoval.t) <= tol && pendingRemoval.removed.length < pendingRemoval.count) {
        pendingRemoval.removed.push(r);
        if (pendingRemoval.removed.length === pendingRemoval.count) {
          checkRemovalOrder(pendingRemoval.removed, t);
          pendingRemoval = null;
        }
      }
      if (to === 'loading' && r.startDue) {
        if (Math.abs(t - r.startDue.at) > tol) {
          add({
            invariant: 3,
            t,
            message: `replica ${r.id}'s new container started at ${s(t)}; the restart at ${s(r.startDue.restartAt)} with its back-off says ${s(r.startDue.at)}`,
          });
        }
        r.startDue = null;
      }
      if (GONE.has(to)) {
        r.startDue = null;
        r.crashBy = null;
      }
      // A replica lost at once (preemption), not drained by a scale-down: preempted_at on its open faults (SPEC §9).
      if (to === 'terminated' && leaving !== 'terminating') stamp(r.id, 'preempted', t);
      r.state = to;
      if (leaving === 'ready' && to !== 'ready') closeRoutable(r, t, `entered state ${to} at ${s(t)}`);
      if (to !== 'ready') {
        r.doomed = null;
        r.stopped = false;
      }
      if (to !== 'loading' && to !== 'ready') r.startupBy = null;
      if (!is2026 && leaving === 'loading' && to === 'ready') r.startupBy = null;
      if (to === 'loading') {
        r.containerStart = t;
        r.lastPass = null;
        r.firstPass = null;
        r.warm = false;
        r.startupBy = startupDeadline(t);
        armCrash(r, t);
        if (r.billStart === null) r.billStart = t;
      }
      if (GONE.has(to)) {
        if (r.billEnd === null) r.billEnd = t;
        if (r.current) {
          r.current = false;
          current--;
        }
      }
      return;
    }
    if (!r) {
      if (e.event !== 'fault') {
        add({ invariant: 1, t, message: `${e.event} row at ${s(t)} for replica ${e.replica}, which has no state row yet` });
      }
      return;
    }
    switch (e.event) {
      case 'routable':
      case 'traffic_resumed':
        if (r.doomed && t > r.doomed.at + tol) {
          add({
            invariant: 2,
            t,
            message: `replica ${r.id} ${e.event === 'routable' ? 'became routable' : 'resumed traffic'} at ${s(t)}, but every check of its container fails since the ${r.doomed.kind} at ${s(r.doomed.at)}`,
          });
        }
        if (r.state !== 'ready') {
          add({ invariant: 1, t, message: `replica ${r.id} ${e.event === 'routable' ? 'became routable' : 'resumed traffic'} at ${s(t)} while in state ${r.state}` });
        }
        if (!is2026 && !r.warm && r.containerStart !== null && t < r.containerStart + delay - tol) {
          add({
            invariant: 2,
            t,
            message: `replica ${r.id} ${e.event === 'routable' ? 'became routable' : 'resumed traffic'} at ${s(t)}, before its first readiness check at container start ${s(r.containerStart)} + delay ${delay} s = ${s(r.containerStart + delay)}`,
          });
        }
        if (is2026) r.startupBy = null;
        r.stopped = false;
        // A warm replica's `routable` row at its creation is not a check.
        if (!(r.warm && e.event === 'routable' && t <= r.created + tol)) {
          r.lastPass = t;
          if (r.firstPass === null) r.firstPass = t;
        }
        openRoutable(r, t, e.event === 'routable' ? `became routable at ${s(t)}` : `resumed traffic at ${s(t)}`);
        stamp(r.id, 'again', t);
        break;
      case 'traffic_stopped':
        r.stopped = true;
        stamp(r.id, 'stop', t);
        stopRows++;
        if (r.doomed) r.doomed.stopBy = null;
        checkStop(r, e, t);
        closeRoutable(r, t, `stopped traffic at ${s(t)}`);
        break;
      case 'restart': {
        r.startupBy = null;
        r.crashBy = null;
        stamp(r.id, 'restart', t);
        restartRows++;
        r.doomed = null;
        checkBackoff(r, e, t);
        checkRestart(r, e, t);
        closeRoutable(r, t, `restarted (${detailWord(e.detail, 'cause') ?? 'cause unknown'}) at ${s(t)}`);
        break;
      }
      case 'fault':
        if (detailWord(e.detail, 'kind') === 'crash_loop') {
          const loop = loopOf(t);
          if (loop === null) {
            r.crashLoopUnknown = true;
            r.crashBy = null;
          } else {
            r.crashLoops.push({ after: loop.after, until: loop.duration === null ? Infinity : t + loop.duration });
            // The running container (if any) crashes `after` s after its start, at once if older; the earliest crash wins.
            if (!r.crashLoopUnknown && r.containerStart !== null && (r.state === 'loading' || r.state === 'ready')) {
              const at = Math.max(t, r.containerStart + loop.after);
              if (r.crashBy === null || at < r.crashBy) {
                r.crashBy = at;
                r.crashAfter = loop.after;
              }
            }
          }
        }
        faultRecs.push({ kind: detailWord(e.detail, 'kind') ?? '', replica: r.id, at: t, stop: null, restart: null, preempted: null, again: null, open: true });
        noteFault(r, e, t);
        break;
      default:
        break;
    }
  }
  if (prevT !== -Infinity) checkCountAt(prevT);
  checkDeadlines(duration);
  if (belowMinSince !== null && duration - belowMinSince > interval + tol) {
    add({
      invariant: 5,
      t: belowMinSince,
      message: `from ${s(belowMinSince)} to the end (${s(duration)}): fewer replicas than min_replica ${minR}`,
    });
  }

  /**
   * "Never later" (SPEC §11.2, §3): after a fault that fails every check of a serving container
   * until it restarts, the count-th failing check comes at most count periods (+ the probe
   * timeout) later, whatever the phase: the stop and the restart must have happened by then.
   */
  function noteFault(r: ReplicaTrack, e: EventRow, t: number): void {
    const kind = detailWord(e.detail, 'kind');
    const rule = config.deployment.is_healthy;
    const watched = rule?.rule === 'after_fault' && rule.fault === kind && ['cuda_error', 'error_rate', 'hang', 'slowdown'].includes(kind ?? '');
    if (kind !== 'hang' && !watched) return;
    if (r.state !== 'ready' || r.containerStart === null || r.doomed) return;
    // Checks must be running: a pass was seen in this container, or it started warm.
    if (r.firstPass === null && !r.warm) return;
    // An upper bound: assume the delay holds under both platforms (baseten-2026 deprecates it, the model may keep it).
    const from = r.firstPass === null ? Math.max(t, r.containerStart + delay) : t;
    const late = config.assumptions.probe_timeout;
    r.doomed = {
      kind: kind!,
      at: t,
      stopBy: r.routable ? from + stopCount * period + late : null,
      restartBy: from + restartCount * period + late,
    };
  }

  /**
   * The latest time a container started at `t` may still be starting. baseten-2025: loading
   * fails every liveness check, so the restart count is reached by start + delay (+ phase) +
   * (count − 1) × period [seed: "a load longer than delay + restart threshold restarts the
   * replica mid-load"]. baseten-2026: the startup probe likewise (delay counted, to be safe).
   */
  function startupDeadline(t: number): number {
    const phase = config.assumptions.probe_phase === 'random' ? period : 0;
    const n = is2026 ? (startupCount ?? 1) : restartCount;
    return t + delay + phase + (n - 1) * period + config.assumptions.probe_timeout;
  }

  function armCrash(r: ReplicaTrack, start: number): void {
    // Loops in force at the start (start < until): the smallest `after` wins, even past its `until`.
    let after: number | null = null;
    for (const l of r.crashLoops) if (start < l.until - tol && (after === null || l.after < after)) after = l.after;
    r.crashBy = after !== null && !r.crashLoopUnknown ? start + after : null;
    r.crashAfter = after;
  }

  function checkDeadlines(now: number): void {
    for (const r of replicas.values()) {
      if (r.crashBy !== null && now > r.crashBy + tol && r.crashBy < duration) {
        add({
          invariant: 3,
          t: r.crashBy,
          message: `replica ${r.id}'s container started at ${s(r.containerStart!)} was still running at ${s(r.crashBy)}; under crash_loop (after ${r.crashAfter} s; the smallest in force wins) it crashes then`,
        });
        r.crashBy = null;
      }
      if (r.startupBy !== null && now > r.startupBy + tol && r.startupBy < duration) {
        add({
          invariant: 3,
          t: r.startupBy,
          message: is2026
            ? `replica ${r.id}'s container started at ${s(r.containerStart!)} had neither passed the startup probe nor been restarted by ${s(r.startupBy)} (startup_threshold_seconds ${hc.startup_threshold_seconds}: ${startupCount} failed checks)`
            : `replica ${r.id} was still loading at ${s(r.startupBy)}, container started at ${s(r.containerStart!)}: loading fails every check, so ${restartCount} failed checks (delay ${delay} s + restart_threshold_seconds ${hc.restart_threshold_seconds}) restart it mid-load by then`,
        });
        r.startupBy = null;
      }
      const d = r.doomed;
      if (!d) continue;
      if (d.stopBy !== null && now > d.stopBy + tol && d.stopBy < duration) {
        add({
          invariant: 2,
          t: d.stopBy,
          message: `replica ${r.id} still took traffic at ${s(d.stopBy)}: after the ${d.kind} at ${s(d.at)} every check fails, so ${stopCount} failed checks (stop_traffic_threshold_seconds ${hc.stop_traffic_threshold_seconds}) stop it by then`,
        });
        d.stopBy = null;
      }
      if (now > d.restartBy + tol && d.restartBy < duration) {
        add({
          invariant: 3,
          t: d.restartBy,
          message: `replica ${r.id} not restarted by ${s(d.restartBy)}: after the ${d.kind} at ${s(d.at)} every check fails, so ${restartCount} failed checks (restart_threshold_seconds ${hc.restart_threshold_seconds}) restart it by then`,
        });
        r.doomed = null;
      }
    }
  }

  /**
   * The run of failed checks that ended in a stop at `t`, rebuilt from the rows (SPEC §3): at most the
   * check instants after the last pass row (a check instant; passes while routable leave no row),
   * or from the container's first check; at least, after a fault that fails every check from its
   * instant on (faults run before checks at one instant, SPEC §1), the instants from the fault to
   * the stop, when the check grid is known (a pass row, or aligned probes). A hung check's failure
   * is known probe_timeout after its instant.
   */
  function observedRun(r: ReplicaTrack, t: number): { lo: number; hi: number; why: string } | null {
    if (r.containerStart === null) return null;
    const eps = tol / period + 1e-9;
    const hung = r.doomed?.kind === 'hang';
    const te = hung ? t - config.assumptions.probe_timeout : t;
    const first = r.containerStart + (is2026 ? 0 : delay);
    const hi = r.lastPass !== null ? Math.floor((te - r.lastPass) / period + eps) : Math.floor((te - first) / period + eps) + 1;
    const from = r.lastPass !== null ? `the last pass at ${s(r.lastPass)}` : `the container's first check at ${s(first)}`;
    let lo = 0;
    let why = `at most ${hi} check${hi === 1 ? '' : 's'} since ${from}`;
    const grid = r.lastPass ?? (config.assumptions.probe_phase === 'aligned' && !is2026 ? first : null);
    if (r.doomed && grid !== null) {
      const k0 = Math.ceil((Math.max(r.doomed.at, grid) - grid) / period - eps);
      const k1 = Math.floor((te - grid) / period + eps);
      lo = Math.max(0, k1 - k0 + 1);
      why += `, at least ${lo} since the ${r.doomed.kind} at ${s(r.doomed.at)} (checks at ${s(grid)} + k × ${period} s${hung ? `, known ${config.assumptions.probe_timeout} s later` : ''})`;
    }
    return { lo, hi, why };
  }

  function checkStop(r: ReplicaTrack, e: EventRow, t: number): void {
    const failures = detailNumber(e.detail, 'failures');
    if (failures !== null && failures !== stopCount) {
      add({
        invariant: 2,
        t,
        message: `replica ${r.id} stopped traffic at ${s(t)} after failures=${failures}; stop_traffic_threshold_seconds ${hc.stop_traffic_threshold_seconds} / period ${period} requires ${stopCount}`,
      });
    }
    const run = failures === null ? null : observedRun(r, t);
    if (failures !== null && run && (failures < run.lo || failures > run.hi)) {
      add({
        invariant: 2,
        t,
        message: `replica ${r.id} stopped traffic at ${s(t)} with failures=${failures}, but the rows give a run of ${run.lo === run.hi ? run.lo : `${run.lo}–${run.hi}`} failed checks (${run.why})`,
      });
    }
    if (r.containerStart === null) {
      add({ invariant: 2, t, message: `replica ${r.id} stopped traffic at ${s(t)} but no container of it had started` });
      return;
    }
    let bound: number;
    let why: string;
    if (r.warm && r.lastPass === null) {
      // Warm: no startup probe; readiness checks from container start (+ delay under baseten-2025).
      const d = is2026 ? 0 : delay;
      bound = r.containerStart + d + (stopCount - 1) * period;
      why = `warm container start ${s(r.containerStart)}${d ? ` + delay ${d} s` : ''} + (${stopCount} − 1) × ${period} s`;
    } else if (is2026) {
      if (r.lastPass === null) {
        add({
          invariant: 2,
          t,
          message: `replica ${r.id} stopped traffic at ${s(t)} but its container (started ${s(r.containerStart)}) never passed the startup probe: readiness checks had not begun`,
        });
        return;
      }
      bound = r.lastPass + stopCount * period;
      why = `last passing check at ${s(r.lastPass)} + ${stopCount} × ${period} s`;
    } else {
      const fromStart = r.containerStart + delay + (stopCount - 1) * period;
      const fromPass = r.lastPass === null ? -Infinity : r.lastPass + stopCount * period;
      bound = Math.max(fromStart, fromPass);
      why =
        fromPass >= fromStart
          ? `last passing check at ${s(r.lastPass!)} + ${stopCount} × ${period} s`
          : `container start ${s(r.containerStart)} + delay ${delay} s + (${stopCount} − 1) × ${period} s`;
    }
    if (t < bound - tol) {
      add({
        invariant: 2,
        t,
        message: `replica ${r.id} stopped traffic at ${s(t)}, ${s(bound - t)} too early: ${stopCount} failed checks need until ${s(bound)} (${why})`,
      });
    }
  }

  function checkRestart(r: ReplicaTrack, e: EventRow, t: number): void {
    const cause = detailWord(e.detail, 'cause');
    if (cause !== 'liveness' && cause !== 'startup') return;
    if (r.containerStart === null) {
      add({ invariant: 3, t, message: `replica ${r.id} restarted (cause=${cause}) at ${s(t)} but no container of it had started` });
      return;
    }
    let bound: number;
    let why: string;
    if (cause === 'startup') {
      if (!is2026 || startupCount === null) {
        add({ invariant: 3, t, message: `replica ${r.id} restarted with cause=startup at ${s(t)}, but ${config.platform} has no startup probe` });
        return;
      }
      bound = r.containerStart + (startupCount - 1) * period;
      why = `container start ${s(r.containerStart)} + (${startupCount} − 1) × ${period} s`;
    } else if (is2026 && r.warm && r.firstPass === null) {
      bound = r.containerStart + (restartCount - 1) * period;
      why = `warm container start ${s(r.containerStart)} + (${restartCount} − 1) × ${period} s`;
    } else if (is2026) {
      if (r.firstPass === null) {
        add({
          invariant: 3,
          t,
          message: `replica ${r.id} restarted (cause=liveness) at ${s(t)} but its container (started ${s(r.containerStart)}) never passed the startup probe: liveness checks had not begun`,
        });
        return;
      }
      bound = r.firstPass + restartCount * period;
      why = `startup pass at ${s(r.firstPass)} + ${restartCount} × ${period} s`;
    } else {
      bound = r.containerStart + delay + (restartCount - 1) * period;
      why = `container start ${s(r.containerStart)} + delay ${delay} s + (${restartCount} − 1) × ${period} s`;
    }
    if (t < bound - tol) {
      add({
        invariant: 3,
        t,
        message: `replica ${r.id} restarted (cause=${cause}) at ${s(t)}, ${s(bound - t)} too early: not allowed before ${s(bound)} (${why})`,
      });
    }
  }

  /** desired = clamp(ceil(avg / (target × utilization)), min, max), from the rounded avg in the detail. */
  function desiredRange(avg: number): [number, number] {
    const a = config.deployment.autoscaling;
    const per = (a.concurrency_target * a.target_utilization_percentage) / 100;
    const d = (x: number): number => Math.min(maxR, Math.max(minR, Math.ceil(Math.max(0, x) / per - 1e-9)));
    return [d(avg - 0.0005 - 1e-9), d(avg + 0.0005 + 1e-9)];
  }

  /** Decisions run at t = interval, 2 × interval, ...; only the activator's poke (from zero) runs between. */
  function onTick(t: number): boolean {
    const k = Math.round(t / interval);
    return k >= 1 && Math.abs(t - k * interval) <= Math.max(tol, 1e-9 * t);
  }

  function checkDesired(e: EventRow, t: number, from: number): number | null {
    const desired = detailNumber(e.detail, 'desired');
    const avg = detailNumber(e.detail, 'avg_in_flight');
    if (desired === null || avg === null) return desired;
    const [lo, hi] = desiredRange(avg);
    // The activator: requests waiting while no replica exists ask for one even if the average rounds to 0.
    const activator = lo === 0 && desired === Math.min(1, maxR) && (from === 0 || e.event === 'scale_up');
    if ((desired < lo || desired > hi) && !activator) {
      add({
        invariant: 5,
        t,
        message: `${e.event} at ${s(t)} with avg_in_flight=${avg} says desired=${desired}; clamp(ceil(${avg} / (${config.deployment.autoscaling.concurrency_target} × ${config.deployment.autoscaling.target_utilization_percentage}%)), ${minR}, ${maxR}) = ${lo === hi ? lo : `${lo}–${hi}`}`,
      });
    }
    return desired;
  }

  function checkScaleUp(e: EventRow, t: number): void {
    const from = Number(e.from);
    const to = Number(e.to);
    if (!Number.isFinite(from) || !Number.isFinite(to)) {
      add({ invariant: 5, t, message: `scale_up at ${s(t)} has from="${e.from}" to="${e.to}": not replica counts` });
      return;
    }
    if (!onTick(t) && from !== 0) {
      add({ invariant: 5, t, message: `scale_up at ${s(t)} from ${from}: not an autoscaler decision time (every ${s(interval)}), and only a scale from zero may run in between` });
    }
    const desired = checkDesired(e, t, from);
    if (desired !== null && to !== desired) add({ invariant: 5, t, message: `scale_up at ${s(t)} to ${to}; desired=${desired} (a scale-up adds desired − current at once)` });
    if (to <= from) add({ invariant: 5, t, message: `scale_up at ${s(t)} from ${from} to ${to} does not add replicas` });
  }

  /** The current container has passed a readiness check (or started warm, routable without one). */
  function passedOnce(r: ReplicaTrack): boolean {
    return r.warm || r.firstPass !== null;
  }

  /**
   * Which replicas go (SPEC §6, Kubernetes ReplicaSet order): not yet ready first (scheduling,
   * pulling, loading, backoff, and loaded but its container not yet past its first readiness check),
   * then traffic-stopped (ready, passed once, not routable), then more restarts, then the newest.
   */
  function checkRemovalOrder(removed: ReplicaTrack[], t: number): void {
    const NOT_READY = new Set(['scheduling', 'pulling', 'loading', 'backoff']);
    type Snap = { state: string; routable: boolean; passed: boolean };
    const notReady = (b: Snap): boolean => NOT_READY.has(b.state) || (b.state === 'ready' && !b.routable && !b.passed);
    // States as they were just before the removal (the removed replicas' rows have been applied).
    const rank = (b: Snap): number => (notReady(b) ? 0 : b.routable ? 2 : 1);
    const label = (r: ReplicaTrack, b: Snap): string =>
      `replica ${r.id} (${NOT_READY.has(b.state) ? b.state : notReady(b) ? 'loaded, readiness not yet passed' : b.routable ? 'routable' : 'traffic-stopped'}, ${r.restarts} restart${r.restarts === 1 ? '' : 's'})`;
    const before = new Map(removed.map((r) => [r, removalSnapshot.get(r.id) ?? { state: r.state, routable: r.routable, passed: passedOnce(r) }]));
    const kept = [...replicas.values()].filter((k) => k.current && !removed.includes(k));
    for (const r of removed) {
      const b = before.get(r)!;
      const kr = [rank(b), -r.restarts, -r.id];
      for (const k of kept) {
        const kb = { state: k.state, routable: k.routable, passed: passedOnce(k) };
        const kk = [rank(kb), -k.restarts, -k.id];
        const cmp = kr[0]! - kk[0]! || kr[1]! - kk[1]! || kr[2]! - kk[2]!;
        if (cmp > 0) {
          add({
            invariant: 5,
            t,
            message: `scale_down at ${s(t)} removed ${label(r, b)} but kept ${label(k, kb)}, which goes first (not yet ready, then traffic-stopped, then more restarts, then newest)`,
          });
          return;
        }
      }
    }
  }

  /** CrashLoopBackOff [k8s] (SPEC §2): 0, then 10, 20, 40, ... 300 s; reset when 600 s or more pass between two restarts (restart to restart). */
  function checkBackoff(r: ReplicaTrack, e: EventRow, t: number): void {
    const fresh = r.loop.lastAt === null || t - r.loop.lastAt >= 600 - tol;
    const n = fresh ? 0 : r.loop.n;
    const want = n === 0 ? 0 : Math.min(300, 10 * 2 ** (n - 1));
    r.loop = { n: n + 1, lastAt: t };
    r.restarts++;
    const got = detailNumber(e.detail, 'backoff');
    if (got === null) return;
    // Exactly at the 600 s reset the rounding of times can tip either way: accept both then.
    const ambiguous = r.loop.n > 1 && !fresh && t - (r.loop.lastAt ?? 0) >= 600 - 2 * tol;
    if (Math.abs(got - want) > 1e-6 && !(ambiguous && got === 0)) {
      add({
        invariant: 3,
        t,
        message: `replica ${r.id} restarted at ${s(t)} with backoff=${got}; CrashLoopBackOff gives ${want} s (${n === 0 ? 'first restart, or 600 s since the last' : `restart ${n + 1} of a loop`})`,
      });
    }
    r.startDue = { at: t + got, restartAt: t };
  }

  function checkScaleDown(e: EventRow, t: number): void {
    const from = typeof e.from === 'number' ? e.from : Number(e.from);
    const to = typeof e.to === 'number' ? e.to : Number(e.to);
    if (!Number.isFinite(from) || !Number.isFinite(to)) {
      add({ invariant: 5, t, message: `scale_down at ${s(t)} has from="${e.from}" to="${e.to}": not replica counts` });
      return;
    }
    const allowed = Math.max(1, Math.floor((from * rate) / 100));
    if (from - to > allowed) {
      add({
        invariant: 5,
        t,
        message: `scale_down at ${s(t)} from ${from} to ${to} removes ${from - to} replicas; max_scale_down_rate ${rate}% allows ${allowed} in one step`,
      });
    }
    if (to >= from) add({ invariant: 5, t, message: `scale_down at ${s(t)} from ${from} to ${to} does not reduce the count` });
    if (to < minR) add({ invariant: 5, t, message: `scale_down at ${s(t)} to ${to}, below min_replica ${minR}` });
    if (!onTick(t)) add({ invariant: 5, t, message: `scale_down at ${s(t)}: not an autoscaler decision time (every ${s(interval)})` });
    const desired = checkDesired(e, t, from);
    if (desired !== null) {
      if (desired >= from) {
        add({ invariant: 5, t, message: `scale_down at ${s(t)} from ${from} although desired=${desired} is not below the current count` });
      } else if (to < desired) {
        add({ invariant: 5, t, message: `scale_down at ${s(t)} to ${to}, below desired=${desired}` });
      } else if (to !== Math.max(desired, from - allowed)) {
        add({ invariant: 5, t, message: `scale_down at ${s(t)} from ${from} to ${to}; the policy removes min(${from} − ${desired}, ${allowed}) = ${Math.min(from - desired, allowed)}` });
      }
    }
    // The countdown starts at a decision with desired < current (no earlier than t = 0), is cancelled
    // by a scale-up decision and restarts after each step: a step needs a full delay after all of them.
    const last = Math.max(lastScaleUp ?? 0, lastScaleDown ?? 0);
    const what = lastScaleDown !== null && lastScaleDown >= (lastScaleUp ?? -Infinity) ? `the previous scale_down at ${s(lastScaleDown)}` : lastScaleUp !== null ? `the scale_up at ${s(lastScaleUp)}` : 'the start of the run';
    if (t - last < scaleDownDelay - tol) {
      add({
        invariant: 5,
        t,
        message: `scale_down at ${s(t)} only ${s(t - last)} after ${what}; scale_down_delay is ${s(scaleDownDelay)}`,
      });
    }
  }

  checkRouting();
  checkRoutingPolicy();
  checkRouterQueue();
  checkAutoscalerInput();
  checkConservation();
  checkBilling();
  checkAgreement();
  return out;

  /**
   * latency_s against the requests rows (docs/outputs.md): mean and max exact, each percentile
   * within ±1 % of the exact order statistic (nearest rank; values under 0.1 ms share a bucket).
   */
  function checkLatency(): void {
    const rows = run.requests;
    if (!rows) return;
    const lat = rows.filter((q) => q.status === 200 && q.finished !== null).map((q) => q.finished! - q.arrival);
    let bad = 0;
    for (const q of rows) {
      if (q.finished !== null && q.latency !== null && Math.abs(q.latency - (q.finished - q.arrival)) > 2 * tol && bad++ < 3) {
        add({ invariant: 0, t: q.finished, message: `request ${q.id}: latency ${q.latency} ≠ finished ${q.finished} − arrival ${q.arrival}` });
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
    const close = (a: number | null, b: number, rel: number): boolean => a !== null && Math.abs(a - b) <= rel * Math.abs(b) + 2e-4 + 2 * tol;
    if (!close(l.mean, mean, 1e-9)) add({ invariant: 0, message: `latency_s.mean ${l.mean} but the ${n} succeeded requests give ${Number(mean.toFixed(6))}` });
    if (!close(l.max, lat[n - 1]!, 1e-9)) add({ invariant: 0, message: `latency_s.max ${l.max} but the succeeded requests give ${lat[n - 1]}` });
    for (const [k, q] of [
      ['p50', 0.5],
      ['p90', 0.9],
      ['p95', 0.95],
      ['p99', 0.99],
    ] as const) {
      const rank = Math.min(n, Math.max(1, Math.ceil(q * n - 1e-9)));
      const a = lat[rank - 1]!;
      const b = lat[Math.min(n, rank + 1) - 1]!; // the next rank, for the other nearest-rank convention
      const lo = Math.min(a, lat[Math.max(1, rank - 1) - 1]!) * 0.99 - 2e-4 - 2 * tol;
      const hi = Math.max(a, b) * 1.01 + 2e-4 + 2 * tol;
      const v = l[k];
      if (v === null || v < lo || v > hi) {
        add({ invariant: 0, message: `latency_s.${k} ${v} but the ${n} succeeded requests' order statistic (rank ${rank}) is ${Number(a.toFixed(6))}: not within ±1 %` });
      }
    }
  }

  /** A new deployment starts with initial_replicas, else max(1, min_replica) replicas at t = 0: cold in scheduling, warm ready (SPEC §6). */
  function checkInitialStart(): void {
    const want = config.deployment.initial_replicas ?? Math.max(1, minR);
    // The initial replicas are those created at t = 0 before any scale_up row (an arrival at t = 0
    // to no replica, with initial_replicas: 0, pokes the autoscaler at once).
    const initial = new Set<number>();
    for (const e of run.events) {
      if (e.t > tol || e.event === 'scale_up') break;
      if (e.event === 'state' && e.replica !== null && (e.from === null || e.from === '')) initial.add(e.replica);
    }
    const created = [...replicas.values()].filter((r) => initial.has(r.id));
    const warm = config.deployment.initial_state === 'warm';
    if (created.length !== want) {
      add({ invariant: 5, t: 0, message: `${created.length} replicas created at t = 0; a new deployment starts with ${config.deployment.initial_replicas !== null ? `initial_replicas = ${want}` : `max(1, min_replica) = ${want}`}` });
    }
    const firstState = new Map<number, string>();
    for (const e of run.events) {
      if (e.event === 'state' && e.replica !== null && !firstState.has(e.replica)) firstState.set(e.replica, String(e.to));
    }
    for (const r of created) {
      const st = firstState.get(r.id);
      if (st !== (warm ? 'ready' : 'scheduling')) {
        add({ invariant: 5, t: 0, message: `replica ${r.id} started in state ${st}; initial_state ${config.deployment.initial_state} starts ${warm ? 'ready' : 'in scheduling'}` });
      }
    }
  }

  /** summary.health.faults: what `expect:` assertions read, so it must say what the rows say. */
  function checkFaultRecords(): void {
    const got = run.summary.health.faults;
    if (got.length !== faultRecs.length) {
      add({ invariant: 0, message: `summary health.faults has ${got.length} records but events.csv has ${faultRecs.length} fault rows` });
    }
    const same = (a: number | null, b: number | null): boolean => (a === null ? b === null : b !== null && Math.abs(a - b) <= tol);
    let shown = 0;
    for (let i = 0; i < Math.min(got.length, faultRecs.length); i++) {
      const g = got[i]!;
      const w = faultRecs[i]!;
      const diffs: string[] = [];
      if (g.kind !== w.kind || g.replica !== w.replica || !same(g.at, w.at)) diffs.push(`is ${g.kind} on replica ${g.replica} at ${g.at} s, the row ${w.kind} on replica ${w.replica} at ${w.at} s`);
      else {
        if (!same(g.traffic_stopped_at, w.stop)) diffs.push(`traffic_stopped_at ${g.traffic_stopped_at} (events: ${w.stop})`);
        if (!same(g.restarted_at, w.restart)) diffs.push(`restarted_at ${g.restarted_at} (events: ${w.restart})`);
        if (!same(g.preempted_at ?? null, w.preempted)) diffs.push(`preempted_at ${g.preempted_at} (events: ${w.preempted})`);
        if (!same(g.routable_again_at, w.again)) diffs.push(`routable_again_at ${g.routable_again_at} (events: ${w.again})`);
      }
      if (diffs.length && shown++ < 5) add({ invariant: 0, t: w.at, message: `summary health.faults[${i}] (${w.kind} on replica ${w.replica} at ${s(w.at)}): ${diffs.join('; ')}` });
    }
  }

  /** Invariant 0: summary counts and timeline gauges agree with the events (and each other). */
  function checkAgreement(): void {
    const sr = run.summary.replicas;
    const pairs: [string, number, number][] = [
      ['replicas.created', sr.created, replicas.size],
      ['replicas.peak', sr.peak, peak],
      ['replicas.restarts', sr.restarts, restartRows],
      ['replicas.traffic_stops', sr.traffic_stops, stopRows],
    ];
    for (const [name, got, want] of pairs) {
      if (got !== want) add({ invariant: 0, message: `summary ${name} = ${got} but the events give ${want}` });
    }
    const q = run.summary.requests;
    const finished = q.arrived - q.in_flight_at_end;
    if (finished > 0 && run.summary.availability !== null && Math.abs(run.summary.availability - q.succeeded / finished) > 1e-6) {
      add({ invariant: 0, message: `availability ${run.summary.availability} ≠ succeeded ${q.succeeded} / (arrived ${q.arrived} − in flight ${q.in_flight_at_end}) = ${q.succeeded / finished}` });
    }
    checkFaultRecords();
    checkLatency();
    checkInitialStart();
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
    let prevBilled = 0;
    let reported = 0;
    for (const row of samples) {
      const t = row.t ?? NaN;
      const billed = row.billed_minutes ?? 0;
      if (billed < prevBilled && reported++ < 5) add({ invariant: 7, t, message: `timeline billed_minutes went down from ${prevBilled} to ${billed} at ${s(t)}` });
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
      if (row.replicas !== null && !options.some((o) => o.current === row.replicas) && reported++ < 5) {
        add({ invariant: 5, t, message: `timeline at ${s(t)} says ${row.replicas} replicas, the events give ${[...new Set(options.map((o) => o.current))].join(' or ')}` });
      }
      if (row.routable !== null && !options.some((o) => o.routable === row.routable) && reported++ < 5) {
        add({ invariant: 1, t, message: `timeline at ${s(t)} says ${row.routable} routable replicas, the events give ${[...new Set(options.map((o) => o.routable))].join(' or ')}` });
      }
      for (const k of ['starting', 'ready', 'traffic_stopped', 'backoff'] as const) {
        const v = row[k];
        if (v !== null && v !== undefined && !options.some((o) => o[k] === v) && reported++ < 5) {
          add({ invariant: 0, t, message: `timeline at ${s(t)} says ${k} = ${v}, the events give ${[...new Set(options.map((o) => o[k]))].join(' or ')}` });
        }
      }
    }
    const last = samples[samples.length - 1]!;
    if (last.billed_minutes !== null && last.billed_minutes !== run.summary.billing.billed_minutes) {
      add({ invariant: 7, t: last.t ?? undefined, message: `the timeline's last billed_minutes ${last.billed_minutes} ≠ summary billing.billed_minutes ${run.summary.billing.billed_minutes}` });
    }
  }

  /** Invariant 1 (and 9 for request times). */
  function checkRouting(): void {
    if (!run.requests) return;
    for (const q of run.requests) {
      const times: [string, number | null][] = [
        ['arrival', q.arrival],
        ['dispatched', q.dispatched],
        ['finished', q.finished],
      ];
      let prev: [string, number] | null = null;
      for (const [name, v] of times) {
        if (v === null) continue;
        if (prev && v < prev[1] - tol) {
          add({ invariant: 9, t: v, message: `request ${q.id}: ${name} ${s(v)} is before ${prev[0]} ${s(prev[1])}` });
        }
        if (v < -tol || v > duration + tol) add({ invariant: 9, t: v, message: `request ${q.id}: ${name} ${s(v)} is outside the run [0, ${s(duration)}]` });
        prev = [name, v];
      }
      if (q.dispatched === null || q.replica === null) continue;
      const d = q.dispatched;
      const r = replicas.get(q.replica);
      if (!r || r.created > d + tol) {
        add({ invariant: 1, t: d, message: `request ${q.id} dispatched at ${s(d)} to replica ${q.replica}, which did not exist yet` });
        continue;
      }
      if (routableAt(r, d)) continue;
      // The last change at or before d says why it was not routable.
      const last = [...r.changes].reverse().find((c) => c.t <= d + tol);
      const why = last ? last.reason : `had not become routable since its creation at ${s(r.created)}`;
      add({ invariant: 1, t: d, message: `request ${q.id} dispatched at ${s(d)} to replica ${q.replica}, which ${why}` });
    }
  }

  /**
   * The router's choice (SPEC §5), checked when every request was dispatched at most once (no
   * retries: then requests.csv shows every dispatch): the routable replica with the fewest in
   * flight among those below concurrency_target (ties: lowest id), and no request waits in the
   * queue while a routable replica is below target. Rows at the same instant have no order across
   * files, so anything that could go either way at that instant is given the benefit of the doubt.
   */
  function checkRoutingPolicy(): void {
    const rows = run.requests;
    if (!rows || rows.length === 0 || rows.some((q) => q.attempts !== 1)) return;
    const target = config.deployment.autoscaling.concurrency_target;
    const byReplica = new Map<number, { disp: number[]; fin: number[] }>();
    for (const q of rows) {
      if (q.dispatched === null || q.replica === null) continue;
      let b = byReplica.get(q.replica);
      if (!b) byReplica.set(q.replica, (b = { disp: [], fin: [] }));
      b.disp.push(q.dispatched);
      if (q.finished !== null) b.fin.push(q.finished);
    }
    for (const b of byReplica.values()) {
      b.disp.sort((x, y) => x - y);
      b.fin.sort((x, y) => x - y);
    }
    /** Count of values < x in a sorted array. */
    const below = (a: number[], x: number): number => {
      let lo = 0;
      let hi = a.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (a[mid]! < x) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    const sure = (r: ReplicaTrack, d: number): boolean => {
      // Routable just before d and no change within the instant.
      let state = false;
      for (const c of r.changes) {
        if (c.t < d - tol) state = c.routable;
        else if (c.t <= d + tol) return false;
        else break;
      }
      return state;
    };
    const tracks = [...replicas.values()].sort((a, b) => a.id - b.id);
    let reported = 0;
    const report = (v: Violation): void => {
      if (reported++ < 5) add(v);
    };

    // 1. Each dispatch, in (time, id) order: same-instant dispatches follow the FIFO queue (id order).
    const dispatched = rows.filter((q) => q.dispatched !== null && q.replica !== null).sort((a, b) => a.dispatched! - b.dispatched! || a.id - b.id);
    const sent = new Map<number, number>(); // dispatches so far per replica
    for (const q of dispatched) {
      const d = q.dispatched!;
      const inflight = (id: number): { max: number; min: number } => {
        const b = byReplica.get(id);
        if (!b) return { max: 0, min: 0 };
        const max = (sent.get(id) ?? 0) - below(b.fin, d - tol);
        return { max, min: Math.max(0, max - (below(b.fin, d + tol + 1e-12) - below(b.fin, d - tol))) };
      };
      const chosen = inflight(q.replica!);
      const r = replicas.get(q.replica!);
      if (chosen.min >= target) {
        report({ invariant: 1, t: d, message: `request ${q.id} dispatched at ${s(d)} to replica ${q.replica}, which already had ${chosen.min} in flight, concurrency_target is ${target}` });
      } else if (r) {
        for (const x of tracks) {
          if (x.id === q.replica || !sure(x, d)) continue;
          const other = inflight(x.id);
          const exact = other.max === other.min && chosen.max === chosen.min;
          if (other.max < chosen.min || (exact && other.max === chosen.min && x.id < q.replica!)) {
            report({
              invariant: 1,
              t: d,
              message: `request ${q.id} dispatched at ${s(d)} to replica ${q.replica} (${chosen.min} in flight) although routable replica ${x.id} had ${other.max}${other.max === chosen.min ? ' and a lower id' : ''}: the router picks the fewest in flight, ties to the lowest id`,
            });
            break;
          }
        }
      }
      sent.set(q.replica!, (sent.get(q.replica!) ?? 0) + 1);
    }

    // 2. No waiting while a replica has room: at a request's arrival, with nobody ahead in the queue.
    const byId = [...rows].sort((a, b) => a.arrival - b.arrival || a.id - b.id);
    let aheadUntil = -Infinity; // latest time an earlier request left the queue
    for (const q of byId) {
      const a = q.arrival;
      const left = q.dispatched ?? q.finished ?? Infinity;
      const waited = left > a + tol && q.status !== 429;
      if (waited && aheadUntil <= a - tol) {
        for (const x of tracks) {
          if (!sure(x, a)) continue;
          const b = byReplica.get(x.id);
          const max = b ? below(b.disp, a + tol + 1e-12) - below(b.fin, a - tol) : 0;
          if (max < target) {
            report({
              invariant: 1,
              t: a,
              message: `request ${q.id} arrived at ${s(a)} and waited until ${Number.isFinite(left) ? s(left) : 'the end'} with nobody ahead of it, although routable replica ${x.id} had ${max} in flight, below concurrency_target ${target}`,
            });
            break;
          }
        }
      }
      aheadUntil = Math.max(aheadUntil, left);
    }
  }

  /**
   * The router queue (SPEC §5, §6): a request still queued `request.timeout` after arrival fails
   * with 500, and none outlives that in the queue; with `max_queue`, an arrival is shed (429)
   * exactly when it finds the queue full; an arrival that finds no replica triggers a decision at
   * once (a scale-up from zero at that instant). Queue contents are rebuilt when nobody retried.
   */
  function checkRouterQueue(): void {
    const rows = run.requests;
    if (!rows || rows.length === 0) return;
    const timeout = config.request.timeout;
    let reported = 0;
    const report = (v: Violation): void => {
      if (reported++ < 5) add(v);
    };
    const noRetries = rows.every((q) => q.attempts === 1);
    for (const q of rows) {
      if (q.attempts !== 1) continue;
      if (q.dispatched === null && q.status === 500 && q.finished !== null && Math.abs(q.finished - q.arrival - timeout) > tol) {
        report({ invariant: 1, t: q.finished, message: `request ${q.id} failed with 500 at ${s(q.finished)} without being dispatched, ${s(q.finished - q.arrival)} after arriving; a queued request fails request.timeout = ${s(timeout)} after arrival` });
      }
      if (q.finished !== null && q.finished - q.arrival > timeout + tol) {
        report({ invariant: 1, t: q.finished, message: `request ${q.id} ended (status ${q.status}) ${s(q.finished - q.arrival)} after arriving, past request.timeout ${s(timeout)}, in a single attempt` });
      }
      if (q.finished === null && q.arrival + timeout < duration - tol) {
        report({ invariant: 1, t: q.arrival + timeout, message: `request ${q.id} (arrived ${s(q.arrival)}, one attempt) is still in flight at the end although its request.timeout ran out at ${s(q.arrival + timeout)}` });
      }
    }
    // The activator: an arrival that finds no replica (not shed) asks for one at once.
    const scaleUps = run.events.filter((e) => e.event === 'scale_up').map((e) => e.t);
    const countBefore = (a: number): number => {
      let k = history.length - 1;
      while (k > 0 && history[k]!.t >= a - tol) k--;
      return history[k]!.current;
    };
    for (const q of rows) {
      if (q.status === 429 || q.arrival <= tol) continue;
      if (countBefore(q.arrival) === 0 && !scaleUps.some((t) => Math.abs(t - q.arrival) <= tol)) {
        report({ invariant: 5, t: q.arrival, message: `request ${q.id} arrived at ${s(q.arrival)} to no replica and no scale-up followed at that instant (the activator's poke)` });
      }
    }
    const maxQ = config.request.max_queue;
    if (maxQ === null || !noRetries) return;
    const order = [...rows].sort((a, b) => a.arrival - b.arrival || a.id - b.id);
    // Waiting requests at each arrival: those ahead that were queued and had not left yet.
    const left = (p: RequestRow): number => p.dispatched ?? p.finished ?? Infinity;
    const queued = order.filter((p) => p.status !== 429);
    const leaves = queued.map(left).sort((a, b) => a - b);
    let ahead = 0; // queued requests ahead in arrival order
    const countLeftBy = (x: number): number => {
      let lo = 0;
      let hi = leaves.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (leaves[mid]! <= x) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    for (const q of order) {
      const a = q.arrival;
      // Requests ahead that left by a − tol are surely gone; those leaving within the instant may or may not be.
      const lenMin = Math.max(0, ahead - countLeftBy(a + tol));
      const lenMax = Math.max(0, ahead - countLeftBy(a - tol - 1e-12));
      if (q.status === 429 && lenMax < maxQ) {
        report({ invariant: 1, t: a, message: `request ${q.id} was shed (429) at ${s(a)} with ${lenMax} waiting in the queue, below max_queue ${maxQ}` });
      } else if (q.status !== 429 && lenMin >= maxQ && !(lenMin === 0 && q.dispatched !== null && Math.abs(q.dispatched - a) <= tol)) {
        // (With max_queue 0 a request that an idle replica took at once never waited: not shed.)
        report({ invariant: 1, t: a, message: `request ${q.id} arrived at ${s(a)} to ${lenMin} waiting, max_queue ${maxQ}, but was not shed with 429` });
      }
      if (q.status !== 429) ahead++;
    }
  }

  /**
   * The autoscaler's input (SPEC §5, §6): `avg_in_flight` in scale rows is the time-weighted
   * average over the last autoscaling_window (the time elapsed, before a full window) of the
   * requests queued or dispatched. Rebuilt from requests.csv when nobody retried (then every
   * request is in flight from arrival to its end; shed ones never enter).
   */
  function checkAutoscalerInput(): void {
    const rows = run.requests;
    if (!rows || rows.some((q) => q.attempts !== 1)) return;
    const changes: [number, number][] = [];
    for (const q of rows) {
      if (q.status === 429) continue;
      changes.push([q.arrival, 1]);
      if (q.finished !== null) changes.push([q.finished, -1]);
    }
    changes.sort((a, b) => a[0] - b[0]);
    const ts: number[] = [0];
    const integral: number[] = [0];
    const level: number[] = [0];
    for (const [t, d] of changes) {
      const i = ts.length - 1;
      const acc = integral[i]! + level[i]! * (t - ts[i]!);
      if (t === ts[i]) level[i] = level[i]! + d;
      else {
        ts.push(t);
        integral.push(acc);
        level.push(level[i]! + d);
      }
    }
    const integralAt = (x: number): number => {
      let lo = 0;
      let hi = ts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (ts[mid]! <= x) lo = mid;
        else hi = mid - 1;
      }
      return integral[lo]! + level[lo]! * (x - ts[lo]!);
    };
    const window = config.deployment.autoscaling.autoscaling_window;
    let reported = 0;
    for (const e of run.events) {
      if (e.event !== 'scale_up' && e.event !== 'scale_down') continue;
      const avg = detailNumber(e.detail, 'avg_in_flight');
      if (avg === null || e.t <= 0) continue;
      const from = Math.max(0, e.t - window);
      const want = (integralAt(e.t) - integralAt(from)) / (e.t - from);
      // The row rounds to 3 decimals; rounded request times (CSV) move the integral by ≤ tol per change.
      const slack = 0.0005 + 1e-9 + (tol * changes.length) / Math.max(1e-9, e.t - from);
      if (Math.abs(avg - want) > slack && reported++ < 5) {
        add({
          invariant: 5,
          t: e.t,
          message: `${e.event} at ${s(e.t)} says avg_in_flight=${avg}; the requests give ${Number(want.toFixed(4))} (time-weighted in flight over ${s(from)}–${s(e.t)})`,
        });
      }
    }
  }

  /** Routable at d, accepting a change at exactly d in either order (ties have no order across files). */
  function routableAt(r: ReplicaTrack, d: number): boolean {
    let state = false;
    for (const c of r.changes) {
      if (c.t < d - tol) {
        state = c.routable;
        continue;
      }
      if (c.t <= d + tol) {
        if (state || c.routable) return true;
        state = c.routable;
        continue;
      }
      break;
    }
    return state;
  }

  /** Invariant 6, cross-checked against requests rows when there are any. */
  function checkConservation(): void {
    const q = run.summary.requests;
    if (q.arrived !== q.succeeded + q.failed + q.in_flight_at_end) {
      add({
        invariant: 6,
        message: `arrived ${q.arrived} ≠ succeeded ${q.succeeded} + failed ${q.failed} + in flight at end ${q.in_flight_at_end} (= ${q.succeeded + q.failed + q.in_flight_at_end}; off by ${q.arrived - (q.succeeded + q.failed + q.in_flight_at_end)})`,
      });
    }
    const byStatus = Object.entries(q.by_status ?? {});
    const failedByStatus = byStatus.filter(([k]) => k !== '200').reduce((a, [, n]) => a + n, 0);
    if (failedByStatus !== q.failed) {
      add({ invariant: 6, message: `failed ${q.failed} ≠ Σ by_status ${failedByStatus} (${byStatus.map(([k, n]) => `${k}: ${n}`).join(', ')})` });
    }
    if (!run.requests) return;
    const rows = run.requests;
    let ok = 0;
    let failed = 0;
    let open = 0;
    let retries = 0;
    let odd = 0;
    const ids = new Set<number>();
    const allowed = new Set([200, 500, 502, 503, 504, ...(config.request.max_queue === null ? [] : [429])]);
    for (const r of rows) {
      if (ids.has(r.id)) add({ invariant: 6, message: `request ${r.id} appears twice in requests.csv` });
      ids.add(r.id);
      retries += r.attempts - 1;
      if (r.attempts < 1 && odd++ < 5) add({ invariant: 6, message: `request ${r.id} has attempts=${r.attempts}` });
      if (r.status !== null && !allowed.has(r.status) && odd++ < 5) {
        add({
          invariant: 6,
          t: r.finished ?? undefined,
          message: `request ${r.id} ended with status ${r.status}; possible: 200, 500 (failed, or timed out in the queue), 502/503 (lost with its replica), 504 (ran past the timeout)${config.request.max_queue === null ? '' : ', 429 (queue full)'}`,
        });
      }
      if (r.status === null) open++;
      else if (r.status === 200) ok++;
      else failed++;
    }
    const pairs: [string, number, number][] = [
      ['arrived', q.arrived, rows.length],
      ['succeeded', q.succeeded, ok],
      ['failed', q.failed, failed],
      ['in_flight_at_end', q.in_flight_at_end, open],
    ];
    for (const [name, summ, counted] of pairs) {
      if (summ !== counted) add({ invariant: 6, message: `summary requests.${name} = ${summ} but requests rows give ${counted}` });
    }
    if (q.retried_attempts !== retries) add({ invariant: 0, message: `summary requests.retried_attempts = ${q.retried_attempts} but requests rows give Σ(attempts − 1) = ${retries}` });
  }

  /** Invariant 7: billed minutes from state rows, and cost. */
  function checkBilling(): void {
    const b = run.summary.billing;
    const price = config.deployment.instance.price_per_minute;
    const unbilled = dev && is2026;
    let lo = 0;
    let hi = 0;
    const parts: string[] = [];
    for (const r of [...replicas.values()].sort((a, c) => a.id - c.id)) {
      if (r.billStart === null || unbilled) continue;
      const end = Math.min(r.billEnd ?? duration, duration);
      const secs = Math.max(0, end - r.billStart);
      // Rounded row times make a whole minute ambiguous; the run's end and t = 0 are exact.
      const slack = (end === duration ? 0 : tol) + (r.billStart === 0 ? 0 : tol);
      const minLo = Math.ceil(Math.max(0, secs - slack) / 60 - 1e-9);
      const minHi = Math.ceil((secs + slack) / 60 - 1e-9);
      lo += minLo;
      hi += minHi;
      parts.push(`replica ${r.id}: ${s(r.billStart)}–${s(end)} = ${s(secs)} → ${minLo === minHi ? minLo : `${minLo}–${minHi}`} min`);
    }
    if (b.billed_minutes < lo || b.billed_minutes > hi) {
      const want = lo === hi ? `${lo}` : `${lo}–${hi}`;
      const off = b.billed_minutes < lo ? `${lo - b.billed_minutes} missing` : `${b.billed_minutes - hi} too many`;
      add({
        invariant: 7,
        message: `billed_minutes ${b.billed_minutes} but state rows give ${want} (${off}; ${unbilled ? 'development on baseten-2026 is not billed' : parts.join('; ') || 'no replica started a container'})`,
      });
    }
    // minutes_not_serving: billed time while not routable (SPEC §8), not rounded per replica.
    let notServing = 0;
    let changes = 0;
    for (const r of replicas.values()) {
      if (r.billStart === null || unbilled) continue;
      const end = Math.min(r.billEnd ?? duration, duration);
      let routable = 0;
      let openAt: number | null = null;
      for (const c of r.changes) {
        changes++;
        if (c.routable) openAt = c.t;
        else if (openAt !== null) {
          routable += Math.max(0, Math.min(c.t, end) - Math.max(openAt, r.billStart));
          openAt = null;
        }
      }
      if (openAt !== null) routable += Math.max(0, end - Math.max(openAt, r.billStart));
      notServing += Math.max(0, end - r.billStart - routable) / 60;
    }
    if (Math.abs(b.minutes_not_serving - notServing) > 1e-5 + (2 * tol * changes) / 60) {
      add({
        invariant: 7,
        message: `billing.minutes_not_serving ${b.minutes_not_serving} but the events give ${Number(notServing.toFixed(6))} (billed time while not routable; off by ${Number((b.minutes_not_serving - notServing).toFixed(6))} min)`,
      });
    }
    if (Math.abs(b.price_per_minute - price) > 1e-9) {
      add({ invariant: 7, message: `billing.price_per_minute ${b.price_per_minute} but the scenario's price is ${price}` });
    }
    const cost = b.billed_minutes * price;
    if (Math.abs(b.cost - cost) > 0.006 + 1e-9 * cost) {
      add({ invariant: 7, message: `billing.cost ${b.cost} ≠ billed_minutes ${b.billed_minutes} × price ${price} = ${Number(cost.toFixed(6))} (off by ${Number((b.cost - cost).toFixed(6))})` });
    }
  }
}

/** Checks a run folder on disk (config.json, summary.json, events.csv, requests.csv). */
export async function checkRunFolder(dir: string, opts: CheckOptions = {}): Promise<Violation[]> {
  const { readRunFolder } = await import('./read-outputs.js');
  const folder = readRunFolder(dir);
  if (!folder.config) throw new Error(`${dir}: no config.json: pass the outputs and config to checkInvariants instead`);
  return checkInvariants({ ...folder, config: folder.config }, { tolerance: 1e-3, ...opts });
}
