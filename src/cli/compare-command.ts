import type { Command } from 'commander';
import type { Io } from './io.js';
import { addCommonOptions, sweepAction, sweepOptions, type CommonOpts } from './sweep-options.js';

/** `deploysim compare <a> <b>`: a sweep of two scenario files on the same seeds. */
export function registerCompareCommand(program: Command, io: Io): void {
  addCommonOptions(
    program
      .command('compare')
      .description('run two scenario files on the same seeds and compare them (the first is the baseline unless --baseline)')
      .argument('<a>', 'baseline scenario file')
      .argument('<b>', 'other scenario file'),
  ).action(async (a: string, b: string, o: CommonOpts) => {
    await sweepAction(sweepOptions('compare', [a, b], [], o), io);
  });
}
