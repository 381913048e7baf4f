/**
 * The platform profiles' limits and the defaults of the run's guard rails: the scenario layer's
 * (the schema reads them, validation enforces them); the model only ever sees the values a
 * scenario resolved to.
 */
import type { Platform } from '../model/config.js';

/** assumptions.max_work's default: a simulated day at 10,000 req/s is 8.64e8 arrivals. */
export const DEFAULT_MAX_WORK = 2e9;
/** assumptions.start_time's default. */
export const DEFAULT_START_TIME = '2026-01-01T00:00:00Z';
/** assumptions.max_in_flight's default: ~1 KB per request, so about 1 GB of requests. */
export const DEFAULT_MAX_IN_FLIGHT = 1_000_000;


/** The parameter ranges of each platform profile (SPEC §3). */
export const PLATFORM_LIMITS: Readonly<
  Record<
    Platform,
    {
      threshold: [number, number];
      delay: [number, number];
      startup: [number, number] | null;
      delayPlusRestartMax: number;
    }
  >
> = {
  'baseten-2025': { threshold: [30, 1800], delay: [0, 1800], startup: null, delayPlusRestartMax: 1800 },
  'baseten-2026': { threshold: [10, 3000], delay: [0, 3000], startup: [10, 3000], delayPlusRestartMax: 3000 },
};
