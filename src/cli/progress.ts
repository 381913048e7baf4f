import type { Io } from './io.js';

/**
 * A one-line progress indicator on stderr, shown only on a terminal and only
 * once a run has taken more than a second (short runs stay quiet).
 */
export function progressLine(io: Pick<Io, 'errStream'>, horizon: number): { update: (t: number) => void; done: () => void } {
  const start = Date.now();
  let shown = false;
  return {
    update(t: number) {
      if (!io.errStream.isTTY || Date.now() - start < 1000) return;
      shown = true;
      const pct = Math.min(100, (100 * t) / horizon);
      io.errStream.write(`\r  simulating… ${pct.toFixed(0).padStart(3)} %  (${((Date.now() - start) / 1000).toFixed(1)} s)`);
    },
    done() {
      if (shown) io.errStream.write('\r\x1b[K');
    },
  };
}
