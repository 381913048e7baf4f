// Placeholder: the model lands here (owned by the lead). API is fixed:
import type { Config } from './model/config.js';
import type { Sinks, Summary } from './model/summary.js';

export interface SimulateOptions {
  /** Called now and then with the simulated time, for a progress indicator. */
  onProgress?: (t: number) => void;
}

/** Run one scenario to its horizon; records stream to `sinks`; returns the summary. */
export function simulate(_config: Config, _sinks: Sinks = {}, _opts: SimulateOptions = {}): Summary {
  throw new Error('not implemented yet');
}
