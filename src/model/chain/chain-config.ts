/**
 * A Chain (SPEC §12): chainlets, each a deployment of its own, whose requests run `steps` —
 * compute, and calls to other chainlets through their routers. Built by the scenario layer.
 */
import type { Chainlet, Depends } from '../config.js';

export type { ChainConfig, Chainlet, Depends, Step } from '../config.js';

export const DEFAULT_DEPENDS: Depends = { retries: 1, timeout_sec: 600, concurrency_limit: 300 };

/** Whether a chainlet's steps call anything (else it serves like a single deployment). */
export function callsAnything(c: Chainlet): boolean {
  return c.steps !== null && c.steps.some((s) => s.kind === 'call');
}

export function dependsOf(c: Chainlet, callee: string): Depends {
  return c.depends[callee] ?? DEFAULT_DEPENDS;
}
