/**
 * SPEC §1, the order of events at one instant (lower runs first; within one priority, scheduling
 * order), as SimPy's URGENT / NORMAL: first faults and the end of phases (a load finishing, a
 * CrashLoopBackOff wait ending, a crash, a request's service ending), then request deadlines (a
 * request whose deadline is now fails, even if a replica becomes free now), then health checks,
 * then autoscaler decisions, then arrivals, retries re-entering the queue and dispatch, then samples.
 *
 * Consequences: a check at t = 0 on a warm replica already sees a fault at t = 0; a request whose
 * service ends at its deadline, or at the instant of a health-check kill, succeeds; dispatch is
 * deferred to ARRIVAL, so a replica made routable by a check receives queued requests after every
 * check of the instant has run.
 */
/** Faults and the end of phases: schedule, pull, load (and its retry), back-off, crash, service end. */
export const PHASE_END = 0;
/** Request deadlines: a queued request's 500, a dispatched one's 504 (also on a hung container). */
export const DEADLINE = 1;
/**
 * A chain call attempt's `timeout_sec` (SPEC §12): after request deadlines, so at one instant a
 * callee's own deadline (and the answer it sends back) is handled before its caller's timeout.
 */
export const CALL_TIMEOUT = 1.5;
/** Health checks (and a timed-out check's result). */
export const CHECK = 2;
/** Autoscaler decisions (the tick; the activator's poke runs inline in the arrival that made it). */
export const DECISION = 3;
/** Arrivals, retries re-entering the router queue, and dispatch. */
export const ARRIVAL = 4;
/** Timeline samples: they see the instant after everything else. */
export const SAMPLE = 5;
