import { Simulation } from './engine/simulation.js';
import type { Config } from './model/config.js';
import { Deployment } from './model/deployment.js';
import type { Sinks, Summary } from './model/summary.js';

export interface SimulateOptions {
  /** Called now and then with the simulated time, for a progress indicator. */
  onProgress?: (t: number) => void;
}

export interface SimulateResult {
  summary: Summary;
  /** Events the engine processed (for the benchmark). */
  events: number;
}

/** Run one scenario to its horizon; records stream to `sinks`; returns the summary. */
export function simulate(config: Config, sinks: Sinks = {}, opts: SimulateOptions = {}): Summary {
  return simulateCounted(config, sinks, opts).summary;
}

export function simulateCounted(config: Config, sinks: Sinks = {}, opts: SimulateOptions = {}): SimulateResult {
  const sim = new Simulation();
  const model = new Deployment(sim, config, sinks);
  model.start();
  // Run in slices so a progress callback can fire; slices change nothing (run(until) is exact).
  const slices = opts.onProgress ? 100 : 1;
  for (let i = 1; i <= slices; i++) {
    sim.run(i === slices ? config.duration : (config.duration * i) / slices);
    opts.onProgress?.(sim.now);
  }
  return { summary: model.finish(), events: sim.processed };
}
