/**
 * `--require 'availability>=0.999'` and `--minimize cost`: pick the best variant that meets every
 * requirement *with confidence*: the side of the 95 % interval that could break the requirement
 * must still meet it (for `>=`, the lower bound; for `<=`, the upper bound). Without an interval
 * (fewer than 2 values) nothing is known with confidence, so the requirement is not met.
 *
 * In a chain sweep the metric may be the chain's (`chain.cost`) or a chainlet's (`LLM.availability`):
 * the parsers check the name's shape; `checkMetricNames` checks the chainlet against the scenario's
 * once it is loaded.
 */
import { closest } from '../scenario/suggest.js';
import { CHAIN_METRICS, CHAIN_PREFIX, METRICS, metricProblem, splitMetric, type MetricKey } from './metrics.js';
import type { Estimate } from './stats.js';

export type Op = '>=' | '<=' | '>' | '<';

export interface Requirement {
  text: string;
  metric: MetricKey;
  op: Op;
  value: number;
}

export function parseRequirement(text: string): Requirement {
  const m = /^\s*([A-Za-z0-9_.-]+)\s*(>=|<=|>|<)\s*(\S+)\s*$/.exec(text);
  if (!m) throw new Error(`--require ${text}: expected metric>=x or metric<=x (e.g. 'availability>=0.999')`);
  const [, metric, op, raw] = m;
  const problem = metricProblem(metric!, null);
  if (problem !== null) throw new Error(`--require ${text}: found metric ${metric}, allowed ${problem}${didYouMean(metric!, null)}`);
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`--require ${text}: found value ${raw}, allowed a number`);
  return { text: text.trim(), metric, op: op as Op, value };
}

export function parseMinimize(text: string): MetricKey {
  const problem = metricProblem(text, null);
  if (problem !== null) throw new Error(`--minimize ${text}: found ${text}, allowed ${problem}${didYouMean(text, null)}`);
  return text;
}

/**
 * ` (did you mean `availability`?)` for a misspelt metric name, as the scenario's keys get; empty
 * when nothing is close. Each part is matched on its own: the metric (`LLM.availabilty` →
 * `LLM.availability`), and against the known chainlets the scope (`LMM.cost` → `LLM.cost`).
 */
function didYouMean(key: string, chainlets: readonly string[] | null): string {
  const { scope, base } = splitMetric(key);
  const metrics: readonly string[] = scope === CHAIN_PREFIX ? CHAIN_METRICS : METRICS;
  const near = metrics.includes(base) ? base : closest(base, metrics);
  let nearScope = scope;
  if (scope !== null && scope !== CHAIN_PREFIX && chainlets !== null && !chainlets.includes(scope)) {
    nearScope = closest(scope, chainlets.length > 0 ? [...chainlets, CHAIN_PREFIX] : [CHAIN_PREFIX]);
  }
  if (near === null || (scope !== null && nearScope === null)) return '';
  const meant = nearScope === null ? near : `${nearScope}.${near}`;
  return meant === key || metricProblem(meant, chainlets) !== null ? '' : ` (did you mean \`${meant}\`?)`;
}

/**
 * The --require and --minimize whose metric the sweep's scenarios do not have (a chainlet metric
 * of a chainlet no scenario has, a chain metric of a single deployment), one message each.
 * `chainlets`: the chainlet names of the scenarios' chains, in first-seen order (empty: no chain).
 */
export function checkMetricNames(require: readonly string[], minimize: string | null, chainlets: readonly string[]): string[] {
  const errors: string[] = [];
  for (const text of require) {
    let req: Requirement;
    try {
      req = parseRequirement(text);
    } catch {
      continue; // reported by the parser
    }
    const problem = metricProblem(req.metric, chainlets);
    if (problem !== null) errors.push(`--require ${text}: found metric ${req.metric}, allowed ${problem}${didYouMean(req.metric, chainlets)}`);
  }
  if (minimize !== null && metricProblem(minimize, null) === null) {
    const problem = metricProblem(minimize, chainlets);
    if (problem !== null) errors.push(`--minimize ${minimize}: found ${minimize}, allowed ${problem}${didYouMean(minimize, chainlets)}`);
  }
  return errors;
}

/** Whether the estimate meets the requirement with confidence. */
export function meets(req: Requirement, est: Estimate): boolean {
  if (est.low === null || est.high === null) return false;
  switch (req.op) {
    case '>=':
      return est.low >= req.value;
    case '>':
      return est.low > req.value;
    case '<=':
      return est.high <= req.value;
    case '<':
      return est.high < req.value;
  }
}
