/** Kept for existing imports: the Baseten policy lives in autoscaling/baseten.ts, the seam in autoscaling/policy.ts. */
export { basetenAutoscaler, decide, desiredReplicas, INITIAL_AUTOSCALER_STATE, type AutoscalerState, type Decision } from './autoscaling/baseten.js';
export type { AutoscalerInput, AutoscalerPolicy, ScaleAction } from './autoscaling/policy.js';
