/** The draw-ahead worker thread: fills each ring with the sequence it was given (ring.ts). */
import { workerData } from 'node:worker_threads';
import { produce, type SharedRing } from './ring.js';
import { generator, type DrawSpec } from './sequences.js';

const { bell, specs, rings } = workerData as { bell: Int32Array; specs: DrawSpec[]; rings: SharedRing[] };
produce(bell, rings, specs.map(generator));
