/**
 * `npm run bench:simpy`: the same M/M/10 queue (λ = 9/s, μ = 1/s, c = 10, ~1,000,000 requests)
 * in SimPy (bench/simpy_mmc.py) and as `deploysim run bench/mm10.yaml` end to end, each in its
 * own process timed from spawn to exit (interpreter start, module loading and outputs included),
 * then both wall times and the ratio. SimPy is Debian's python3-simpy (SimPy 2's classic API) or
 * any Python with `simpy`; when none is found, `apt-get install -y python3-simpy` is tried, and
 * when that fails the comparison is skipped with a message (exit 0).
 * deploysim runs as users run it: bin/deploysim.js, which runs the bundle in dist/bundle/ that
 * `npm run build` makes, from the code cache the build saved. First, deploysim's fixed cost (what a command costs besides its
 * simulation: Node's start, loading the code, outputs, report): `--help` and a one-minute run,
 * the median of 5 each (target: a short run ≤ 0.25 s CPU).
 * Options: `--requests N` (default 1,000,000; deploysim's run stays bench/mm10.yaml), `--repeat K`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const root = path.resolve(import.meta.dirname, '../..');
const arg = (flag: string, dflt: string) => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
};
const requests = Number(arg('--requests', '1000000'));
const repeat = Math.max(1, Number(arg('--repeat', '1')));

/** A Python that imports SimPy 3+ or SimPy 2, or null. */
function findPython(): string | null {
  // Debian's python3-simpy lives in /usr/lib/python3/dist-packages: /usr/bin/python3 sees it, a pyenv python3 may not.
  for (const py of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(py, ['-c', 'try:\n import simpy\nexcept ImportError:\n import SimPy.Simulation'], { stdio: 'ignore' });
    if (r.status === 0) return py;
  }
  return null;
}

function ensurePython(): string | null {
  const found = findPython();
  if (found) return found;
  console.error('SimPy not found; trying `apt-get install -y python3-simpy` ...');
  const r = spawnSync('apt-get', ['install', '-y', 'python3-simpy'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.error || r.status !== 0) return null;
  return findPython();
}

/** Wall seconds from spawn to exit, and the CPU seconds (user + sys) of the child. */
function timed(cmd: string, args: string[]): { wall: number; cpu: number | null; stdout: string } {
  const timeBin = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
  const t0 = performance.now();
  const r = timeBin
    ? spawnSync(timeBin, ['-f', 'CPU %U %S', cmd, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 })
    : spawnSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  const m = /CPU ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr ?? '');
  return { wall, cpu: m ? Number(m[1]) + Number(m[2]) : null, stdout: r.stdout };
}

const bin = path.join(root, 'bin', 'deploysim.js');
if (!fs.existsSync(path.join(root, 'dist', 'bundle', 'deploysim.cjs'))) throw new Error('dist/bundle/deploysim.cjs is missing: run `npm run build` first');
const fmt = (x: number | null) => (x === null ? '—' : x.toFixed(2));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Median wall and CPU seconds of 5 runs of `deploysim ...args`. */
function fixedCost(args: string[]): string {
  const runs = Array.from({ length: 5 }, () => timed(process.execPath, [bin, ...args]));
  const cpu = runs.every((r) => r.cpu !== null) ? median(runs.map((r) => r.cpu!)) : null;
  return `${fmt(cpu)} s CPU, ${fmt(median(runs.map((r) => r.wall)))} s wall`;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'deploysim-simpy-'));
try {
  console.log(`deploysim's fixed cost (median of 5; target: a short run ≤ 0.25 s CPU):`);
  console.log(`  deploysim --help                                         ${fixedCost(['--help'])}`);
  const short = ['run', path.join('scenarios', 'steady-warm.yaml'), '--duration', '1m', '--out', path.join(tmp, 'short')];
  console.log(`  deploysim run scenarios/steady-warm.yaml --duration 1m   ${fixedCost(short)}`);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}

const python = ensurePython();
if (!python) {
  console.log('bench:simpy skipped: no Python with SimPy, and `apt-get install -y python3-simpy` failed (not root, or no network).');
  process.exit(0);
}

const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploysim-simpy-'));
try {
  for (let k = 0; k < repeat; k++) {
    // Alternate the order so neither always runs on a warmer (or busier) machine.
    const runSimpy = () => timed(python, [path.join(root, 'bench', 'simpy_mmc.py'), String(requests), '9', '1', '10', String(k + 1)]);
    const runDeploysim = () => timed(process.execPath, [bin, 'run', path.join(root, 'bench', 'mm10.yaml'), '--out', path.join(runsDir, `run-${k}`)]);
    const [s, d] = k % 2 === 0 ? [runSimpy(), runDeploysim()] : (([b, a]) => [a, b])([runDeploysim(), runSimpy()]);
    const sp = JSON.parse(s.stdout.trim().split('\n').pop()!) as { api: string; requests: number; mean_sojourn_s: number; sim_wall_s: number };
    const summary = JSON.parse(fs.readFileSync(path.join(runsDir, `run-${k}`, 'summary.json'), 'utf8')) as { requests: { arrived: number } };
    console.log(`M/M/10 (λ 9, μ 1), run ${k + 1} of ${repeat}:`);
    console.log(`  SimPy     ${fmt(s.wall)} s wall, ${fmt(s.cpu)} s CPU  (${sp.requests.toLocaleString('en-US')} requests, ${sp.api}, mean sojourn ${sp.mean_sojourn_s.toFixed(4)} s; Erlang C 1.6687)`);
    console.log(`  deploysim ${fmt(d.wall)} s wall, ${fmt(d.cpu)} s CPU  (${summary.requests.arrived.toLocaleString('en-US')} requests, \`deploysim run bench/mm10.yaml\`: CSVs, summary and report included)`);
    console.log(`  deploysim is ${(s.wall / d.wall).toFixed(1)}× faster by wall time${s.cpu && d.cpu ? `, ${(s.cpu / d.cpu).toFixed(1)}× by CPU time` : ''} (target: 10×)`);
  }
} finally {
  fs.rmSync(runsDir, { recursive: true, force: true });
}
