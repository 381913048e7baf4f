import type { Command } from 'commander';
import type { Io } from './io.js';

export function registerValidateCommand(program: Command, io: Io): void {
  program
    .command('validate')
    .description('check scenario files without running them; every error at once')
    .argument('<scenarios...>', 'scenario files (YAML)')
    .action(async (files: string[]) => {
      const { loadScenario, ScenarioError } = await import('../scenario/load.js');
      let bad = 0;
      for (const file of files) {
        try {
          const s = loadScenario(file);
          for (const w of s.warnings) io.err(`${file}: warning: ${w}`);
          io.out(`ok  ${file}`);
        } catch (e) {
          if (!(e instanceof ScenarioError)) throw e;
          bad++;
          io.err(e.messages.join('\n'));
        }
      }
      if (bad > 0) io.err(`${bad} of ${files.length} scenario file${files.length > 1 ? 's' : ''} invalid`);
      io.exit(bad > 0 ? 2 : 0);
    });
}
