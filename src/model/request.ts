import type { EventHandle } from '../engine/simulation.js';
import type { Tokens } from './distributions.js';
import type { Container, Replica } from './replica.js';

/** A request while it is in the system; dropped when it ends, so memory follows what is in flight. */
export interface Request {
  id: number;
  arrival: number;
  /** Drawn at arrival from the service stream, so every tuning sees the same work (CRN). */
  service: number;
  tokens: Tokens | undefined;
  attempts: number;
  /** When the current attempt entered the router queue. */
  queuedAt: number;
  /** The current attempt fails at this time: 500 if still queued, 504 if dispatched. */
  deadline: number;
  /** Total time spent in the router queue over all attempts. */
  queueWait: number;
  dispatchedAt: number | null;
  replica: number | null;
  /** When the current attempt got a predict slot. */
  startedAt: number;
  /** The pending end (completion or timeout) of the current attempt. */
  end: EventHandle | null;
  /** How the current attempt ends, decided when it gets a slot (200, 500 from a fault, 504 on timeout). */
  status: number;
  /** Where the current attempt runs (container: to tell a dead one's late responses apart). */
  rep: Replica | null;
  cont: Container | null;
  /** Intrusive list of a replica's dispatched requests: no allocation per request. */
  prev: Request | null;
  next: Request | null;
}
