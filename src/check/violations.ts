/**
 * What the checker reads (a run's outputs) and what it reports (violations), shared by the
 * single-deployment checker (invariants.ts) and the chain's (chain.ts).
 */
import type { Config } from '../model/config.js';
import type { EventRow, RequestRow, Summary, TimelineRow } from '../model/summary.js';

export interface RunOutputs {
  config: Config;
  summary: Summary;
  events: readonly EventRow[];
  /** null when requests were not recorded: invariant 1 is then not checked. */
  requests: readonly RequestRow[] | null;
  /** timeline.csv rows, when available: cross-checked against the events and the summary. */
  samples?: readonly TimelineRow[] | null;
}

/**
 * The SPEC §11 number of the invariant and a short name. 0 is not in §11: the outputs must agree
 * with each other (summary counts, timeline gauges and the events), or checking from them means nothing.
 */
export type InvariantId = 0 | 1 | 2 | 3 | 5 | 6 | 7 | 9 | '12.1' | '12.2' | '12.3';

export const INVARIANT_NAMES: Readonly<Record<InvariantId, string>> = {
  0: 'outputs agree with each other',
  1: 'routing: dispatch only to routable replicas',
  2: 'traffic stop not before its threshold',
  3: 'health restart not before its threshold',
  5: 'replica bounds and scale-down policy',
  6: 'request conservation',
  7: 'billing',
  9: 'time order',
  '12.1': "chain: a succeeded request's calls all succeeded",
  '12.2': "chain: a call's attempts within retries",
  '12.3': 'chain: calls in flight within concurrency_limit',
};

export interface Violation {
  invariant: InvariantId;
  message: string;
  /** Simulated time of the offending record, when there is one. */
  t?: number;
  /** In a chain: the chainlet whose rows break it (for 12.x, the caller). */
  chainlet?: string;
}

export interface CheckOptions {
  /** Slack on time comparisons (s): 1e-6 for in-memory rows, about 1e-3 for rows read from CSV. */
  tolerance?: number;
  /** Stop after this many violations (default 200): a broken run can produce thousands. */
  maxViolations?: number;
}

/** One line per violation, for terminals and test failure messages. */
export function formatViolations(vs: readonly Violation[]): string {
  return vs.map(formatViolation).join('\n');
}

/** `invariant 3 (health restart not before its threshold): ...`, after `LLM: ` in a chain. */
export function formatViolation(v: Violation): string {
  return `${v.chainlet ? `${v.chainlet}: ` : ''}invariant ${v.invariant} (${INVARIANT_NAMES[v.invariant]}): ${v.message}`;
}

