import type { EventHandle, Simulation } from './engine/simulation.js';
import type { Config, Traffic } from './model/config.js';
import type { Tokens } from './model/distributions.js';
import { ARRIVAL } from './model/priorities.js';
import type { ArrivalProcess } from './model/traffic.js';

/**
 * The scenario's traffic, each entry from its own stream `arrivals/<i>` (`arrivals`: world-draws.ts), submitted to `target`
 * (a deployment, or a chain's entrypoint). One long-lived handler per source: no closure per request.
 */
export function startTraffic(
  sim: Simulation,
  config: Config,
  target: { submit(tokens: Tokens | undefined): void },
  arrivals: (tr: Traffic, index: number) => ArrivalProcess,
): void {
  config.traffic.forEach((tr, i) => {
    const proc = arrivals(tr, i);
    // One event per source, rescheduled after each arrival (a fresh sequence number, as a new
    // `at()` would take: the same order), instead of a new event per request.
    let ev: EventHandle | null = null;
    const onArrival = (p: ArrivalProcess): void => {
      target.submit(p.tokens());
      const t = p.next();
      if (t !== null) sim.reschedule(ev!, t, onArrival, p, ARRIVAL);
    };
    const t = proc.next();
    if (t !== null) ev = sim.at(t, onArrival, proc, ARRIVAL);
  });
}
