import type { Command } from 'commander';
import type { Io } from './io.js';

/** `deploysim merge <shard dirs...> --out DIR`: the shards of one sweep joined into the whole sweep's outputs. */
export function registerMergeCommand(program: Command, io: Io): void {
  program
    .command('merge')
    .description('join the shard folders of one sweep into the outputs of the whole sweep')
    .argument('<dirs...>', 'shard folders (shard-i-of-n)')
    .requiredOption('--out <dir>', 'output folder (not one of the shard folders, nor a folder holding or inside one)')
    .option('--force', "write into an existing --out deploysim did not write; only deploysim's own files are replaced")
    .action(async (dirs: string[], o: { out: string; force?: boolean }) => {
      const { runMerge } = await import('../sweep/merge.js');
      io.exit(await runMerge(dirs, o.out, io, { force: o.force ?? false }));
    });
}
