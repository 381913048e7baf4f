import type { Command } from 'commander';
import type { Io } from './io.js';
import { parseSeedOption } from './parse-seed.js';

/**
 * `deploysim check <scenario> [--runs N] [--seed S] [--out DIR]`: explore the scenario's `explore:`
 * box (corners, edge midpoints, then stratified samples) and judge every run by the built-in
 * invariants and its `expect:`; on a violation, report where it stops along each key (docs/check.md).
 * Exit 0 all held, 1 a violation (counterexample written), 2 bad input.
 */
export function registerCheckCommand(program: Command, io: Io): void {
  program
    .command('check')
    .description('explore a scenario (explore:) and check the policy invariants and its expect: assertions')
    .argument('<scenario>', 'scenario file (YAML) with explore: and expect:')
    .option('--runs <n>', 'runs to try: the corners and edge midpoints of the explore: box first, then stratified samples', '100')
    .option('--seed <s>', 'seed of the stratified samples (default: the scenario seed)')
    .option('--out <dir>', 'folder for counterexample.yaml and check.json (default reports/<scenario name>-check); replaced whole, only if deploysim wrote it')
    .option('--force', "write into an existing --out deploysim did not write; only check.json and counterexample.yaml are replaced")
    .action(async (file: string, o: { runs: string; seed?: string; out?: string; force?: boolean }) => {
      const runs = Number(o.runs);
      if (!Number.isSafeInteger(runs) || runs < 1) {
        io.err(`--runs: found ${JSON.stringify(o.runs)}, allowed an integer ≥ 1`);
        io.exit(2);
        return;
      }
      const seed = parseSeedOption(o.seed, io);
      if (seed === null) return;
      const { runCheck } = await import('../check/run-check.js');
      io.exit(runCheck(file, { runs, seed, out: o.out, force: o.force }, io));
    });
}
