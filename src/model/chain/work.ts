/**
 * The work of one entrypoint request's whole call tree, drawn when it arrives (SPEC §12, common
 * random numbers): every compute step and every callee's service time, each from its own
 * chainlet's `service` stream, depth first in step order. Kept across the router's retries and
 * the calls' attempts, so changing retries, timeouts or thresholds changes no draw.
 */
import type { Sampler, Tokens } from '../distributions.js';
import type { Chainlet } from './chain-config.js';
import { callsAnything } from './chain-config.js';
import type { Work, WorkStep } from './handles.js';

export type { Work, WorkStep } from './handles.js';

/** Draws a chainlet's work; one drawer per chain, one sampler set per chainlet. */
export class WorkDrawer {
  constructor(
    private readonly chainlets: ReadonlyMap<string, Chainlet>,
    /** Per chainlet: its service_time sampler and one sampler per compute step, all on its `service` stream. */
    private readonly samplers: ReadonlyMap<string, { service: Sampler; steps: (Sampler | null)[] }>,
  ) {}

  draw(name: string, tokens: Tokens | undefined): Work {
    const c = this.chainlets.get(name)!;
    const s = this.samplers.get(name)!;
    if (c.steps === null) return { service: s.service(tokens), steps: null };
    if (!callsAnything(c)) {
      // Compute steps only: the same as a service time of their sum (SPEC §12).
      let total = 0;
      for (const sampler of s.steps) total += sampler!(tokens);
      return { service: total, steps: null };
    }
    const steps: WorkStep[] = c.steps.map((step, i) => {
      if (step.kind === 'compute') return { compute: s.steps[i]!(tokens) };
      const calls: Work[] = [];
      for (let k = 0; k < step.count; k++) calls.push(this.draw(step.callee, tokens));
      return { callee: step.callee, parallel: step.parallel, calls };
    });
    return { service: 0, steps };
  }
}
