/**
 * Kept for existing imports (test/billing.test.ts). The deployment is now a Service
 * (service.ts) built by run.ts; billing is in billing.ts, restart causes in replica.ts.
 */
export { billedMinutes } from './billing.js';
export type { RestartCause } from './replica.js';
