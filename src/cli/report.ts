import { join } from 'node:path';
import type { Command } from 'commander';
import { writeFileAtomically } from '../output/atomic-dir.js';
import { readRunDir, RunDirError } from '../report/read-run-dir.js';
import { renderReport } from '../report/render-report.js';

/** Where the command's messages go; `Io` from ./io.js fits. Defaults to the process streams. */
export interface ReportLog {
  out(text: string): void;
  err(text: string): void;
}

const processLog: ReportLog = {
  out: (t) => process.stdout.write(t + '\n'),
  err: (t) => process.stderr.write(t + '\n'),
};

/**
 * `deploysim report <run-dir> [--out FILE]`: (re)draw report.html from a run folder's
 * summary.json, timeline.csv, events.csv and config.json. Exit 0 when written, 2 when the
 * folder is not a run folder (missing or unreadable files); the code goes to `setExit`,
 * never process.exit, so the command runs in-process in tests.
 */
export function registerReportCommand(program: Command, setExit: (code: number) => void, log: ReportLog = processLog): void {
  program
    .command('report')
    .description('draw report.html (d3 charts, self-contained) from a run folder')
    .argument('<run-dir>', 'a folder written by `deploysim run`')
    .option('--out <file>', 'where to write the report (default: <run-dir>/report.html)')
    .action((dir: string, opts: { out?: string }) => {
      let html: string;
      try {
        html = renderReport(readRunDir(dir));
      } catch (e) {
        if (!(e instanceof RunDirError)) throw e;
        log.err(`deploysim report: ${e.message}`);
        setExit(2);
        return;
      }
      const out = opts.out ?? join(dir, 'report.html');
      writeFileAtomically(out, html);
      log.out(`wrote ${out}`);
      setExit(0);
    });
}
