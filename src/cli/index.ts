import { Command, CommanderError } from 'commander';
import { processIo, type Io, type RegisterCommand } from './io.js';
import { registerCheckCommand } from './check-command.js';
import { registerCompareCommand } from './compare-command.js';
import { registerInitCommand } from './init-command.js';
import { registerMergeCommand } from './merge-command.js';
import { registerReportCommand } from './report-command.js';
import { registerRunCommand } from './run-command.js';
import { registerSweepCommand } from './sweep-command.js';
import { registerValidateCommand } from './validate-command.js';

/** Every command, one file each, in the order `deploysim --help` lists them. */
export const COMMANDS: readonly RegisterCommand[] = [
  registerRunCommand,
  registerValidateCommand,
  registerReportCommand,
  registerSweepCommand,
  registerCompareCommand,
  registerMergeCommand,
  registerCheckCommand,
  registerInitCommand,
];

/** Exit codes: 0 ok; 1 the run failed or a check found a violation; 2 bad input. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  let code = 0;
  const sub: Io = { ...io, exit: (c) => (code = c) };
  const program = new Command('deploysim')
    .description('Simulate a model-serving deployment: health checks, traffic shifting, autoscaling, cold starts, billing.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: (s) => io.err(s.replace(/\n$/, '')) });
  for (const register of COMMANDS) register(program, sub);
  for (const c of program.commands) c.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version exit 0; usage errors are bad input.
      return e.exitCode === 0 ? 0 : 2;
    }
    io.err(`deploysim: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  return code;
}
