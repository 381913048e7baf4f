import path from 'node:path';
import type { Command } from 'commander';
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
    .option('--out <dir>', 'output folder (default reports/<scenario name>); an existing folder is replaced only if deploysim wrote it')
    .option('--force', "write into an existing --out that deploysim did not write, replacing only files named like deploysim's outputs")
    .option('--set <key.path=value>', 'override a scenario key (repeatable)', collect, [])
    .action(async (file: string, o: { seed?: string; duration?: string; out?: string; force?: boolean; set: string[] }) => {
      const seed = parseSeedOption(o.seed, io);
      if (seed === null) return;
      // Loaded here, not at CLI start: `deploysim --help` or `validate` need none of it.
      const [{ loadScenario, ScenarioError }, { OutputRefused }, { planRunFolder }, { runToFolder }, { RunInterrupted }, { formatSummary }] = await Promise.all([
        import('../scenario/load.js'),
        import('../output/owned-folder.js'),
        import('../output/write-run.js'),
        import('../run-to-folder.js'),
        import('../run.js'),
        import('./format-summary.js'),
      ]);
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
      // Where the folder goes is decided before any work: a refused --out costs no simulation.
      let plan;
      try {
        plan = planRunFolder(outDir, { force: o.force ?? false, inputs: [file, ...loaded.reads] });
      } catch (e) {
        if (!(e instanceof OutputRefused)) throw e;
        io.err(e.message);
        io.exit(2);
        return;
      }
      for (const w of loaded.warnings) io.err(`warning: ${w}`);
      if (plan.kept.length > 0) io.err(`note: ${outDir} keeps ${plan.kept.length} entr${plan.kept.length === 1 ? 'y' : 'ies'} deploysim did not write (${plan.kept.slice(0, 5).join(', ')}${plan.kept.length > 5 ? ', …' : ''})`);
      const progress = progressLine(io, loaded.config.duration);
      const interrupt = onInterrupt();
      try {
        const summary = await runToFolder(loaded.config, plan, { warnings: loaded.warnings, provenance: loaded.provenance, onProgress: progress.update, signal: interrupt.signal });
        progress.done();
        io.out(formatSummary(summary, outDir, loaded.warnings.length));
        io.exit(0);
      } catch (e) {
        progress.done();
        if (e instanceof RunInterrupted) {
          io.err(`interrupted: nothing written to ${outDir}`);
          io.exit(130);
        } else if (e instanceof OutputRefused) {
          io.err(e.message);
          io.exit(2);
        } else {
          io.err(`run failed: ${e instanceof Error ? e.message : String(e)}; nothing written to ${outDir}`);
          io.exit(1);
        }
      } finally {
        interrupt.dispose();
      }
    });
}

/** SIGINT/SIGTERM as an AbortSignal while a run is in progress (a second Ctrl-C kills as usual). */
function onInterrupt(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const handler = () => {
    dispose();
    controller.abort();
  };
  const dispose = () => {
    process.removeListener('SIGINT', handler);
    process.removeListener('SIGTERM', handler);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return { signal: controller.signal, dispose };
}

export function collect(v: string, acc: string[]): string[] {
  return [...acc, v];
}
