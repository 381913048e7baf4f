import type { Autoscaling } from '../config.js';
import type { AutoscalerInput, AutoscalerPolicy, ScaleAction } from './policy.js';

/**
 * The platform's autoscaler as a pure decision [autoscaling]:
 *   desired = clamp(ceil(avg / (target × utilization)), min, max)
 * Scale up at once. Scale down only after `scale_down_delay` of desired < current,
 * by at most max(1, floor(current × rate)) per step, then the countdown restarts.
 * E.g. target 10 at 70 %, 25 in flight → ceil(25 / 7) = 4 replicas.
 */
export interface AutoscalerState {
  /** When desired first fell below current (the scale-down countdown), or null. */
  belowSince: number | null;
}

export const INITIAL_AUTOSCALER_STATE: AutoscalerState = { belowSince: null };

export interface Decision {
  state: AutoscalerState;
  desired: number;
  action: ScaleAction;
}

export const basetenAutoscaler: AutoscalerPolicy<AutoscalerState> = {
  initial: INITIAL_AUTOSCALER_STATE,
  decide: (state, input, cfg) => decide(state, input, cfg),
};

export function desiredReplicas(avgInFlight: number, cfg: Autoscaling): number {
  const perReplica = (cfg.concurrency_target * cfg.target_utilization_percentage) / 100;
  // The epsilon keeps an exact multiple (25 / 2.5 = 10.000000000000002) from rounding up.
  const raw = Math.ceil(avgInFlight / perReplica - 1e-9);
  return Math.min(cfg.max_replica, Math.max(cfg.min_replica, raw));
}

export function decide(state: AutoscalerState, input: AutoscalerInput, cfg: Autoscaling): Decision {
  let desired = desiredReplicas(input.avgInFlight, cfg);
  // Never strand waiting requests at zero: the activator's rule. A request waiting
  // while no replica exists asks for one even if the window average rounds to 0.
  if (desired === 0 && input.inFlightNow > 0) desired = Math.min(1, cfg.max_replica);
  const { now, current } = input;
  if (desired > current) {
    return { state: { belowSince: null }, desired, action: { kind: 'up', count: desired - current } };
  }
  if (desired === current) return { state: { belowSince: null }, desired, action: { kind: 'none' } };
  const since = state.belowSince ?? now;
  if (now - since >= cfg.scale_down_delay - 1e-9) {
    const step = Math.max(1, Math.floor((current * cfg.max_scale_down_rate) / 100));
    const count = Math.min(current - desired, step);
    return { state: { belowSince: now }, desired, action: { kind: 'down', count } };
  }
  return { state: { belowSince: since }, desired, action: { kind: 'none' } };
}
