/**
 * A run folder as the report's input, read with output/read-run.ts in lenient mode (a folder
 * from an older writer, or edited by hand, still draws). A long timeline is not kept: the report
 * walks timeline.csv from disk (twice: counted, then bucketed); one of up to SMALL_TIMELINE bytes
 * is read once and its rows kept (the same rows, parsed once: ~15 ms of bench/mm10.yaml's run).
 * Events are kept (the charts draw each one: they are changes, not requests); a chain's
 * requests.csv is streamed into call counts.
 */
import { statSync } from 'node:fs';
import type { TimelineRow } from '../model/summary.js';
import { checkTimelineHeader, eachRequestRow, eachTimelineRow, eventRowsOf, openRunDir, RunDirError, summaryProblems, type CsvSource } from '../output/read-run.js';
import { CallCounter, type EdgeCount } from './call-graph.js';
import { readLogHead } from './log-head.js';
import type { ReportInput, RowSource } from './render-report.js';

export { RunDirError, summaryProblems };

/**
 * Read a run folder written by `deploysim run`: summary.json and timeline.csv (required),
 * events.csv (an old folder without it reads as no events), config.json (null when absent),
 * requests.csv (a chain's call counts) and logs.txt's first lines. The timeline's header is read
 * now, so a folder that cannot be drawn fails here, not halfway through the page.
 */
export function readRunDir(dir: string): ReportInput<RowSource<TimelineRow>> {
  const f = openRunDir(dir, 'lenient');
  const timelineFile = f.timeline!;
  checkTimelineHeader(timelineFile, 'lenient');
  const timeline = timelineRows(timelineFile);
  const events = f.events ? eventRowsOf(f.events, 'lenient') : [];
  const isChain = typeof (f.summary as { chain?: unknown }).chain === 'object';
  const calls = isChain && f.requests ? countCalls(f.requests) : null;
  return { config: f.config, summary: f.summary, timeline, events, ...(isChain ? { calls } : {}), logHead: f.logs ? readLogHead(f.logs) : null };
}

/** Timeline files up to this size are read into memory once (a few MB of rows); longer ones are streamed on each walk. */
const SMALL_TIMELINE = 4 << 20;

function timelineRows(src: CsvSource): RowSource<TimelineRow> {
  if (!('file' in src) || statSync(src.file).size <= SMALL_TIMELINE) {
    const rows: TimelineRow[] = [];
    eachTimelineRow(src, 'lenient', (r) => rows.push(r));
    return rows;
  }
  return { forEach: (fn) => eachTimelineRow(src, 'lenient', (r) => fn(r)) };
}

/** A chain's requests.csv → calls per caller → callee, streamed (a row per request and call attempt). */
export function countCalls(src: CsvSource): EdgeCount[] {
  const counter = new CallCounter();
  eachRequestRow(src, 'lenient', (r) => counter.add(r.chainlet, r.parent, r.status));
  return counter.edges();
}
