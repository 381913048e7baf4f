/**
 * A probe threshold as the kubelet counts it (prober/worker.go `resultRun`):
 * the run length of identical results; a different result starts a new run.
 * The probe's published result flips only when a run reaches its threshold.
 *
 * Readiness starts failing (a replica is not routable until a check passes);
 * liveness starts succeeding (a container is not killed before it fails
 * `threshold` checks in a row).
 */
export interface ProbeCounter {
  /** The result of the last check; null before any check. */
  lastOk: boolean | null;
  /** How many checks in a row returned `lastOk`. */
  run: number;
  /** The published result: what traffic routing / the restart decision sees. */
  passing: boolean;
}

export function newCounter(initiallyPassing: boolean): ProbeCounter {
  return { lastOk: null, run: 0, passing: initiallyPassing };
}

/**
 * Feed one check result. `failureThreshold` consecutive failures publish
 * failing; one success publishes passing (successThreshold = 1, as on the platform).
 * Returns the next counter and whether the published result changed.
 */
export function observe(c: ProbeCounter, ok: boolean, failureThreshold: number): { next: ProbeCounter; changed: boolean } {
  const run = c.lastOk === ok ? c.run + 1 : 1;
  let passing = c.passing;
  if (ok) passing = true;
  else if (run >= failureThreshold) passing = false;
  return { next: { lastOk: ok, run, passing }, changed: passing !== c.passing };
}

/** The number of consecutive failed checks a threshold of `seconds` means: ceil(T / period). */
export function checksFor(seconds: number, period: number): number {
  return Math.max(1, Math.ceil(seconds / period - 1e-9));
}

/**
 * The last `failureThreshold` checks or more all failed: what kills a container whose
 * startup probe never passed (its counter starts failing, so `changed` cannot tell).
 */
export function failedOut(c: ProbeCounter, failureThreshold: number): boolean {
  return c.lastOk === false && c.run >= failureThreshold;
}
