/**
 * `--require 'availability>=0.999'` and `--minimize cost`: pick the best variant that meets every
 * requirement *with confidence*: the side of the 95 % interval that could break the requirement
 * must still meet it (for `>=`, the lower bound; for `<=`, the upper bound). Without an interval
 * (fewer than 2 values) nothing is known with confidence, so the requirement is not met.
 */
import { isMetric, METRICS, type MetricName } from './metrics.js';
import type { Estimate } from './stats.js';

export type Op = '>=' | '<=' | '>' | '<';

export interface Requirement {
  text: string;
  metric: MetricName;
  op: Op;
  value: number;
}

export function parseRequirement(text: string): Requirement {
  const m = /^\s*([A-Za-z0-9_]+)\s*(>=|<=|>|<)\s*(\S+)\s*$/.exec(text);
  if (!m) throw new Error(`--require ${text}: expected metric>=x or metric<=x (e.g. 'availability>=0.999')`);
  const [, metric, op, raw] = m;
  if (!isMetric(metric!)) throw new Error(`--require ${text}: found metric ${metric}, allowed ${METRICS.join(', ')}`);
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`--require ${text}: found value ${raw}, allowed a number`);
  return { text: text.trim(), metric, op: op as Op, value };
}

export function parseMinimize(text: string): MetricName {
  if (!isMetric(text)) throw new Error(`--minimize ${text}: found ${text}, allowed ${METRICS.join(', ')}`);
  return text;
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
