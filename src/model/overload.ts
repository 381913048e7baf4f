import { duration, grouped } from '../text/human.js';

/**
 * Thrown by a run when more requests are in flight than `assumptions.max_in_flight`: the arrivals
 * outpace what the deployment can serve and nothing sheds them, so the queue (and memory) would
 * grow until the process dies. The message says what to change.
 */
export class OverloadError extends Error {
  constructor(
    readonly inFlight: number,
    readonly at: number,
    readonly maxReplica: number,
    readonly cap: number,
  ) {
    super(
      `overloaded: ${grouped(inFlight)} requests in flight at t = ${duration(at)} ` +
        `(arrivals outpace what max_replica ${maxReplica} can serve); set request.max_queue to shed load, ` +
        `raise deployment.autoscaling.max_replica, or raise assumptions.max_in_flight`,
    );
    this.name = 'OverloadError';
  }
}
