/**
 * `deploysim run`'s pipeline, once: simulate → write the folder → draw the report from it.
 * The run streams its records into the folder's files as it goes (output/write-run.ts), nothing
 * is kept for the report, and report.html is drawn from the files read back from disk, exactly
 * as `deploysim report <dir>` draws it: the two pages are the same byte for byte.
 */
import os from 'node:os';
import v8 from 'node:v8';
import type { Config } from './model/config.js';
import type { Summary } from './model/summary.js';
import type { OutPlan } from './output/owned-folder.js';
import { writeRun } from './output/write-run.js';
import { readRunDir } from './report/read-run-dir.js';
import { renderReport } from './report/render-report.js';
import { RunInterrupted, simulateInterruptible, type SimulateOptions } from './run.js';

export interface RunToFolderOptions extends SimulateOptions {
  /** Extra warnings from loading the scenario, prepended to the run's own. */
  warnings?: string[];
  /** Where each setting came from (scenario, --set, truss file, default): written into config.json. */
  provenance?: Record<string, unknown>;
  /** Ctrl-C: the run stops, its temporary folder and lock are removed, RunInterrupted is thrown. */
  signal?: AbortSignal;
  /** report.html from the finished folder; default: drawn from the files read back (tests replace it). */
  report?: (dir: string) => string;
}

/** One run at a time: the draws go ahead on a second core when there is one (run.ts, draw-ahead/). */
const SPARE_CORE = os.availableParallelism() > 1;

/** Run a scenario into its folder (see writeRun for the folder's safety); gives the summary. */
export function runToFolder(config: Config, out: string | OutPlan, opts: RunToFolderOptions = {}): Promise<Summary> {
  return writeRun(config, out, {
    simulate: (sinks) => withTightHeap(() => simulateInterruptible(config, sinks, { onProgress: opts.onProgress, signal: opts.signal, drawAhead: SPARE_CORE })),
    report: opts.report ?? ((dir) => renderReport(readRunDir(dir))),
    warnings: opts.warnings,
    provenance: opts.provenance,
    // The report is drawn in one go, and a signal's handler runs only between tasks: a Ctrl-C
    // during it (a minute for a year of samples) is seen here, before the folder is put in place.
    beforeInstall: async () => {
      await new Promise((resolve) => setImmediate(resolve));
      if (opts.signal?.aborted) throw new RunInterrupted();
    },
  });
}

/**
 * V8's old-space growth held to 1.5× the live heap while a run simulates (issue #15). The run's
 * live heap is small and flat (~15 MB in bench/day.yaml: the model keeps what is in flight, the
 * files take the rows), but it makes garbage fast, some of it old enough to be promoted (~0.5 MB
 * per scavenge), and V8's default lets old space grow to ~4× the live heap between full
 * collections: ~100 MB of old space and ~190 MB peak RSS for the day. At 1.5× a full collection
 * comes sooner and costs ~10 ms (little is live): ~135 MB peak RSS, the same wall time.
 * `--heap-growing-percent` is read at each full collection, so setting it mid-process takes
 * effect; 0 (V8's own heuristics) is restored when the last run in the process ends.
 */
let tightRuns = 0;
async function withTightHeap<T>(f: () => Promise<T>): Promise<T> {
  if (tightRuns++ === 0) v8.setFlagsFromString('--heap-growing-percent=50');
  try {
    return await f();
  } finally {
    if (--tightRuns === 0) v8.setFlagsFromString('--heap-growing-percent=0');
  }
}
