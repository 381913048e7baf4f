import type { FaultKind, HealthRule } from './config.js';

/**
 * What a container's `is_healthy()` can see: the responses its `predict()`
 * produced and the faults it suffered. Belongs to the container, so a restart
 * starts a fresh one (SPEC §2).
 */
export interface HealthMemory {
  /** 500s predict() raised since the container started. */
  errors: number;
  /** Length of the current run of 5xx responses. */
  consecutiveErrors: number;
  /** Times of recent 5xx responses (error_window), oldest first. */
  errorTimes: number[];
  /** Recent (time, latency) responses (latency rule), oldest first. */
  recent: { t: number; latency: number }[];
  faults: Set<FaultKind>;
}

export function newHealthMemory(): HealthMemory {
  return { errors: 0, consecutiveErrors: 0, errorTimes: [], recent: [], faults: new Set() };
}

/**
 * Record a response the container's predict() produced: 200, or a 500 it raised (SPEC §4); the
 * router's answers (504, queue-timeout 500) and kills (503) are never recorded. Only the rule in
 * force keeps a window of records.
 */
export function recordResponse(m: HealthMemory, rule: HealthRule | null, now: number, status: number, latency: number): void {
  if (status >= 500) {
    m.errors++;
    m.consecutiveErrors++;
    if (rule?.rule === 'error_window') {
      m.errorTimes.push(now);
      trim(m.errorTimes, (t) => t <= now - rule.window);
    }
  } else {
    m.consecutiveErrors = 0;
  }
  if (rule?.rule === 'latency') {
    m.recent.push({ t: now, latency });
    trim(m.recent, (r) => r.t <= now - rule.window);
  }
}

/** Evaluate the rule at a check; true = healthy. No rule: a responsive container is healthy. */
export function isHealthy(m: HealthMemory, rule: HealthRule | null, now: number): boolean {
  if (rule === null) return true;
  switch (rule.rule) {
    case 'error_count':
      return m.errors < rule.threshold;
    case 'consecutive_errors':
      return m.consecutiveErrors < rule.threshold;
    case 'after_fault':
      return !m.faults.has(rule.fault);
    case 'error_window': {
      trim(m.errorTimes, (t) => t <= now - rule.window);
      return m.errorTimes.length < rule.threshold;
    }
    case 'latency': {
      trim(m.recent, (r) => r.t <= now - rule.window);
      if (m.recent.length === 0) return true;
      const xs = m.recent.map((r) => r.latency).sort((a, b) => a - b);
      const q = xs[Math.min(xs.length - 1, Math.max(0, Math.ceil(rule.quantile * xs.length) - 1))]!;
      return q <= rule.limit;
    }
  }
}

/** Drop leading elements matching `old` (arrays are in time order). */
function trim<T>(xs: T[], old: (x: T) => boolean): void {
  let k = 0;
  while (k < xs.length && old(xs[k]!)) k++;
  if (k > 0) xs.splice(0, k);
}
