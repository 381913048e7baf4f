import { describe, expect, it } from 'vitest';
import { Simulation } from '../src/engine/simulation.js';
import seedrandom from 'seedrandom';
import { stream } from '../src/engine/random.js';

describe('Simulation', () => {
  it('runs events at the same time in the order they were scheduled', () => {
    const sim = new Simulation();
    const seen: string[] = [];
    // Many ties, interleaved with other times, to defeat any heap-layout accident.
    for (let i = 0; i < 50; i++) {
      sim.at(5, () => seen.push(`a${i}`));
      sim.at(3, () => seen.push(`b${i}`));
    }
    sim.run(10);
    expect(seen).toEqual([
      ...Array.from({ length: 50 }, (_, i) => `b${i}`),
      ...Array.from({ length: 50 }, (_, i) => `a${i}`),
    ]);
  });

  it('an event scheduled from a handler at the current time runs after those already queued for it', () => {
    const sim = new Simulation();
    const seen: string[] = [];
    sim.at(1, () => {
      seen.push('first');
      sim.after(0, () => seen.push('scheduled-later'));
    });
    sim.at(1, () => seen.push('second'));
    sim.run(2);
    expect(seen).toEqual(['first', 'second', 'scheduled-later']);
  });

  it('run(until) does not process an event at exactly until, and leaves the clock at until', () => {
    const sim = new Simulation();
    const seen: number[] = [];
    sim.at(9.999, () => seen.push(9.999));
    sim.at(10, () => seen.push(10));
    sim.run(10);
    expect(seen).toEqual([9.999]);
    expect(sim.now).toBe(10);
    // The event at 10 is still pending and runs in the next window.
    sim.run(11);
    expect(seen).toEqual([9.999, 10]);
  });

  it('run(until) rejects an until that is not after now', () => {
    const sim = new Simulation();
    sim.run(5);
    expect(() => sim.run(5)).toThrow(/must be after now/);
  });

  it('scheduling in the past throws', () => {
    const sim = new Simulation();
    sim.at(5, () => {
      expect(() => sim.at(4, () => undefined)).toThrow(/in the past/);
    });
    sim.run(6);
    expect(() => sim.after(-1, () => undefined)).toThrow(/negative/);
    expect(() => sim.at(Number.NaN, () => undefined)).toThrow();
  });

  it('a cancelled event does not fire', () => {
    const sim = new Simulation();
    let fired = false;
    const ev = sim.at(1, () => (fired = true));
    sim.cancel(ev);
    sim.run(2);
    expect(fired).toBe(false);
    expect(sim.processed).toBe(0);
  });

  it('cancelling takes the event out of the queue at once, and the others still run in (time, priority, seq) order', () => {
    const sim = new Simulation();
    const rng = stream(1, 'cancel');
    const seen: number[] = [];
    const handles: { id: number; time: number; priority: number; h: ReturnType<Simulation['at']> }[] = [];
    for (let id = 0; id < 2000; id++) {
      // Coarse times and priorities: many ties, so the sequence number decides often.
      const time = Math.floor(rng() * 50);
      const priority = Math.floor(rng() * 3);
      handles.push({ id, time, priority, h: sim.at(time, () => seen.push(id), undefined, priority) });
    }
    const cancelled = new Set<number>();
    for (const e of handles) {
      if (rng() < 0.6) {
        sim.cancel(e.h);
        cancelled.add(e.id);
      }
    }
    sim.cancel(handles[[...cancelled][0]!]!.h); // twice: a no-op
    expect(sim.pendingCount).toBe(2000 - cancelled.size);
    sim.run(100);
    const expected = handles
      .filter((e) => !cancelled.has(e.id))
      .sort((a, b) => a.time - b.time || a.priority - b.priority || a.id - b.id)
      .map((e) => e.id);
    expect(seen).toEqual(expected);
    expect(sim.pendingCount).toBe(0);
  });

  it('reschedule(): a fired event scheduled again takes a fresh sequence number, as a new at() would', () => {
    const sim = new Simulation();
    const seen: string[] = [];
    const ev = sim.at(1, (tag: string) => {
      seen.push(tag);
      if (tag === 'first') sim.reschedule(ev, 2, (t: string) => seen.push(t), 'rescheduled');
    }, 'first');
    sim.at(2, () => seen.push('queued-before'));
    sim.run(3);
    // It runs after the event queued for the same instant before it was rescheduled.
    expect(seen).toEqual(['first', 'queued-before', 'rescheduled']);
  });

  it('the running event is not pending: pendingCount and pendingBefore leave it out while its handler runs', () => {
    const sim = new Simulation();
    const seen: [number, boolean][] = [];
    sim.at(1, () => seen.push([sim.pendingCount, sim.pendingBefore(4)]), undefined, 0);
    sim.at(1, () => seen.push([sim.pendingCount, sim.pendingBefore(4)]), undefined, 4);
    sim.at(5, () => undefined);
    sim.run(2);
    // First: the arrival (4, not below 4) and the event at 5 are pending, not itself (0 < 4).
    expect(seen).toEqual([
      [2, false],
      [1, false],
    ]);
    expect(sim.pendingCount).toBe(1);
  });

  it('a handler may reschedule its own event to this instant at any priority: it runs in (time, priority, seq) order', () => {
    const sim = new Simulation();
    const seen: string[] = [];
    const a = sim.at(1, (tag: string) => {
      seen.push(tag);
      if (tag === 'A') sim.reschedule(a, 1, (t: string) => step(t), "A'", 1);
    }, 'A', 0);
    const step = (tag: string): void => {
      seen.push(tag);
      if (tag === "A'") sim.reschedule(a, 1, (t: string) => step(t), "A''", 0); // below C and B' (1)
    };
    sim.at(1, () => seen.push('B'), undefined, 1);
    sim.at(1, () => seen.push('C'), undefined, 3);
    sim.run(2);
    // A' (priority 1) after B, which was queued at 1 before it; A'' (0) before C (3).
    expect(seen).toEqual(['A', 'B', "A'", "A''", 'C']);
    expect(sim.pendingCount).toBe(0);
  });

  it('a handler that cancels its own event, or reschedules then cancels it, leaves nothing behind', () => {
    const sim = new Simulation();
    const seen: string[] = [];
    const a = sim.at(1, () => {
      seen.push('a');
      sim.cancel(a);
    });
    const b = sim.at(1, () => {
      seen.push('b');
      sim.reschedule(b, 1.5, () => seen.push('b again'));
      sim.cancel(b);
    });
    sim.at(3, () => seen.push('c'));
    sim.run(2);
    expect(seen).toEqual(['a', 'b']);
    expect(sim.pendingCount).toBe(1);
    sim.run(4);
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('run() refuses to be called from inside a handler (the running event would fire again), and runs on after', () => {
    const sim = new Simulation();
    let fired = 0;
    sim.at(1, () => {
      fired++;
      sim.run(3);
    });
    expect(() => sim.run(2)).toThrow(/inside an event handler/);
    expect(fired).toBe(1);
    sim.at(2.5, () => fired++);
    sim.run(3); // the throwing handler's event left the heap; the engine is usable again
    expect(fired).toBe(2);
    expect(sim.pendingCount).toBe(0);
  });

  it('reschedule() refuses an event still queued or cancelled, and a time in the past', () => {
    const sim = new Simulation();
    const queued = sim.at(1, () => undefined);
    expect(() => sim.reschedule(queued, 2, () => undefined)).toThrow(/still queued or was cancelled/);
    sim.cancel(queued);
    expect(() => sim.reschedule(queued, 2, () => undefined)).toThrow(/still queued or was cancelled/);
    const fired = sim.at(1, () => undefined);
    sim.run(2);
    expect(() => sim.reschedule(fired, 1, () => undefined)).toThrow(/in the past/);
  });

  it('the clock never goes backwards', () => {
    const sim = new Simulation();
    const rng = stream(1, 'test');
    const times: number[] = [];
    for (let i = 0; i < 1000; i++) sim.at(rng() * 100, () => times.push(sim.now));
    sim.run(100);
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThanOrEqual(times[i - 1]!);
  });
});

describe('stream', () => {
  it("draws exactly seedrandom's alea numbers for the seed and purpose", () => {
    for (const [seed, purpose] of [[1, 'arrivals/0'], [42, 'service'], ['x', 'faults/3'], [7, '']] as const) {
      const ours = stream(seed, purpose);
      const theirs = seedrandom.alea(`${seed}/${purpose}`);
      for (let i = 0; i < 200_000; i++) {
        const a = ours();
        const b = theirs();
        if (a !== b) expect({ i, a }).toEqual({ i, a: b });
      }
    }
  });

  it('is reproducible for a seed and independent per purpose', () => {
    const a1 = stream(42, 'arrivals');
    const a2 = stream(42, 'arrivals');
    const s = stream(42, 'service');
    const xs = [a1(), a1(), a1()];
    expect([a2(), a2(), a2()]).toEqual(xs);
    expect([s(), s(), s()]).not.toEqual(xs);
  });
});

describe('same-instant priorities', () => {
  it('at one instant, a lower priority runs first whatever the scheduling order; ties keep scheduling order', () => {
    const sim = new Simulation();
    const seen: string[] = [];
    sim.at(5, () => seen.push('sample'), undefined, 5);
    sim.at(5, () => seen.push('arrival-1'), undefined, 4);
    sim.at(5, () => seen.push('check'), undefined, 2);
    sim.at(5, () => seen.push('arrival-2'), undefined, 4);
    sim.at(5, () => seen.push('fault'), undefined, 0);
    sim.at(4, () => seen.push('earlier, lowest priority'), undefined, 9);
    sim.run(6);
    expect(seen).toEqual(['earlier, lowest priority', 'fault', 'check', 'arrival-1', 'arrival-2', 'sample']);
  });

  it('an event scheduled now at a higher priority than the running one still runs at this instant, before later priorities', () => {
    const sim = new Simulation();
    const seen: string[] = [];
    sim.at(1, () => {
      seen.push('check');
      sim.after(0, () => seen.push('dispatch (deferred)'), undefined, 4);
    }, undefined, 2);
    sim.at(1, () => seen.push('second check'), undefined, 2);
    sim.at(1, () => seen.push('sample'), undefined, 5);
    sim.run(2);
    expect(seen).toEqual(['check', 'second check', 'dispatch (deferred)', 'sample']);
  });

  it('pendingBefore: an event below the priority still queued at this instant', () => {
    const sim = new Simulation();
    const seen: [string, boolean][] = [];
    sim.at(1, () => seen.push(['phase end', sim.pendingBefore(4)]), undefined, 0);
    sim.at(1, () => seen.push(['check', sim.pendingBefore(4)]), undefined, 2);
    sim.at(1, () => seen.push(['arrival', sim.pendingBefore(4)]), undefined, 4);
    sim.at(2, () => seen.push(['later', sim.pendingBefore(4)]), undefined, 0);
    sim.run(3);
    // At the phase end the check (2 < 4) is still to come; at the check only the arrival (4, not below) is.
    expect(seen).toEqual([
      ['phase end', true],
      ['check', false],
      ['arrival', false],
      ['later', false],
    ]);
  });
});

describe('repeat() and timer groups', () => {
  it('repeat(first, period) fires at first, then period after each firing', () => {
    const sim = new Simulation();
    const times: number[] = [];
    sim.repeat(5, 10, (t) => times.push(t));
    sim.run(40);
    expect(times).toEqual([5, 15, 25, 35]);
  });

  it('cancel() stops a repeating timer, including the occurrence already queued', () => {
    const sim = new Simulation();
    const times: number[] = [];
    const r = sim.repeat(10, 10, (t) => times.push(t));
    sim.at(25, () => r.cancel());
    sim.run(100);
    expect(times).toEqual([10, 20]);
  });

  it('a group cancels every timer it owns in one call; fired ones leave it', () => {
    const sim = new Simulation();
    const seen: string[] = [];
    const g = sim.group();
    g.at(1, () => seen.push('one-shot'));
    g.after(5, () => seen.push('later'));
    g.repeat(2, 2, (t) => seen.push(`tick ${t}`));
    sim.at(4.5, () => g.cancelAll());
    sim.at(3, () => expect(g.size).toBe(2)); // the one-shot fired and left
    sim.run(20);
    expect(seen).toEqual(['one-shot', 'tick 2', 'tick 4']);
    expect(g.size).toBe(0);
  });

  it('repeat() refuses a period that is not a positive finite number', () => {
    const sim = new Simulation();
    expect(() => sim.repeat(0, 0, () => undefined)).toThrow('repeat(): invalid period 0');
    expect(() => sim.repeat(0, Number.NaN, () => undefined)).toThrow('repeat(): invalid period NaN');
  });
});
