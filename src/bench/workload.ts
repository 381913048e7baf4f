/**
 * One benchmark workload, alone in its process so its peak RSS is its own. Prints one JSON line:
 * wall seconds (from process start, module loading included, for end-to-end workloads; of the
 * simulation only for engine workloads), events, requests, simulated seconds, peak RSS in bytes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

export interface Measurement {
  wall_s: number;
  events: number | null;
  requests: number | null;
  simulated_s: number | null;
  peak_rss_bytes: number;
  note?: string;
}

const root = path.resolve(import.meta.dirname, '../..');
const scenario = (name: string) => path.join(root, 'bench', `${name}.yaml`);

async function engine(name: string): Promise<Measurement> {
  const { loadScenario } = await import('../scenario/load.js');
  const { simulateCounted } = await import('../run.js');
  const { config } = loadScenario(scenario(name));
  const t0 = performance.now();
  const { summary, events } = simulateCounted(config, {}, { drawAhead: true }); // as `deploysim run` does on a machine with a second core
  const wall = (performance.now() - t0) / 1000;
  return { wall_s: wall, events, requests: summary.requests.arrived, simulated_s: config.duration, peak_rss_bytes: process.resourceUsage().maxRSS * 1024 };
}

/**
 * `deploysim <args>` in this process, timed from process start: what a user waits for at the shell.
 * It goes through the launcher, as a user's command does (bin/deploysim.js: the bundle and its code
 * cache); what the command prints goes to stdout before the measurement's line.
 */
async function cli(args: string[], summaryDir: string | null): Promise<Measurement> {
  const bin = path.join(root, 'bin', 'deploysim.js');
  process.argv = [process.execPath, bin, ...args];
  await import(pathToFileURL(bin).href); // returns when the command has finished
  const wall = process.uptime();
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  if (code !== 0) throw new Error(`deploysim ${args.join(' ')} exited ${code}`);
  let requests: number | null = null;
  let simulated: number | null = null;
  if (summaryDir) {
    const s = JSON.parse(fs.readFileSync(path.join(summaryDir, 'summary.json'), 'utf8')) as { requests: { arrived: number }; duration_s: number };
    requests = s.requests.arrived;
    simulated = s.duration_s;
  }
  return { wall_s: wall, events: null, requests, simulated_s: simulated, peak_rss_bytes: process.resourceUsage().maxRSS * 1024 };
}

async function measure(name: string, tmp: string): Promise<Measurement> {
  switch (name) {
    case 'mm10-engine':
      return engine('mm10');
    case 'day-engine':
      return engine('day');
    case 'chain-engine':
      return engine('chain');
    case 'week-engine':
      return engine('week');
    case 'mm10-run':
      return cli(['run', scenario('mm10'), '--out', path.join(tmp, 'run')], path.join(tmp, 'run'));
    case 'day-run':
      return cli(['run', scenario('day'), '--out', path.join(tmp, 'run')], path.join(tmp, 'run'));
    case 'chain-run':
      return cli(['run', scenario('chain'), '--out', path.join(tmp, 'run')], path.join(tmp, 'run'));
    case 'sweep-40': {
      const m = await cli(['sweep', scenario('sweep'), '--vary', 'deployment.runtime.health_checks.restart_threshold_seconds=30,60,120,300', '--seeds', '10', '--out', path.join(tmp, 'sweep')], null);
      return { ...m, requests: null, simulated_s: 40 * 6 * 3600, note: `${os.availableParallelism()} workers` };
    }
    default:
      throw new Error(`unknown workload ${name}`);
  }
}

const name = process.argv[2]!;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'deploysim-bench-'));
try {
  process.stdout.write(JSON.stringify(await measure(name, tmp)) + '\n');
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
