/**
 * CrashLoopBackOff [k8s]: the first restart is immediate, later ones wait
 * 10, 20, 40, 80, 160, then 300 s (cap). SPEC §2: the back-off resets when 600 s
 * or more pass between two restarts (restart to restart, not from the new
 * container's start): 599 s continues the loop, 600 s starts a new one.
 */
export const BACKOFF_INITIAL = 10;
export const BACKOFF_CAP = 300;
export const BACKOFF_RESET_AFTER = 600;

export interface BackoffState {
  /** Restarts in the current crash loop. */
  restarts: number;
  /** Time of the last restart, or null. */
  lastAt: number | null;
}

export const NO_BACKOFF: BackoffState = { restarts: 0, lastAt: null };

/** The wait before the container restarted at `now` runs again, and the next state. */
export function nextBackoff(s: BackoffState, now: number): { delay: number; next: BackoffState } {
  const fresh = s.lastAt === null || now - s.lastAt >= BACKOFF_RESET_AFTER;
  const n = fresh ? 0 : s.restarts;
  const delay = n === 0 ? 0 : Math.min(BACKOFF_CAP, BACKOFF_INITIAL * 2 ** (n - 1));
  return { delay, next: { restarts: n + 1, lastAt: now } };
}
