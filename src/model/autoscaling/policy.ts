import type { Autoscaling } from '../config.js';

/** What a policy sees at a decision. */
export interface AutoscalerInput {
  now: number;
  /** Time-weighted in-flight average over the window. */
  avgInFlight: number;
  /** In flight right now (router queue + dispatched). */
  inFlightNow: number;
  /** Replicas not terminating, whatever their state or health. */
  current: number;
}

export type ScaleAction = { kind: 'none' } | { kind: 'up'; count: number } | { kind: 'down'; count: number };

/**
 * The seam for other autoscalers (Knative's KPA, the HPA, Ray Serve, per-request):
 * a policy is an initial state and a pure decision; the model only applies actions.
 */
export interface AutoscalerPolicy<S> {
  initial: S;
  decide(state: S, input: AutoscalerInput, cfg: Autoscaling): { state: S; desired: number; action: ScaleAction };
}

/**
 * The in-flight signal as the autoscaler reads it: the value now and a trailing
 * window's time-weighted average (the router writes it; see InFlightWindow).
 */
export interface InFlightMetrics {
  readonly current: number;
  average(now: number): number;
}
