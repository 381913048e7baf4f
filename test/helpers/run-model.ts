import { type Config } from '../../src/model/config.js';
import { defaultConfig } from '../../src/scenario/defaults.js';
import type { EventRow, RequestRow, Summary, TimelineRow } from '../../src/model/summary.js';
import { simulate } from '../../src/run.js';

export interface Collected {
  summary: Summary;
  events: EventRow[];
  timeline: TimelineRow[];
  requests: RequestRow[];
}

/** Run a config in memory, collecting every record. */
export function runCollect(cfg: Config): Collected {
  const events: EventRow[] = [];
  const timeline: TimelineRow[] = [];
  const requests: RequestRow[] = [];
  const summary = simulate(cfg, {
    event: (r) => events.push(r),
    sample: (r) => timeline.push(r),
    request: (r) => requests.push(r),
  });
  return { summary, events, timeline, requests };
}

/** Default config plus a change (the Knative tests' idiom). */
export function config(change: (c: Config) => void): Config {
  const c = defaultConfig();
  change(c);
  return c;
}

/** Events of one kind (and optionally one replica) as "t event detail" strings, for readable assertions. */
export function eventTimes(events: EventRow[], name: EventRow['event'], replica?: number): number[] {
  return events.filter((e) => e.event === name && (replica === undefined || e.replica === replica)).map((e) => round(e.t));
}

export function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
