import { Command, CommanderError } from 'commander';
import type { Io } from './io.js';
import { registerCheckCommand } from './check.js';
import { registerInitCommand } from './init-command.js';
import { registerReportCommand } from './report.js';
import { registerRunCommand } from './run-command.js';
import { registerSweepCommands } from './sweep.js';
import { registerValidateCommand } from './validate-command.js';

/** Exit codes: 0 ok; 1 the run failed or a check found a violation; 2 bad input. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  let code = 0;
  const sub: Io = { ...io, exit: (c) => (code = c) };
  const program = new Command('deploysim')
    .description('Simulate a model-serving deployment: health checks, traffic shifting, autoscaling, cold starts, billing.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: (s) => io.err(s.replace(/\n$/, '')) });
  registerRunCommand(program, sub);
  registerValidateCommand(program, sub);
  registerReportCommand(program, sub.exit, sub);
  registerSweepCommands(program, sub.exit);
  registerCheckCommand(program, sub);
  registerInitCommand(program, sub);
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

function processIo(): Io {
  return {
    out: (t) => process.stdout.write(t + '\n'),
    err: (t) => process.stderr.write(t + '\n'),
    errRaw: (t) => process.stderr.write(t),
    exit: () => undefined,
    isTTY: Boolean(process.stderr.isTTY),
  };
}
