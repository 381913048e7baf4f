import { NOT_READY_STATES, type Replica } from './replica.js';

/**
 * Which replicas a scale-down removes (Kubernetes ReplicaSet order, SPEC §6):
 * not yet ready first, then traffic-stopped, then those with more restarts,
 * then the newest. Returns `count` of the given current replicas.
 */
export function pickForRemoval(current: readonly Replica[], count: number): Replica[] {
  const rank = (r: Replica): number => (NOT_READY_STATES.has(r.state) ? 0 : r.trafficStopped || !r.routable ? 1 : 2);
  return [...current]
    .sort((a, b) => rank(a) - rank(b) || b.restarts - a.restarts || b.id - a.id)
    .slice(0, count);
}
