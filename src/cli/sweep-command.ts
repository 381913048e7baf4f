import type { Command } from 'commander';
import type { Io } from './io.js';
import { addCommonOptions, collect, sweepAction, sweepOptions, type CommonOpts } from './sweep-options.js';

/**
 * `deploysim sweep <scenario> --vary key=v1,v2 ...`: every combination of the --vary values on
 * the same seeds, compared with confidence intervals (docs/sweep.md). Ctrl-C keeps the finished
 * runs; the same command resumes.
 */
export function registerSweepCommand(program: Command, io: Io): void {
  addCommonOptions(
    program
      .command('sweep')
      .description('run every combination of --vary values on the same seeds and compare them with confidence intervals')
      .argument('<scenario>', 'scenario file (YAML)')
      .option('--vary <key.path=v1,v2,...>', 'a scenario key and its values (repeatable; the grid is every combination; the first values are the baseline unless --baseline)', collect, []),
  ).action(async (scenario: string, o: CommonOpts & { vary: string[] }) => {
    await sweepAction(sweepOptions('sweep', [scenario], o.vary, o), io);
  });
}
