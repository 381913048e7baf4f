/** Progress on stderr: a cli-progress bar on a terminal, a plain line every ~5 % otherwise (CI logs). */
import cliProgress from 'cli-progress';
import type { ProgressStream } from './io.js';

export interface Progress {
  tick(): void;
  stop(): void;
}

export function createProgress(total: number, done: number, stream: ProgressStream, label = 'sweep'): Progress {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream, format: `${label} [{bar}] {value}/{total} run${total === 1 ? '' : 's'} | {percentage}% | eta {eta_formatted}`, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, done);
    return { tick: () => bar.increment(), stop: () => bar.stop() };
  }
  let n = done;
  const step = Math.max(1, Math.ceil(total / 20));
  return {
    tick() {
      n++;
      if (n % step === 0 || n === total) stream.write(`${label}: ${n}/${total} run${total === 1 ? '' : 's'} done\n`);
    },
    stop: () => undefined,
  };
}
