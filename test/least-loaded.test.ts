import { describe, expect, it } from 'vitest';
import { stream } from '../src/engine/random.js';
import { Simulation } from '../src/engine/simulation.js';
import { LeastLoaded } from '../src/model/least-loaded.js';
import { pickReplica } from '../src/model/pick-replica.js';
import { newReplica, type Replica } from '../src/model/replica.js';

// The router's kept-up-to-date choice must be pickReplica's (the policy: least in flight below
// the target, ties to the lowest id) after any sequence of load and routable-set changes.

const sim = new Simulation();

function run(seed: string, target: number, replicas: number, steps: number): void {
  const rng = stream(seed, 'least-loaded');
  const int = (n: number) => Math.floor(rng() * n);
  const all: Replica[] = Array.from({ length: replicas }, (_, id) => newReplica(id, 'ready', sim.group()));
  const routable: Replica[] = [];
  const index = new LeastLoaded(target);
  index.reset(routable);
  const setRoutable = (r: Replica, on: boolean) => {
    if (r.routable === on) return;
    r.routable = on;
    if (on) routable.push(r);
    else routable.splice(routable.indexOf(r), 1);
    routable.sort((a, b) => a.id - b.id);
    index.reset(routable);
  };
  const load = (r: Replica, to: number) => {
    const before = r.inFlight;
    r.inFlight = to;
    if (r.routable) index.moved(r, before);
  };
  for (let s = 0; s < steps; s++) {
    const r = all[int(all.length)]!;
    const op = int(11);
    if (op < 4) {
      // Dispatch as the router does: to the pick, when there is one.
      const p = index.pick();
      if (p) load(p, p.inFlight + 1);
    } else if (op < 8) {
      if (r.inFlight > 0) load(r, r.inFlight - 1); // a request ended (on a routable replica or not)
    } else if (op === 8) {
      load(r, 0); // a kill fails everything on it
      if (int(2) === 0) setRoutable(r, false);
    } else if (op === 10) {
      load(r, int(target + 2)); // any jump the API allows, not only ±1 (the lowest level may empty upwards by more than one)
    } else {
      setRoutable(r, !r.routable); // a probe passed or failed: its load comes with it
      if (!r.routable && int(3) === 0) load(r, r.inFlight + int(3)); // and it may still be loaded above the target
    }
    expect(index.pick()).toBe(pickReplica(routable, target));
  }
}

describe('LeastLoaded: pickReplica kept up to date', () => {
  it.each([
    ['few replicas, target 1', 1, 5],
    ['target 5 (bench/day.yaml)', 5, 40],
    ['more replicas than a word', 3, 70],
    ['a large target', 64, 33],
  ])('answers as pickReplica after every change: %s', (name, target, replicas) => {
    run(name, target, replicas, 20_000);
  });

  it('gives null with nothing routable, and after every replica reached the target', () => {
    const index = new LeastLoaded(2);
    index.reset([]);
    expect(index.pick()).toBeNull();
    const rs = [0, 1].map((id) => Object.assign(newReplica(id, 'ready', sim.group()), { routable: true }));
    index.reset(rs);
    expect(index.pick()).toBe(rs[0]);
    for (const r of rs) {
      for (let k = 0; k < 2; k++) {
        r.inFlight++;
        index.moved(r, r.inFlight - 1);
      }
    }
    expect(index.pick()).toBeNull();
  });
});
