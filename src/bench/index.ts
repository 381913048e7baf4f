/**
 * `npm run bench [-- --only a,b] [--out FILE] [--compare FILE]`: each workload in its own
 * process (peak RSS is per workload), then a table of wall seconds, events/s, requests/s,
 * simulated hours per wall second and peak RSS, written as JSON so a later change can be
 * compared with `--compare`. End-to-end workloads are timed from process start, as a shell
 * user waits; their events are the engine workload's (the same scenario and seed fire the same
 * events).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Measurement } from './workload.js';

const WORKLOADS: { name: string; what: string; eventsFrom?: string }[] = [
  { name: 'mm10-engine', what: 'M/M/10, 1M requests, engine only' },
  { name: 'mm10-run', what: 'M/M/10, 1M requests, `deploysim run` end to end', eventsFrom: 'mm10-engine' },
  { name: 'day-engine', what: 'a day at ~100 req/s with faults, engine only' },
  { name: 'day-run', what: 'a day at ~100 req/s with faults, `deploysim run` end to end', eventsFrom: 'day-engine' },
  { name: 'week-engine', what: 'a week at ~200 req/s with faults (bench/week.yaml), engine only: peak RSS must not grow with the events' },
  { name: 'chain-engine', what: 'a 3-chainlet chain at 50 req/s for a day (3 hops a request), engine only' },
  { name: 'chain-run', what: 'the same chain, `deploysim run` end to end', eventsFrom: 'chain-engine' },
  { name: 'sweep-40', what: '40-run sweep (4 variants × 10 seeds of 6 h), all workers' },
];

function arg(flag: string): string | null {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? (process.argv[i + 1] ?? null) : null;
}

const only = arg('--only')?.split(',') ?? null;
const outFile = arg('--out') ?? 'bench-results.json';
const compareFile = arg('--compare');
const here = import.meta.dirname;

/** Bad arguments are refused before any workload runs (and before bench-results.json is replaced). */
function refuse(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}
const unknown = only?.filter((n) => !WORKLOADS.some((w) => w.name === n)) ?? [];
if (unknown.length > 0) refuse(`unknown workload ${unknown.join(', ')} in --only; the workloads are ${WORKLOADS.map((w) => w.name).join(', ')}`);
let previous: Record<string, Measurement> | null = null;
if (compareFile) {
  try {
    previous = (JSON.parse(fs.readFileSync(compareFile, 'utf8')) as { results: Record<string, Measurement> }).results;
  } catch (e) {
    refuse(`--compare ${compareFile}: ${(e as Error).message} (give a file an earlier \`npm run bench -- --out FILE\` wrote)`);
  }
  if (typeof previous !== 'object' || previous === null) refuse(`--compare ${compareFile}: no "results" in it (give a file an earlier \`npm run bench -- --out FILE\` wrote)`);
}

const results: Record<string, Measurement> = {};
for (const w of WORKLOADS) {
  if (only && !only.includes(w.name)) continue;
  const r = spawnSync(process.execPath, [path.join(here, 'workload.js'), w.name], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) {
    process.stderr.write(`${w.name} failed:\n${r.stderr}`);
    process.exit(1);
  }
  results[w.name] = JSON.parse(r.stdout.trim().split('\n').pop()!) as Measurement;
  if (w.eventsFrom && results[w.eventsFrom]) results[w.name]!.events = results[w.eventsFrom]!.events;
}

const fmt = (x: number | null, d = 0) => (x === null ? '—' : x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));
const rows = [['workload', 'wall s', 'events/s', 'requests/s', 'sim h / wall s', 'peak RSS MB', ...(previous ? ['wall vs before'] : [])]];
for (const w of WORKLOADS) {
  const m = results[w.name];
  if (!m) continue;
  const before = previous?.[w.name];
  rows.push([
    w.name,
    fmt(m.wall_s, 3),
    m.events === null ? '—' : fmt(m.events / m.wall_s),
    m.requests === null ? '—' : fmt(m.requests / m.wall_s),
    m.simulated_s === null ? '—' : fmt(m.simulated_s / 3600 / m.wall_s, 1),
    fmt(m.peak_rss_bytes / 1024 / 1024, 1),
    ...(previous ? [before ? speedup(before.wall_s, m.wall_s) : '—'] : []),
  ]);
}
/** "1.22× faster" or "1.10× slower": a ratio above 1 either way. */
function speedup(before: number, after: number): string {
  return after <= before ? `${(before / after).toFixed(2)}× faster` : `${(after / before).toFixed(2)}× slower`;
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
for (const w of WORKLOADS) if (results[w.name]) console.log(`  ${w.name}: ${w.what}${results[w.name]!.note ? ` (${results[w.name]!.note})` : ''}`);
const noEvents = WORKLOADS.filter((w) => w.eventsFrom && results[w.name] && !results[w.eventsFrom]);
if (noEvents.length > 0) console.log(`  events/s of ${noEvents.map((w) => w.name).join(', ')}: from ${noEvents.map((w) => w.eventsFrom).join(', ')}, which did not run (add it to --only)`);

let commit = 'unknown';
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
} catch {
  // not a git checkout
}
const record = { commit, node: process.version, cpus: os.availableParallelism(), results };
fs.writeFileSync(outFile, JSON.stringify(record, null, 2) + '\n');
console.log(`wrote ${outFile}`);
