import { basetenAutoscaler } from './baseten.js';
import type { AutoscalerPolicy } from './policy.js';

/**
 * Autoscaling policies by name. A service picks one by name (default 'baseten');
 * a new policy is one entry here and a pure `decide` with its own test.
 */
const POLICIES: Readonly<Record<string, AutoscalerPolicy<unknown>>> = {
  baseten: basetenAutoscaler as AutoscalerPolicy<unknown>,
};

export const DEFAULT_AUTOSCALER = 'baseten';

export function autoscalerNames(): string[] {
  return Object.keys(POLICIES).sort();
}

export function autoscalerPolicy(name: string = DEFAULT_AUTOSCALER): AutoscalerPolicy<unknown> {
  const p = Object.hasOwn(POLICIES, name) ? POLICIES[name] : undefined;
  if (!p) throw new Error(`unknown autoscaler '${name}' (known: ${autoscalerNames().join(', ')})`);
  return p;
}
