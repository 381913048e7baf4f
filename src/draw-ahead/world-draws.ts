import type { Config, Traffic } from '../model/config.js';
import type { Sampler } from '../model/distributions.js';
import type { ArrivalProcess } from '../model/traffic.js';
import { DrawAhead } from './draw-ahead.js';
import { arrivalsOf, worthDrawingAhead, type DrawSpec } from './sequences.js';

/** Where a run's scenario-only sequences come from: its traffic's arrival times and its service times. */
export interface WorldDraws {
  arrivals(tr: Traffic, index: number): ArrivalProcess;
  /** The deployment's service times, or undefined to draw them in the model (a chain's chainlets do). */
  serviceTime: Sampler | undefined;
  close(): void;
}

/** Drawn in place, as the model would: the default. */
export function inPlaceDraws(config: Config): WorldDraws {
  return {
    arrivals: (tr, i) => arrivalsOf(config.seed, i, tr, config.duration),
    serviceTime: undefined,
    close: () => undefined,
  };
}

/** Drawn ahead on another thread (draw-ahead.ts) where that can help; the same values either way. */
export function aheadDraws(config: Config, ahead = new DrawAhead()): WorldDraws {
  const inPlace = inPlaceDraws(config);
  const service: DrawSpec = { kind: 'service', seed: config.seed, dist: config.deployment.service_time };
  const serviceTime = !config.chain && worthDrawingAhead(service) ? ahead.sequence(service) : undefined;
  return {
    arrivals: (tr, index) => {
      const spec: DrawSpec = { kind: 'arrivals', seed: config.seed, index, traffic: tr, horizon: config.duration };
      if (!worthDrawingAhead(spec)) return inPlace.arrivals(tr, index); // a trace's token counts come with its times
      const next = ahead.sequence(spec);
      return {
        next: () => {
          const t = next();
          return t !== t ? null : t;
        },
        tokens: () => undefined,
      };
    },
    serviceTime,
    close: () => ahead.close(),
  };
}
