import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress } from '../src/sweep/progress.js';

/** The plain progress lines (not a terminal): every ~5 %, and "run" for a sweep of one. */
function lines(total: number): string {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d) => (text += String(d)));
  const p = createProgress(total, 0, stream);
  for (let i = 0; i < total; i++) p.tick();
  p.stop();
  return text;
}

describe('sweep progress lines', () => {
  it('a sweep of one run says "1/1 run done"; of 40, every 2 runs "n/40 runs done"', () => {
    expect(lines(1)).toBe('sweep: 1/1 run done\n');
    const forty = lines(40).trim().split('\n');
    expect(forty).toHaveLength(20);
    expect(forty[0]).toBe('sweep: 2/40 runs done');
    expect(forty[19]).toBe('sweep: 40/40 runs done');
  });
});
