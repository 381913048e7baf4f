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
      `overloaded: ${inFlight.toLocaleString('en-US')} requests in flight at t = ${clock(at)} ` +
        `(arrivals outpace what max_replica ${maxReplica} can serve); set request.max_queue to shed load, ` +
        `raise deployment.autoscaling.max_replica, or raise assumptions.max_in_flight`,
    );
    this.name = 'OverloadError';
  }
}

/** 100 → `1m 40s`, 3725.5 → `1h 2m 5.5s`, 0.25 → `0.25s`. */
function clock(t: number): string {
  const d = Math.floor(t / 86400);
  const h = Math.floor((t % 86400) / 3600);
  const m = Math.floor((t % 3600) / 60);
  const s = Math.round((t % 60) * 1000) / 1000;
  const parts = [d ? `${d}d` : '', h ? `${h}h` : '', m ? `${m}m` : '', s || (!d && !h && !m) ? `${s}s` : ''];
  return parts.filter(Boolean).join(' ');
}
