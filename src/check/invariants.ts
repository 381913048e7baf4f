/**
 * An independent checker of the policy invariants (SPEC §11).
 *
 * It reads only what a run puts out (events rows, requests rows, the summary, the timeline) plus
 * the Config for thresholds and prices. replay.ts rebuilds from the rows, once, each replica's
 * track (routability, containers, passes, billed span), the replica count and the gauges; each
 * file in invariants/ checks one family of invariants against that replay, with its own state.
 * It shares no code with the model on purpose: a bug in the model's bookkeeping must not be
 * repeated here and cancel itself out; its copies of the rules are in rules.ts.
 *
 * Ties: rows at the same time have no order relative to requests.csv, so a dispatch at exactly
 * the time a replica stops (or starts) taking traffic is accepted. Times in CSV files are
 * rounded; `tolerance` absorbs that.
 *
 * Not checkable from outputs: invariant 4 (is_healthy is not evaluated while loading: evaluations
 * are not rows) and 8 (needs two runs; see the property tests).
 */
import { checkChainRun } from './chain.js';
import { checkAgreement } from './invariants/agreement.js';
import { checkAutoscaler } from './invariants/autoscaler.js';
import { checkBilling } from './invariants/billing.js';
import { checkConservation } from './invariants/conservation.js';
import { checkProbes } from './invariants/probes.js';
import { checkRouting } from './invariants/routing.js';
import { checkTimeOrder } from './invariants/time-order.js';
import { compareSlots, replay, type Found, type Replay } from './replay.js';
import { CSV_TOLERANCE_S, DEFAULT_MAX_VIOLATIONS, DEFAULT_TOLERANCE_S } from './rules.js';
import type { CheckOptions, RunOutputs, Violation } from './violations.js';

export { checkCount } from './rules.js';
export { formatViolation, formatViolations, INVARIANT_NAMES } from './violations.js';
export type { CheckOptions, InvariantId, RunOutputs, Violation } from './violations.js';

/** Every invariant family, each a function of the replay alone. */
export const INVARIANT_CHECKS: readonly ((rp: Replay) => Found[])[] = [checkTimeOrder, checkRouting, checkProbes, checkAutoscaler, checkConservation, checkBilling, checkAgreement];

/**
 * Checks a run's outputs. A Chain's run (config.chain) is checked per chainlet, each as a single
 * deployment, plus SPEC §12's chain invariants (chain.ts).
 */
export function checkInvariants(run: RunOutputs, opts: CheckOptions = {}): Violation[] {
  return run.config.chain ? checkChainRun(run, opts, checkDeployment) : checkDeployment(run, opts);
}

/** One deployment: replay the rows, run every invariant, report in row order (then the whole-run checks). */
function checkDeployment(run: RunOutputs, opts: CheckOptions = {}): Violation[] {
  const max = opts.maxViolations ?? DEFAULT_MAX_VIOLATIONS;
  const rp = replay(run, opts.tolerance ?? DEFAULT_TOLERANCE_S, max);
  const found = INVARIANT_CHECKS.flatMap((check) => check(rp));
  // A stable sort: within one slot, the order of INVARIANT_CHECKS and then each check's own order.
  found.sort((a, b) => compareSlots(a.at, b.at));
  return found.slice(0, Math.max(0, max)).map((f) => f.v);
}

/** Checks a run folder on disk (config.json, summary.json, events.csv, requests.csv). */
export async function checkRunFolder(dir: string, opts: CheckOptions = {}): Promise<Violation[]> {
  const { readRunFolder } = await import('./read-outputs.js');
  const folder = readRunFolder(dir);
  if (!folder.config) throw new Error(`${dir}: no config.json: pass the outputs and config to checkInvariants instead`);
  return checkInvariants({ ...folder, config: folder.config }, { tolerance: CSV_TOLERANCE_S, ...opts });
}
