import { NOT_READY_STATES, type Replica } from './replica.js';

/**
 * Not yet ready (SPEC §6): scheduling, pulling, loading, backoff, and loaded but its container not
 * yet past its first readiness check.
 */
export function notYetReady(r: Replica): boolean {
  return NOT_READY_STATES.has(r.state) || (r.state === 'ready' && !r.routable && !r.trafficStopped && !(r.container?.everRoutable ?? false));
}

/**
 * Which replicas a scale-down removes (Kubernetes ReplicaSet order, SPEC §6):
 * not yet ready first (scheduling, pulling, loading, backoff, and loaded but not yet passed its
 * first readiness check), then traffic-stopped, then those with more restarts, then the newest.
 * Returns `count` of the given current replicas.
 */
export function pickForRemoval(current: readonly Replica[], count: number): Replica[] {
  const rank = (r: Replica): number => (notYetReady(r) ? 0 : r.trafficStopped || !r.routable ? 1 : 2);
  return [...current]
    .sort((a, b) => rank(a) - rank(b) || b.restarts - a.restarts || b.id - a.id)
    .slice(0, count);
}
