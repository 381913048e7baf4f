/** Kept for existing imports: a deployment is now a Service (service.ts); billing is in billing.ts. */
export { billedMinutes } from './billing.js';
export { Service as Deployment } from './service.js';
export type { RestartCause } from './replica.js';
