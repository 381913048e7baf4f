/**
 * Single-producer, single-consumer rings of doubles in shared memory, in chunks: a worker thread
 * writes sequences' values ahead (`produce`), the simulation reads them (`RingReader`). The sides
 * share only counters of whole chunks, so the reader touches an atomic once per CHUNK values. One
 * worker serves all of a run's rings; a shared doorbell wakes it when a reader frees a chunk.
 *
 * A reader starts by drawing from its own copy of the sequence (`local`) and switches to its ring
 * at the first chunk boundary the worker has reached: no wait for the worker to start, and a
 * short run never needs it. While local, the reader publishes its position and the worker draws
 * and discards the chunks already behind it, so it catches up. Both sides draw the same sequence
 * from the same seed with the same code, so the values are the same, bit for bit, from either.
 */
export const CHUNK = 4096;
export const CHUNKS = 16;

/** Int32 slots of a ring's control block. */
const WRITTEN = 0; // chunks the worker has finished (written, or skipped because the reader was past them)
const READ = 1; // chunks the reader is done with (the worker may overwrite their slots)
const ENDED = 2; // set by the worker when the sequence has ended: no chunk after WRITTEN will come
/** Int32 slots of the doorbell shared by the worker and all its readers. */
const RUNG = 0; // bumped by a reader after it frees a chunk
const STOP = 1; // set when the run is over: the worker returns
const FAILED = 2; // set by the worker when a sequence threw: the readers draw on by themselves

export interface SharedRing {
  ctrl: Int32Array;
  data: Float64Array;
}

export function sharedRing(): SharedRing {
  return {
    ctrl: new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT)),
    data: new Float64Array(new SharedArrayBuffer(CHUNK * CHUNKS * Float64Array.BYTES_PER_ELEMENT)),
  };
}

export function doorbell(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
}

/** The run is over: the worker returns at its next look at the doorbell. */
export function stopWorker(bell: Int32Array): void {
  Atomics.store(bell, STOP, 1);
  Atomics.add(bell, RUNG, 1);
  Atomics.notify(bell, RUNG);
}

/**
 * The worker's side: fill each ring's chunks in order, a chunk at a time to whichever ring has
 * room, until every sequence has ended (a NaN) or the run stops it; sleeps on the doorbell when
 * every ring is full.
 */
export function produce(bell: Int32Array, rings: SharedRing[], nexts: (() => number)[]): void {
  const chunk = rings.map(() => 0); // each ring's next chunk
  const live = rings.map(() => true);
  try {
    for (;;) {
      const rung = Atomics.load(bell, RUNG);
      if (Atomics.load(bell, STOP) !== 0) return;
      let progressed = false;
      let alive = false;
      for (let r = 0; r < rings.length; r++) {
        if (!live[r]) continue;
        alive = true;
        const { ctrl, data } = rings[r]!;
        const k = chunk[r]!;
        const read = Atomics.load(ctrl, READ);
        if (k >= read && k - read >= CHUNKS) continue; // full: the reader has not freed a slot yet
        const next = nexts[r]!;
        let ended = false;
        if (k < read) {
          // The reader drew this chunk itself: draw it only to stay in step.
          for (let i = 0; i < CHUNK; i++) {
            const v = next();
            if (v !== v) {
              ended = true;
              break;
            }
          }
        } else {
          const base = (k % CHUNKS) * CHUNK;
          for (let i = 0; i < CHUNK; i++) {
            const v = next();
            data[base + i] = v;
            if (v !== v) {
              ended = true;
              data.fill(NaN, base + i, base + CHUNK); // the rest of the slot holds an older chunk's values
              break;
            }
          }
        }
        chunk[r] = k + 1;
        Atomics.store(ctrl, WRITTEN, k + 1);
        if (ended) Atomics.store(ctrl, ENDED, 1); // after WRITTEN: a reader that sees ENDED sees the last chunk
        Atomics.notify(ctrl, WRITTEN);
        if (ended) live[r] = false;
        progressed = true;
      }
      if (!alive) return;
      if (!progressed) Atomics.wait(bell, RUNG, rung, 1000);
    }
  } catch (e) {
    Atomics.store(bell, FAILED, 1);
    for (const { ctrl } of rings) Atomics.notify(ctrl, WRITTEN);
    throw e;
  }
}

/**
 * How long a reader waits for a chunk before it draws the rest itself. Only a worker that died
 * without throwing (out of memory, killed) or is starved of CPU takes this long; giving up early
 * costs speed, never a value, and the simulation's thread is blocked while it waits.
 */
const GIVE_UP_MS = 1000;

/** What a reader needs from the owner of the worker (draw-ahead.ts). */
export interface RingHost {
  readonly bell: Int32Array;
  /** Start the worker, once; a no-op after the first call. */
  start(): void;
  /** Ring i, once the worker has started; null before (or when it could not start). */
  ring(i: number): SharedRing | null;
}

/**
 * The simulation's side of ring `index`. `local` draws the sequence here; `fresh` makes another
 * copy (to draw on alone if the worker fails); the worker is started when this reader has drawn
 * `startAfter` chunks itself (a long run).
 */
export class RingReader {
  /** Values left in the current chunk. */
  private left = CHUNK;
  /** The current chunk's index in the sequence. */
  private chunk = 0;
  /** Read position in `data` (ring mode). */
  private i = 0;
  private inRing = false;
  /** Drawing here to the end: the worker failed, stopped, disagreed, or the sequence ended. */
  private alone = false;
  private data: Float64Array | null = null;
  private ctrl: Int32Array | null = null;

  constructor(
    private readonly host: RingHost,
    private readonly index: number,
    private local: (() => number) | null,
    private readonly fresh: () => () => number,
    private readonly startAfter: number,
  ) {}

  next(): number {
    if (this.left === 0) this.nextChunk();
    this.left--;
    return this.inRing ? this.data![this.i++]! : this.local!();
  }

  /** Whether the values now come from the worker (for tests). */
  get fromWorker(): boolean {
    return this.inRing;
  }

  private nextChunk(): void {
    const c = ++this.chunk;
    this.left = CHUNK;
    if (this.alone) return;
    if (this.ctrl === null) {
      if (c >= this.startAfter) this.host.start();
      const ring = this.host.ring(this.index);
      if (ring === null) return;
      this.data = ring.data;
      this.ctrl = ring.ctrl;
    }
    const { ctrl } = this;
    const bell = this.host.bell;
    Atomics.store(ctrl, READ, c);
    Atomics.add(bell, RUNG, 1);
    Atomics.notify(bell, RUNG);
    if (Atomics.load(bell, FAILED) !== 0 || Atomics.load(bell, STOP) !== 0) {
      if (this.inRing) this.drawLocally(c);
      this.alone = true;
      return;
    }
    if (!this.inRing) {
      if (Atomics.load(ctrl, WRITTEN) > c) this.enterRing(c);
      return;
    }
    const since = Date.now(); // the wall clock only decides when to give up on a worker, never a value
    for (;;) {
      const w = Atomics.load(ctrl, WRITTEN);
      if (w > c) break;
      // The worker stores WRITTEN before ENDED: seen ended, WRITTEN is final.
      if (Atomics.load(ctrl, ENDED) !== 0 && Atomics.load(ctrl, WRITTEN) <= c) {
        // Read past the end (its NaN was in an earlier chunk): it stays ended.
        this.local = () => NaN;
        this.inRing = false;
        this.alone = true;
        return;
      }
      if (Atomics.load(bell, FAILED) !== 0 || Date.now() - since > GIVE_UP_MS) {
        stopWorker(bell);
        this.drawLocally(c);
        this.alone = true;
        return;
      }
      Atomics.wait(ctrl, WRITTEN, w, 100);
    }
    this.enterRing(c);
  }

  /**
   * From chunk c on, read the ring, once its first value is the one drawn here: a worker running
   * other code (a stale build) is caught at the switch, and the reader draws on by itself.
   */
  private enterRing(c: number): void {
    const base = (c % CHUNKS) * CHUNK;
    if (!this.inRing) {
      const mine = this.local!();
      const theirs = this.data![base]!;
      if (!(mine === theirs || (mine !== mine && theirs !== theirs))) {
        stopWorker(this.host.bell);
        this.drawLocally(c); // `mine` was drawn: start again from a fresh copy
        this.alone = true;
        return;
      }
    }
    this.inRing = true;
    this.local = null;
    this.i = base;
  }

  /** Draw here again from chunk c on: a fresh copy of the sequence, advanced past what was read. */
  private drawLocally(c: number): void {
    const local = this.fresh();
    for (let n = c * CHUNK; n > 0; n--) local();
    this.local = local;
    this.inRing = false;
  }
}
