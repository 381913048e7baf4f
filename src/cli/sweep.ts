/**
 * `deploysim sweep`, `compare` and `merge`: option wiring only; the work is in src/sweep/.
 * Ctrl-C during a sweep aborts the pool; finished runs are already in runs.jsonl, so the same
 * command resumes. The exit code goes through `setExit` (never process.exit).
 */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import type { Io, SweepOptions } from '../sweep/sweep.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function processIo(): Io {
  return {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : text + '\n'),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : text + '\n'),
    errStream: process.stderr,
  };
}

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

interface CommonOpts {
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

function addCommon(cmd: Command): Command {
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

function sweepOptions(command: 'sweep' | 'compare', files: string[], vary: string[], o: CommonOpts): SweepOptions {
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

async function sweepAction(opts: SweepOptions): Promise<number> {
  // Loaded when a sweep runs, not at CLI start.
  const [{ poolExecutor }, { defaultLoader }, { runSweep }] = await Promise.all([import('../sweep/run-pool.js'), import('../sweep/simulator.js'), import('../sweep/sweep.js')]);
  return withInterrupt((signal) => runSweep(opts, processIo(), { load: defaultLoader, executor: poolExecutor }, signal));
}

export function registerSweepCommands(program: Command, setExit: (code: number) => void): void {
  addCommon(
    program
      .command('sweep')
      .description('run every combination of --vary values on the same seeds and compare them with confidence intervals')
      .argument('<scenario>', 'scenario file (YAML)')
      .option('--vary <key.path=v1,v2,...>', 'a scenario key and its values (repeatable; the grid is every combination; the first values are the baseline unless --baseline)', collect, []),
  ).action(async (scenario: string, o: CommonOpts & { vary: string[] }) => {
    setExit(await sweepAction(sweepOptions('sweep', [scenario], o.vary, o)));
  });

  addCommon(
    program
      .command('compare')
      .description('run two scenario files on the same seeds and compare them (the first is the baseline unless --baseline)')
      .argument('<a>', 'baseline scenario file')
      .argument('<b>', 'other scenario file'),
  ).action(async (a: string, b: string, o: CommonOpts) => {
    setExit(await sweepAction(sweepOptions('compare', [a, b], [], o)));
  });

  program
    .command('merge')
    .description('join the shard folders of one sweep into the outputs of the whole sweep')
    .argument('<dirs...>', 'shard folders (shard-i-of-n)')
    .requiredOption('--out <dir>', 'output folder (not one of the shard folders, nor a folder holding or inside one)')
    .option('--force', "write into an existing --out deploysim did not write; only deploysim's own files are replaced")
    .action(async (dirs: string[], o: { out: string; force?: boolean }) => {
      const { runMerge } = await import('../sweep/merge.js');
      setExit(await runMerge(dirs, o.out, processIo(), { force: o.force ?? false }));
    });
}
