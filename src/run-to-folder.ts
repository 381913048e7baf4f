/**
 * `deploysim run`'s pipeline, once: simulate → write the folder → draw the report from it.
 * The run streams its records into the folder's files as it goes (output/write-run.ts), nothing
 * is kept for the report, and report.html is drawn from the files read back from disk, exactly
 * as `deploysim report <dir>` draws it: the two pages are the same byte for byte.
 */
import type { Config } from './model/config.js';
import type { Summary } from './model/summary.js';
import type { OutPlan } from './output/owned-folder.js';
import { writeRun } from './output/write-run.js';
import { readRunDir } from './report/read-run-dir.js';
import { renderReport } from './report/render-report.js';
import { simulateInterruptible, type SimulateOptions } from './run.js';

export interface RunToFolderOptions extends SimulateOptions {
  /** Extra warnings from loading the scenario, prepended to the run's own. */
  warnings?: string[];
  /** Where each setting came from (scenario, --set, truss file, default): written into config.json. */
  provenance?: Record<string, unknown>;
  /** Ctrl-C: the run stops, its temporary folder and lock are removed, RunInterrupted is thrown. */
  signal?: AbortSignal;
}

/** Run a scenario into its folder (see writeRun for the folder's safety); gives the summary. */
export function runToFolder(config: Config, out: string | OutPlan, opts: RunToFolderOptions = {}): Promise<Summary> {
  return writeRun(config, out, {
    simulate: (sinks) => simulateInterruptible(config, sinks, { onProgress: opts.onProgress, signal: opts.signal }),
    report: (dir) => renderReport(readRunDir(dir)),
    warnings: opts.warnings,
    provenance: opts.provenance,
  });
}
