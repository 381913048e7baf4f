/**
 * The options `deploysim sweep` and `compare` share, and the action both run: the work is in
 * src/sweep/, imported when a sweep runs. Ctrl-C during a sweep aborts the pool; finished runs are
 * already in runs.jsonl, so the same command resumes.
 */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import type { SweepOptions } from '../sweep/sweep.js';
import type { Io } from './io.js';

export const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Runs `fn` with an AbortSignal fired by the first Ctrl-C (a second one kills as usual). */
async function withInterrupt<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = () => {
    process.removeListener('SIGINT', onSigint);
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    return await fn(controller.signal);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

export interface CommonOpts {
  seeds: string;
  firstSeed: string;
  workers: string;
  out?: string;
  shard?: string;
  require: string[];
  minimize?: string;
  force?: boolean;
  baseline?: string;
}

/** Adds the options sweep and compare share to `cmd`. */
export function addCommonOptions(cmd: Command): Command {
  return cmd
    .option('--seeds <n>', 'seeds per variant: every variant runs on the same seeds', '10')
    .option('--first-seed <s>', 'the seeds are s, s+1, ..., s+n-1 (the scenario file\'s seed is not used)', '1')
    .option('--workers <n>', 'worker threads (at most the machine\'s available parallelism)', String(availableParallelism()))
    .option('--out <dir>', 'output folder (default reports/sweep-<name>/ or reports/compare-<a>-vs-<b>/)')
    .option('--shard <i/n>', 'run only shard i of n (runs k with k mod n = i-1); auto/n takes i from JOB_COMPLETION_INDEX + 1; writes <out>/shard-i-of-n/')
    .option('--require <requirement>', "a requirement, e.g. 'availability>=0.999' (repeatable); met when the 95 % CI bound on the safe side meets it", collect, [])
    .option('--baseline <variant>', "the variant every other is compared with (paired differences): #N, its label, or key=value,... naming it (compare: a file); default the first variant")
    .option('--minimize <metric>', 'recommend the variant with the lowest mean of this metric among those meeting --require')
    .option('--force', "write into an existing --out deploysim did not write, or that holds a sweep of other arguments (discarding that sweep's results); only deploysim's own files are deleted");
}

export function sweepOptions(command: 'sweep' | 'compare', files: string[], vary: string[], o: CommonOpts): SweepOptions {
  return {
    command,
    files,
    vary,
    seeds: o.seeds,
    firstSeed: o.firstSeed,
    workers: o.workers,
    out: o.out ?? null,
    shard: o.shard ?? null,
    require: o.require,
    minimize: o.minimize ?? null,
    force: o.force ?? false,
    baseline: o.baseline ?? null,
  };
}

/** Runs the sweep on the worker pool and sets the exit code (0 ok, 1 a run failed, 2 bad input, 130 interrupted). */
export async function sweepAction(opts: SweepOptions, io: Io): Promise<void> {
  // Loaded when a sweep runs, not at CLI start.
  const [{ poolExecutor }, { defaultLoader }, { runSweep }] = await Promise.all([import('../sweep/run-pool.js'), import('../sweep/simulator.js'), import('../sweep/sweep.js')]);
  io.exit(await withInterrupt((signal) => runSweep(opts, io, { load: defaultLoader, executor: poolExecutor }, signal)));
}
