import { aheadDraws, inPlaceDraws, type WorldDraws } from './draw-ahead/world-draws.js';
import { stream } from './engine/random.js';
import { Simulation } from './engine/simulation.js';
import { startTraffic } from './traffic-sources.js';
import { buildChainWorld } from './chain-run.js';
import type { Config } from './model/config.js';
import { DECISION, SAMPLE } from './model/priorities.js';
import { Service } from './model/service.js';
import type { Sinks, Summary } from './model/summary.js';

export interface SimulateOptions {
  /** Called now and then with the simulated time, for a progress indicator. */
  onProgress?: (t: number) => void;
  /**
   * Draw the arrival and service times on another thread (draw-ahead/): the same values, so the
   * same outputs, faster on a machine with a core to spare. Off for runs that already fill every
   * core (a sweep's workers).
   */
  drawAhead?: boolean;
}

export interface SimulateResult {
  summary: Summary;
  /** Events the engine processed (for the benchmark). */
  events: number;
}

/** The run stopped because its signal fired (Ctrl-C): nothing it wrote may remain. */
export class RunInterrupted extends Error {
  override name = 'RunInterrupted';
  constructor() {
    super('interrupted');
  }
}

/**
 * One run in `slices` steps of simulated time; the caller may do something between steps
 * (report progress, let a signal in). Slices change nothing: run(until) is exact.
 */
function* inSlices(config: Config, sinks: Sinks, slices: number, drawAhead: boolean): Generator<number, SimulateResult> {
  const sim = new Simulation();
  const draws = drawAhead ? aheadDraws(config) : inPlaceDraws(config);
  try {
    const model = config.chain ? buildChainWorld(sim, config, sinks, draws) : buildWorld(sim, config, sinks, draws);
    for (let i = 1; i <= slices; i++) {
      sim.run(i === slices ? config.duration : (config.duration * i) / slices);
      yield sim.now;
    }
    return { summary: model.finish(), events: sim.processed };
  } finally {
    draws.close();
  }
}

/**
 * The world around one service, scheduled at t = 0 in this order (same-instant ties follow
 * it): the initial replicas, the traffic sources, the faults, the autoscaler's ticks and the
 * timeline's samples. Random streams are named by purpose under the scenario's seed.
 */
function buildWorld(sim: Simulation, config: Config, sinks: Sinks, draws: WorldDraws): Service {
  const seed = config.seed;
  const service = new Service({ sim, config, sinks, rng: (purpose) => stream(seed, purpose), serviceTime: draws.serviceTime });
  service.start();
  startTraffic(sim, config, service, (tr, i) => draws.arrivals(tr, i));
  service.startFaults();
  const interval = config.assumptions.autoscaler_interval;
  sim.repeat(interval, interval, () => service.autoscale(), DECISION);
  const dt = config.output.sample_interval;
  sim.repeat(dt, dt, () => service.sample(), SAMPLE);
  return service;
}

/** Run one scenario to its horizon; records stream to `sinks`; returns the summary. */
export function simulate(config: Config, sinks: Sinks = {}, opts: SimulateOptions = {}): Summary {
  return simulateCounted(config, sinks, opts).summary;
}

export function simulateCounted(config: Config, sinks: Sinks = {}, opts: SimulateOptions = {}): SimulateResult {
  const steps = inSlices(config, sinks, opts.onProgress ? 100 : 1, opts.drawAhead ?? false);
  try {
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
      opts.onProgress?.(step.value);
    }
  } finally {
    steps.return(undefined as never); // a callback that throws stops the draw-ahead worker too
  }
}

/** The longest the interruptible run goes without giving the event loop a turn (wall ms). */
const TURN_EVERY_MS = 25;

/**
 * The same run, giving the event loop a turn between slices so a Ctrl-C (delivered as an
 * AbortSignal) stops it within ~TURN_EVERY_MS of wall time; throws RunInterrupted then. The turn
 * is taken only once that much wall time has passed since the last (a turn after each of the
 * 1000 slices was ~35 ms of bench/mm10.yaml's 0.8 s): when turns come changes nothing the run
 * computes (run(until) is exact whatever the slices), only how soon a signal is seen.
 */
export async function simulateInterruptible(config: Config, sinks: Sinks, opts: SimulateOptions & { signal?: AbortSignal } = {}): Promise<Summary> {
  const steps = inSlices(config, sinks, 1000, opts.drawAhead ?? false);
  let lastTurn = performance.now();
  try {
    for (;;) {
      if (opts.signal?.aborted) throw new RunInterrupted();
      const step = steps.next();
      if (step.done) return step.value.summary;
      opts.onProgress?.(step.value);
      if (performance.now() - lastTurn >= TURN_EVERY_MS) {
        await new Promise((r) => setImmediate(r));
        lastTurn = performance.now();
      }
    }
  } finally {
    steps.return(undefined as never); // a stopped run stops its draw-ahead worker too
  }
}
