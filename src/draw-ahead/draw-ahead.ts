/**
 * Random draws made ahead on the second core (issue #15): a long run's arrival times and service
 * times — about a fifth of the engine's time on bench/day.yaml, and the only part of the work that
 * depends on nothing the simulation does — are drawn by one worker thread into shared rings while
 * the simulation runs. The values are the same, bit for bit, as drawing them in place (the same
 * streams, the same code: sequences.ts), so a run's outputs do not change; a short run never
 * starts the worker (ring.ts reads its own copy until the worker has caught up).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { doorbell, RingReader, sharedRing, stopWorker, type RingHost, type SharedRing } from './ring.js';
import { generator, worthDrawingAhead, type DrawSpec } from './sequences.js';

/** Chunks (of 4096 values) a sequence draws in place before the worker starts: a shorter run never pays for a thread. */
export const START_AFTER_CHUNKS = 2;

/**
 * The worker keeps nothing but its streams' state: a small heap keeps its memory small (V8's
 * default young generation alone would add ~16 MB to a run's peak RSS).
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 64 };

/** The compiled worker next to this module (dist/, or the bundle), else the one in dist/ (under vitest). */
export function drawWorkerFile(): string | null {
  for (const rel of ['./draw-worker.js', '../../dist/draw-ahead/draw-worker.js']) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  return null;
}

/** A run's sequences drawn ahead by one worker, started when the first of them has drawn `startAfter` chunks. */
export class DrawAhead implements RingHost {
  readonly bell = doorbell();
  private readonly specs: DrawSpec[] = [];
  private readonly readers: RingReader[] = [];
  /** Allocated when the worker starts (a short run never allocates them); empty if it could not. */
  private rings: SharedRing[] | null = null;
  private worker: Worker | null = null;

  constructor(
    private readonly file: string | null = drawWorkerFile(),
    private readonly startAfter = START_AFTER_CHUNKS,
  ) {}

  /** `spec`'s values (NaN once it has ended); drawn in place when drawing ahead cannot help or no worker is built. */
  sequence(spec: DrawSpec): () => number {
    if (this.file === null || !worthDrawingAhead(spec)) return generator(spec);
    if (this.rings !== null) throw new Error('DrawAhead.sequence(): the worker has started');
    const reader = new RingReader(this, this.specs.length, generator(spec), () => generator(spec), this.startAfter);
    this.specs.push(spec);
    this.readers.push(reader);
    return () => reader.next();
  }

  start(): void {
    if (this.rings !== null) return;
    const rings = this.specs.map(() => sharedRing());
    try {
      // Loaded here, not at import: a run that never starts the worker does not pay for the module (~2.5 ms).
      const { Worker } = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
      const w = new Worker(this.file!, { workerData: { bell: this.bell, specs: this.specs, rings }, resourceLimits: WORKER_LIMITS });
      w.unref(); // never keeps the process alive
      w.on('error', () => undefined); // the readers find out by themselves (FAILED, or a chunk that does not come)
      this.worker = w;
      this.rings = rings;
    } catch {
      this.rings = [];
    }
  }

  ring(i: number): SharedRing | null {
    return this.rings?.[i] ?? null;
  }

  /** How many of the sequences are now read from the worker (for tests). */
  get fromWorker(): number {
    return this.readers.filter((r) => r.fromWorker).length;
  }

  /** The run is over (or was stopped): the worker stops. */
  close(): void {
    stopWorker(this.bell);
    void this.worker?.terminate();
    this.worker = null;
  }
}
