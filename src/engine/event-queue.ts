/**
 * A binary min-heap of events ordered by (time, priority, seq). The priority is the
 * caller's named same-instant order (lower runs first, as SimPy's URGENT before NORMAL);
 * the sequence number is assigned at insertion, so events of one time and priority pop
 * in the order they were scheduled, whatever the heap's layout (no reliance on sort stability).
 *
 * Each event knows its slot, so `remove` takes a cancelled event out at once. (Left in until
 * its time came, the cancelled timeouts of a chain — one per call attempt and per step run,
 * 600 s by default, nearly all cancelled within a second — made the heap ~90,000 events deep
 * instead of a few hundred, and every push and pop pay for its depth.) The order is total, so
 * the pops are the same whatever the layout: removal cannot change a run.
 */
export interface QueuedEvent {
  time: number;
  priority: number;
  seq: number;
  /** Set by `cancel`; a cancelled event never fires. */
  cancelled: boolean;
  /** Called with `arg`: hot paths pass one long-lived handler and their data, instead of a new closure per event. */
  fire: (arg: any) => void;
  arg: unknown;
  /** Its slot in the heap; −1 once popped or removed. */
  index: number;
}

export class EventQueue {
  private heap: QueuedEvent[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(ev: QueuedEvent): void {
    this.heap.push(ev);
    this.up(ev, this.heap.length - 1);
  }

  peek(): QueuedEvent | undefined {
    return this.heap[0];
  }

  pop(): QueuedEvent | undefined {
    const h = this.heap;
    const top = h[0];
    if (top === undefined) return undefined;
    const last = h.pop()!;
    if (h.length > 0) this.down(last, 0);
    top.index = -1;
    return top;
  }

  /** Take `ev` out of the heap (no-op when it is not in it: already popped or removed). */
  remove(ev: QueuedEvent): void {
    const i = ev.index;
    if (i < 0) return;
    const h = this.heap;
    const last = h.pop()!;
    ev.index = -1;
    if (last === ev) return;
    // The last event fills the hole: it may belong above it (an event deeper in another branch) or below.
    if (i > 0 && before(last, h[(i - 1) >> 1]!)) this.up(last, i);
    else this.down(last, i);
  }

  /** `ev`, still in the heap, has a new key: move it to its place (the fired event rescheduled in its handler). */
  update(ev: QueuedEvent): void {
    const i = ev.index;
    const h = this.heap;
    if (i > 0 && before(ev, h[(i - 1) >> 1]!)) this.up(ev, i);
    else this.down(ev, i);
  }

  /** The first event other than `ev` (which is in the heap): the top, or the smaller of its children when `ev` is the top. */
  peekExcept(ev: QueuedEvent): QueuedEvent | undefined {
    const h = this.heap;
    if (h[0] !== ev) return h[0];
    const l = h[1];
    const r = h[2];
    return l === undefined ? undefined : r !== undefined && before(r, l) ? r : l;
  }

  /** Place `ev` at slot i or above it. */
  private up(ev: QueuedEvent, i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p]!;
      if (!before(ev, parent)) break;
      h[i] = parent;
      parent.index = i;
      i = p;
    }
    h[i] = ev;
    ev.index = i;
  }

  /** Place `ev` at slot i or below it. */
  private down(ev: QueuedEvent, i: number): void {
    const h = this.heap;
    const n = h.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(h[r]!, h[l]!) ? r : l;
      const child = h[c]!;
      if (!before(child, ev)) break;
      h[i] = child;
      child.index = i;
      i = c;
    }
    h[i] = ev;
    ev.index = i;
  }
}

function before(a: QueuedEvent, b: QueuedEvent): boolean {
  if (a.time !== b.time) return a.time < b.time;
  if (a.priority !== b.priority) return a.priority < b.priority;
  return a.seq < b.seq;
}
