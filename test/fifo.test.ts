import { describe, expect, it } from 'vitest';
import { Fifo } from '../src/model/fifo.js';

describe('Fifo (the router queue)', () => {
  it('keeps first-in first-out order across wrap-around and growth', () => {
    const q = new Fifo<number>();
    const model: number[] = [];
    let next = 0;
    // Pushes and shifts in uneven runs, so the head wraps many times and the ring grows while wrapped.
    for (let round = 0; round < 200; round++) {
      const pushes = (round * 7) % 23;
      const shifts = (round * 5) % 19;
      for (let i = 0; i < pushes; i++) {
        q.push(next);
        model.push(next++);
      }
      for (let i = 0; i < shifts; i++) expect(q.shift()).toBe(model.shift());
      expect(q.size).toBe(model.length);
      expect(q.peek()).toBe(model[0]);
      for (let i = 0; i < model.length; i++) expect(q.at(i)).toBe(model[i]);
    }
    expect(q.at(-1)).toBeUndefined();
    expect(q.at(q.size)).toBeUndefined();
  });

  it('gives undefined when empty', () => {
    const q = new Fifo<string>();
    expect(q.shift()).toBeUndefined();
    expect(q.peek()).toBeUndefined();
    q.push('a');
    expect(q.shift()).toBe('a');
    expect(q.shift()).toBeUndefined();
    expect(q.size).toBe(0);
  });
});
