import { describe, expect, it } from 'vitest';
import { Simulation } from '../src/engine/simulation.js';

describe('repeat(): the next tick is queued when fire returns, at now + period', () => {
  it('events fire schedules for the next tick instant run before that tick', () => {
    const sim = new Simulation();
    const seen: string[] = [];
    sim.repeat(10, 10, (t) => {
      seen.push(`tick ${t}`);
      if (t === 10) sim.after(10, () => seen.push('scheduled by tick 10'));
    });
    sim.run(25);
    expect(seen).toEqual(['tick 10', 'scheduled by tick 10', 'tick 20']);
  });

  it('times come by addition (now + period), as the hand-written loop did', () => {
    const sim = new Simulation();
    const times: number[] = [];
    sim.repeat(0.3, 0.1, (t) => times.push(t));
    sim.run(1.05);
    let t = 0.3;
    const expected: number[] = [];
    while (t < 1.05) {
      expected.push(t);
      t = t + 0.1;
    }
    expect(times).toEqual(expected);
  });

  it('cancel() from inside fire stops the loop; a group cancels it with the rest', () => {
    const sim = new Simulation();
    const times: number[] = [];
    const r = sim.repeat(1, 1, (t) => {
      times.push(t);
      if (t === 3) r.cancel();
    });
    sim.run(10);
    expect(times).toEqual([1, 2, 3]);
    const g = sim.group();
    const seen: number[] = [];
    g.repeat(11, 1, (t) => seen.push(t));
    sim.at(13.5, () => g.cancelAll());
    sim.run(20);
    expect(seen).toEqual([11, 12, 13]);
    expect(g.size).toBe(0);
  });

  it('refuses a period that is not a positive finite number', () => {
    expect(() => new Simulation().repeat(0, 0, () => undefined)).toThrow('repeat(): invalid period 0');
  });
});
