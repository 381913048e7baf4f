/**
 * A first-in first-out queue on a ring that doubles when full: no copy or allocation per item
 * (the router's queue was an array compacted now and then, a third of what a run allocated on
 * bench/mm10.yaml).
 */
export class Fifo<T> {
  private items: (T | undefined)[] = new Array<T | undefined>(16).fill(undefined);
  private mask = 15;
  private head = 0;
  private n = 0;

  get size(): number {
    return this.n;
  }

  push(item: T): void {
    if (this.n > this.mask) this.grow();
    this.items[(this.head + this.n) & this.mask] = item;
    this.n++;
  }

  /** The oldest item; undefined when empty. */
  peek(): T | undefined {
    return this.n > 0 ? this.items[this.head] : undefined;
  }

  /** Take the oldest item out; undefined when empty. */
  shift(): T | undefined {
    if (this.n === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.n--;
    return item;
  }

  /** The i-th oldest item (0 = the oldest). */
  at(i: number): T | undefined {
    return i >= 0 && i < this.n ? this.items[(this.head + i) & this.mask] : undefined;
  }

  private grow(): void {
    const cap = (this.mask + 1) * 2;
    const next = new Array<T | undefined>(cap).fill(undefined);
    for (let i = 0; i < this.n; i++) next[i] = this.items[(this.head + i) & this.mask];
    this.items = next;
    this.mask = cap - 1;
    this.head = 0;
  }
}
