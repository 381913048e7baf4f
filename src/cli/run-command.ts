import path from 'node:path';
import type { Command } from 'commander';
import { writeRun } from '../output/write-run.js';
import { loadScenario, ScenarioError } from '../scenario/load.js';
import { formatSummary } from './format-summary.js';
import type { Io } from './io.js';
import { parseSeedOption } from './parse-seed.js';
import { progressLine } from './progress.js';

export function registerRunCommand(program: Command, io: Io): void {
  program
    .command('run')
    .description('run a scenario and write its timelines and report')
    .argument('<scenario>', 'scenario file (YAML)')
    .option('--seed <n>', 'seed (overrides the file)')
    .option('--duration <d>', 'simulated duration, e.g. 2h (overrides the file)')
    .option('--out <dir>', 'output folder (default reports/<scenario name>)')
    .option('--set <key.path=value>', 'override a scenario key (repeatable)', collect, [])
    .action((file: string, o: { seed?: string; duration?: string; out?: string; set: string[] }) => {
      const seed = parseSeedOption(o.seed, io);
      if (seed === null) return;
      let loaded;
      try {
        loaded = loadScenario(file, { overrides: o.set, seed, duration: o.duration });
      } catch (e) {
        if (e instanceof ScenarioError) {
          io.err(e.messages.join('\n'));
          io.exit(2);
          return;
        }
        throw e;
      }
      const outDir = o.out ?? path.join('reports', loaded.config.name);
      for (const w of loaded.warnings) io.err(`warning: ${w}`);
      const progress = progressLine(io, loaded.config.duration);
      try {
        const summary = writeRun(loaded.config, outDir, { warnings: loaded.warnings, onProgress: progress.update });
        progress.done();
        io.out(formatSummary(summary, outDir));
        io.exit(0);
      } catch (e) {
        progress.done();
        io.err(`run failed: ${e instanceof Error ? e.message : String(e)}`);
        io.exit(1);
      }
    });
}

export function collect(v: string, acc: string[]): string[] {
  return [...acc, v];
}
