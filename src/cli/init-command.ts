/**
 * `deploysim init` (SPEC §13): the command's options; the work (init-scenario.ts, which loads
 * the scenario schema and yaml) is imported when the command runs, not at CLI start.
 */
import { closeSync, existsSync, openSync, statSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Io } from './io.js';

export function registerInitCommand(program: Command, io: Io): void {
  program
    .command('init')
    .description('write a commented starting scenario from your truss config.yaml (and autoscaling settings)')
    .requiredOption('--from <config.yaml>', 'the truss config.yaml you deploy with')
    .option('--autoscaling <settings.json>', "the deployment's autoscaling settings as the platform API returns them (bare or {\"autoscaling_settings\": ...})")
    .option('--out <file>', 'the scenario to write (default <model_name>.yaml here); never overwritten')
    .action(async (o: { from: string; autoscaling?: string; out?: string }) => {
      const { initScenario, InitRefusal } = await import('./init-scenario.js');
      let made;
      try {
        made = initScenario(o);
      } catch (e) {
        if (!(e instanceof InitRefusal)) throw e;
        io.err(e.message);
        io.exit(2);
        return;
      }
      const abs = resolve(made.file);
      let fd: number;
      try {
        // 'wx': created here or refused, even if the file appeared since the check.
        fd = openSync(abs, 'wx');
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        io.err(err.code === 'EEXIST' ? `${made.file}: already exists; init never overwrites a file: remove it or give another --out` : `cannot write ${made.file}: ${whyNotWritten(made.file, err)}`);
        io.exit(2);
        return;
      }
      try {
        writeSync(fd, made.text);
      } finally {
        closeSync(fd);
      }
      for (const w of made.warnings) io.err(`warning: ${w}`);
      io.out(`wrote ${made.file}: replace the GUESS lines with your measurements, then \`deploysim run ${made.file}\``);
      io.exit(0);
    });
}

/**
 * Why `file` could not be created, in words: its folder does not exist, or a file stands where a
 * folder should be on the way; otherwise the system's reason.
 */
function whyNotWritten(file: string, err: NodeJS.ErrnoException): string {
  if (err.code === 'ENOENT' || err.code === 'ENOTDIR') {
    // The nearest step on the way that exists: a file there is what stops the path.
    let p = dirname(file);
    while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
    if (existsSync(p) && !statSync(p).isDirectory()) return `${p} is a file, not a folder`;
    return `the folder ${dirname(file)} does not exist`;
  }
  if (err.code === 'EACCES' || err.code === 'EPERM') return `permission denied in ${dirname(file)}`;
  return err.message;
}
