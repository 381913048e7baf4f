/**
 * What a request carries of a chain, as types with no imports: the replica module holds requests
 * and must not import the chain's machinery (which imports it).
 */

export type WorkStep =
  | { compute: number }
  /** One entry per call of the step, each the callee's own work. */
  | { callee: string; parallel: boolean; calls: Work[] };

export interface Work {
  /** Seconds of work when the chainlet calls nothing (served like a single deployment). */
  service: number;
  /** The steps, when the chainlet calls something; null otherwise. */
  steps: WorkStep[] | null;
}

/** The callee's final answer to one call attempt (after its router's own retries). */
export interface CallAttempt {
  answer(status: number): void;
}

/** A request's steps in progress on a replica. */
export interface StepRunHandle {
  start(): void;
  /** The container died or the request ended from outside: abandon the calls, answer nothing. */
  stop(): void;
  /** The container hung: no progress; only the router's deadline ends it. */
  hang(): void;
}
