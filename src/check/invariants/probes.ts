/**
 * Invariants 2 and 3 (SPEC §2, §3, §7, §11): traffic stops and health restarts never before their
 * thresholds allow, never later than a fault that fails every check forces them; a stop's
 * `failures=` is the run of failed checks the rows show; restarts follow CrashLoopBackOff; a
 * starting container is restarted by its startup deadline; crash_loop containers crash on time.
 *
 * It walks the replay's steps with its own deadlines per replica (the replay's tracks say where each
 * container stands); a deadline that runs out before a row is reported before that row.
 */
import type { EventRow } from '../../model/summary.js';
import { detailNumber, detailWord, rowSlot, endSlot, collector, secs as s, STAGE, type Found, type Replay, type TrackState } from '../replay.js';
import { AFTER_FAULT_KINDS, BACKOFF_CAP_S, BACKOFF_FIRST_S, BACKOFF_RESET_S, checkCount, EPS, GONE_STATES, HANG } from '../rules.js';

/** What this invariant tracks per replica besides the replay's track. */
interface ProbeTrack {
  id: number;
  /** The replica as the latest row about it left it. */
  track: TrackState;
  /**
   * A fault that makes every check of this container fail until it restarts (a hang; a fault the
   * `after_fault` rule watches) and the latest times the stop and the restart may come.
   */
  doomed: { kind: string; at: number; stopBy: number | null; restartBy: number } | null;
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

export function checkProbes(rp: Replay): Found[] {
  const { found, add } = collector(rp);
  const { config } = rp.run;
  const tol = rp.tol;
  const duration = config.duration;
  const hc = config.deployment.runtime.health_checks;
  const period = config.assumptions.probe_period;
  const delay = hc.restart_check_delay_seconds;
  const timeout = config.assumptions.probe_timeout;
  const is2026 = config.platform === 'baseten-2026';
  const stopCount = checkCount(hc.stop_traffic_threshold_seconds, period);
  const restartCount = checkCount(hc.restart_threshold_seconds, period);
  const startupCount = hc.startup_threshold_seconds === null ? null : checkCount(hc.startup_threshold_seconds, period);

  // crash_loop (SPEC §7): a row is attributed to the scenario's crash_loop faults that may have made it
  // (a single one at exactly its time, any recurring one); checked when they agree on `after` and `duration`.
  const loops = config.faults.filter((f) => f.kind === 'crash_loop');
  const loopOf = (t: number): { after: number; duration: number | null } | null => {
    const cands = loops.filter((f) => f.mtbf !== null || Math.abs((f.at ?? 0) - t) <= tol);
    if (cands.length === 0 || !cands.every((f) => f.after === cands[0]!.after && f.duration === cands[0]!.duration)) return null;
    return { after: cands[0]!.after, duration: cands[0]!.duration };
  };

  /**
   * The latest time a container started at `t` may still be starting. baseten-2025: loading
   * fails every liveness check, so the restart count is reached by start + delay (+ phase) +
   * (count − 1) × period [seed: "a load longer than delay + restart threshold restarts the
   * replica mid-load"]. baseten-2026: the startup probe likewise (delay counted, to be safe).
   */
  const startupDeadline = (t: number): number => {
    const phase = config.assumptions.probe_phase === 'random' ? period : 0;
    const n = is2026 ? (startupCount ?? 1) : restartCount;
    return t + delay + phase + (n - 1) * period + timeout;
  };

  const armCrash = (p: ProbeTrack, start: number): void => {
    // Loops in force at the start (start < until): the smallest `after` wins, even past its `until`.
    let after: number | null = null;
    for (const l of p.crashLoops) if (start < l.until - tol && (after === null || l.after < after)) after = l.after;
    p.crashBy = after !== null && !p.crashLoopUnknown ? start + after : null;
    p.crashAfter = after;
  };

  const probes = new Map<number, ProbeTrack>();

  function checkDeadlines(now: number, i: number): void {
    const at = i < rp.steps.length ? rowSlot(i, STAGE.deadlines) : endSlot(rp, STAGE.deadlines);
    for (const p of probes.values()) {
      const r = p.track;
      if (p.crashBy !== null && now > p.crashBy + tol && p.crashBy < duration) {
        add(at, {
          invariant: 3,
          t: p.crashBy,
          message: `replica ${r.id}'s container started at ${s(r.containerStart!)} was still running at ${s(p.crashBy)}; under crash_loop (after ${p.crashAfter} s; the smallest in force wins) it crashes then`,
        });
        p.crashBy = null;
      }
      if (p.startupBy !== null && now > p.startupBy + tol && p.startupBy < duration) {
        add(at, {
          invariant: 3,
          t: p.startupBy,
          message: is2026
            ? `replica ${r.id}'s container started at ${s(r.containerStart!)} had neither passed the startup probe nor been restarted by ${s(p.startupBy)} (startup_threshold_seconds ${hc.startup_threshold_seconds}: ${startupCount} failed checks)`
            : `replica ${r.id} was still loading at ${s(p.startupBy)}, container started at ${s(r.containerStart!)}: loading fails every check, so ${restartCount} failed checks (delay ${delay} s + restart_threshold_seconds ${hc.restart_threshold_seconds}) restart it mid-load by then`,
        });
        p.startupBy = null;
      }
      const d = p.doomed;
      if (!d) continue;
      if (d.stopBy !== null && now > d.stopBy + tol && d.stopBy < duration) {
        add(at, {
          invariant: 2,
          t: d.stopBy,
          message: `replica ${r.id} still took traffic at ${s(d.stopBy)}: after the ${d.kind} at ${s(d.at)} every check fails, so ${stopCount} failed checks (stop_traffic_threshold_seconds ${hc.stop_traffic_threshold_seconds}) stop it by then`,
        });
        d.stopBy = null;
      }
      if (now > d.restartBy + tol && d.restartBy < duration) {
        add(at, {
          invariant: 3,
          t: d.restartBy,
          message: `replica ${r.id} not restarted by ${s(d.restartBy)}: after the ${d.kind} at ${s(d.at)} every check fails, so ${restartCount} failed checks (restart_threshold_seconds ${hc.restart_threshold_seconds}) restart it by then`,
        });
        p.doomed = null;
      }
    }
  }

  /**
   * "Never later" (SPEC §11.2, §3): after a fault that fails every check of a serving container
   * until it restarts, the count-th failing check comes at most count periods (+ the probe
   * timeout) later, whatever the phase: the stop and the restart must have happened by then.
   */
  function noteFault(p: ProbeTrack, r: TrackState, e: EventRow, t: number): void {
    const kind = detailWord(e.detail, 'kind');
    const rule = config.deployment.is_healthy;
    const watched = rule?.rule === 'after_fault' && rule.fault === kind && AFTER_FAULT_KINDS.includes(kind ?? '');
    if (kind !== HANG && !watched) return;
    if (r.state !== 'ready' || r.containerStart === null || p.doomed) return;
    // Checks must be running: a pass was seen in this container, or it started warm.
    if (r.firstPass === null && !r.warm) return;
    // An upper bound: assume the delay holds under both platforms (baseten-2026 deprecates it, the model may keep it).
    const from = r.firstPass === null ? Math.max(t, r.containerStart + delay) : t;
    p.doomed = {
      kind: kind!,
      at: t,
      stopBy: r.routable ? from + stopCount * period + timeout : null,
      restartBy: from + restartCount * period + timeout,
    };
  }

  /**
   * The run of failed checks that ended in a stop at `t`, rebuilt from the rows (SPEC §3): at most the
   * check instants after the last pass row (a check instant; passes while routable leave no row),
   * or from the container's first check; at least, after a fault that fails every check from its
   * instant on (faults run before checks at one instant, SPEC §1), the instants from the fault to
   * the stop, when the check grid is known (a pass row, or aligned probes). A hung check's failure
   * is known probe_timeout after its instant.
   */
  function observedRun(p: ProbeTrack, r: TrackState, t: number): { lo: number; hi: number; why: string } | null {
    if (r.containerStart === null) return null;
    const eps = tol / period + EPS;
    const hung = p.doomed?.kind === HANG;
    const te = hung ? t - timeout : t;
    const first = r.containerStart + (is2026 ? 0 : delay);
    const hi = r.lastPass !== null ? Math.floor((te - r.lastPass) / period + eps) : Math.floor((te - first) / period + eps) + 1;
    const from = r.lastPass !== null ? `the last pass at ${s(r.lastPass)}` : `the container's first check at ${s(first)}`;
    let lo = 0;
    let why = `at most ${hi} check${hi === 1 ? '' : 's'} since ${from}`;
    const grid = r.lastPass ?? (config.assumptions.probe_phase === 'aligned' && !is2026 ? first : null);
    if (p.doomed && grid !== null) {
      const k0 = Math.ceil((Math.max(p.doomed.at, grid) - grid) / period - eps);
      const k1 = Math.floor((te - grid) / period + eps);
      lo = Math.max(0, k1 - k0 + 1);
      why += `, at least ${lo} since the ${p.doomed.kind} at ${s(p.doomed.at)} (checks at ${s(grid)} + k × ${period} s${hung ? `, known ${timeout} s later` : ''})`;
    }
    return { lo, hi, why };
  }

  function checkStop(p: ProbeTrack, r: TrackState, e: EventRow, i: number): void {
    const t = e.t;
    const at = rowSlot(i, STAGE.row);
    const failures = detailNumber(e.detail, 'failures');
    if (failures !== null && failures !== stopCount) {
      add(at, {
        invariant: 2,
        t,
        message: `replica ${r.id} stopped traffic at ${s(t)} after failures=${failures}; stop_traffic_threshold_seconds ${hc.stop_traffic_threshold_seconds} / period ${period} requires ${stopCount}`,
      });
    }
    // failures= is the run the model observed: it must fit the run of failed checks the rows allow.
    const run = failures === null ? null : observedRun(p, r, t);
    if (failures !== null && run && (failures < run.lo || failures > run.hi)) {
      add(at, {
        invariant: 2,
        t,
        message: `replica ${r.id} stopped traffic at ${s(t)} with failures=${failures}, but the rows give a run of ${run.lo === run.hi ? run.lo : `${run.lo}–${run.hi}`} failed checks (${run.why})`,
      });
    }
    if (r.containerStart === null) {
      add(at, { invariant: 2, t, message: `replica ${r.id} stopped traffic at ${s(t)} but no container of it had started` });
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
        add(at, {
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
      add(at, {
        invariant: 2,
        t,
        message: `replica ${r.id} stopped traffic at ${s(t)}, ${s(bound - t)} too early: ${stopCount} failed checks need until ${s(bound)} (${why})`,
      });
    }
  }

  function checkRestart(r: TrackState, e: EventRow, i: number): void {
    const t = e.t;
    const at = rowSlot(i, STAGE.row);
    const cause = detailWord(e.detail, 'cause');
    if (cause !== 'liveness' && cause !== 'startup') return;
    if (r.containerStart === null) {
      add(at, { invariant: 3, t, message: `replica ${r.id} restarted (cause=${cause}) at ${s(t)} but no container of it had started` });
      return;
    }
    let bound: number;
    let why: string;
    if (cause === 'startup') {
      if (!is2026 || startupCount === null) {
        add(at, { invariant: 3, t, message: `replica ${r.id} restarted with cause=startup at ${s(t)}, but ${config.platform} has no startup probe` });
        return;
      }
      bound = r.containerStart + (startupCount - 1) * period;
      why = `container start ${s(r.containerStart)} + (${startupCount} − 1) × ${period} s`;
    } else if (is2026 && r.warm && r.firstPass === null) {
      bound = r.containerStart + (restartCount - 1) * period;
      why = `warm container start ${s(r.containerStart)} + (${restartCount} − 1) × ${period} s`;
    } else if (is2026) {
      if (r.firstPass === null) {
        add(at, {
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
      add(at, {
        invariant: 3,
        t,
        message: `replica ${r.id} restarted (cause=${cause}) at ${s(t)}, ${s(bound - t)} too early: not allowed before ${s(bound)} (${why})`,
      });
    }
  }

  /** CrashLoopBackOff [k8s] (SPEC §2): 0, then 10, 20, 40, ... 300 s; reset when 600 s or more pass between two restarts (restart to restart). */
  function checkBackoff(p: ProbeTrack, e: EventRow, i: number): void {
    const t = e.t;
    const last = p.loop.lastAt;
    const fresh = last === null || t - last >= BACKOFF_RESET_S - tol;
    const n = fresh ? 0 : p.loop.n;
    const want = n === 0 ? 0 : Math.min(BACKOFF_CAP_S, BACKOFF_FIRST_S * 2 ** (n - 1));
    p.loop = { n: n + 1, lastAt: t };
    const got = detailNumber(e.detail, 'backoff');
    if (got === null) return;
    // Exactly at the 600 s reset the rounding of times can tip either way: accept both then.
    const ambiguous = !fresh && last !== null && t - last >= BACKOFF_RESET_S - 2 * tol;
    if (Math.abs(got - want) > 1e-6 && !(ambiguous && got === 0)) {
      add(rowSlot(i, STAGE.row), {
        invariant: 3,
        t,
        message: `replica ${p.id} restarted at ${s(t)} with backoff=${got}; CrashLoopBackOff gives ${want} s (${n === 0 ? `first restart, or ${BACKOFF_RESET_S} s since the last` : `restart ${n + 1} of a loop`})`,
      });
    }
    p.startDue = { at: t + got, restartAt: t };
  }

  /** A crash_loop row: the loop is kept; the running container (if any) crashes `after` s after its start, at once if older. */
  function noteCrashLoop(p: ProbeTrack, r: TrackState, t: number): void {
    const loop = loopOf(t);
    if (loop === null) {
      p.crashLoopUnknown = true;
      p.crashBy = null;
      return;
    }
    p.crashLoops.push({ after: loop.after, until: loop.duration === null ? Infinity : t + loop.duration });
    if (!p.crashLoopUnknown && r.containerStart !== null && (r.state === 'loading' || r.state === 'ready')) {
      // The earliest crash wins.
      const at = Math.max(t, r.containerStart + loop.after);
      if (p.crashBy === null || at < p.crashBy) {
        p.crashBy = at;
        p.crashAfter = loop.after;
      }
    }
  }

  for (const step of rp.steps) {
    if (!step.applied) continue;
    const { e, i } = step;
    const t = e.t;
    checkDeadlines(t, i);
    if (e.event === 'scale_up' || e.event === 'scale_down' || e.replica === null) continue;
    const r = step.before;
    const after = step.after;
    if (e.event === 'state') {
      const to = String(e.to ?? '');
      if (!r) {
        // A new replica: a cold one's container starts loading; a warm one's has no startup to check.
        const p: ProbeTrack = { id: e.replica, track: after!, doomed: null, loop: { n: 0, lastAt: null }, startDue: null, startupBy: null, crashLoops: [], crashLoopUnknown: false, crashAfter: null, crashBy: null };
        probes.set(e.replica, p);
        if (to === 'loading') p.startupBy = startupDeadline(t);
        continue;
      }
      const p = probes.get(e.replica)!;
      p.track = after!;
      if (to === 'loading' && p.startDue) {
        if (Math.abs(t - p.startDue.at) > tol) {
          add(rowSlot(i, STAGE.row), {
            invariant: 3,
            t,
            message: `replica ${p.id}'s new container started at ${s(t)}; the restart at ${s(p.startDue.restartAt)} with its back-off says ${s(p.startDue.at)}`,
          });
        }
        p.startDue = null;
      }
      if (GONE_STATES.has(to)) {
        p.startDue = null;
        p.crashBy = null;
      }
      if (to !== 'ready') p.doomed = null;
      if (to !== 'loading' && to !== 'ready') p.startupBy = null;
      if (!is2026 && r.state === 'loading' && to === 'ready') p.startupBy = null;
      if (to === 'loading') {
        p.startupBy = startupDeadline(t);
        armCrash(p, t);
      }
      continue;
    }
    if (!r) continue;
    const p = probes.get(e.replica)!;
    p.track = after!;
    switch (e.event) {
      case 'routable':
      case 'traffic_resumed': {
        const what = e.event === 'routable' ? 'became routable' : 'resumed traffic';
        if (p.doomed && t > p.doomed.at + tol) {
          add(rowSlot(i, STAGE.row, 0), {
            invariant: 2,
            t,
            message: `replica ${r.id} ${what} at ${s(t)}, but every check of its container fails since the ${p.doomed.kind} at ${s(p.doomed.at)}`,
          });
        }
        // (Slot STAGE.row, 1 is routing's: routable while not ready.)
        if (!is2026 && !r.warm && r.containerStart !== null && t < r.containerStart + delay - tol) {
          add(rowSlot(i, STAGE.row, 2), {
            invariant: 2,
            t,
            message: `replica ${r.id} ${what} at ${s(t)}, before its first readiness check at container start ${s(r.containerStart)} + delay ${delay} s = ${s(r.containerStart + delay)}`,
          });
        }
        if (is2026) p.startupBy = null;
        break;
      }
      case 'traffic_stopped':
        if (p.doomed) p.doomed.stopBy = null;
        checkStop(p, r, e, i);
        break;
      case 'restart':
        p.startupBy = null;
        p.crashBy = null;
        p.doomed = null;
        checkBackoff(p, e, i);
        checkRestart(r, e, i);
        break;
      case 'fault':
        if (detailWord(e.detail, 'kind') === 'crash_loop') noteCrashLoop(p, r, t);
        noteFault(p, r, e, t);
        break;
      default:
        break;
    }
  }
  checkDeadlines(duration, rp.steps.length);
  return found;
}
