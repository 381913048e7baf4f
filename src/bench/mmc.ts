/**
 * `npm run bench`: a fixed M/M/c queue — 10 warm replicas, concurrency 1,
 * exponential service (mean 1 s), Poisson 9 rps, ~1,000,000 requests, no faults.
 * Prints requests/s, events/s, simulated hours per wall second and peak RSS.
 */
import { performance } from 'node:perf_hooks';
import { defaultConfig, type Config } from '../model/config.js';
import { simulateCounted } from '../run.js';

const REQUESTS = 1_000_000;
const RATE = 9;

export function benchConfig(): Config {
  const c = defaultConfig();
  c.name = 'bench-mmc';
  c.seed = 1;
  c.duration = REQUESTS / RATE;
  c.deployment.initial_state = 'warm';
  c.deployment.autoscaling = { ...c.deployment.autoscaling, min_replica: 10, max_replica: 10, concurrency_target: 1 };
  c.deployment.service_time = { dist: 'exponential', mean: 1 };
  c.traffic = [{ kind: 'poisson', rate: RATE, start: 0, end: null }];
  c.output.sample_interval = 60;
  return c;
}

let peakRss = process.memoryUsage.rss();
const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 20);
const cfg = benchConfig();
const t0 = performance.now();
const { summary, events } = simulateCounted(cfg, {}, { onProgress: () => (peakRss = Math.max(peakRss, process.memoryUsage.rss())) });
const wall = (performance.now() - t0) / 1000;
clearInterval(rssTimer);
peakRss = Math.max(peakRss, process.memoryUsage.rss());
const n = summary.requests.arrived;
const rho = RATE / 10;
console.log(`M/M/10 bench: ${n} requests, ${events} events, ${(cfg.duration / 3600).toFixed(1)} simulated hours`);
console.log(`wall seconds:           ${wall.toFixed(3)}`);
console.log(`requests/s:             ${Math.round(n / wall).toLocaleString('en-US')}`);
console.log(`events/s:               ${Math.round(events / wall).toLocaleString('en-US')}`);
console.log(`simulated h / wall s:   ${(cfg.duration / 3600 / wall).toFixed(1)}`);
console.log(`peak RSS:               ${(peakRss / 1024 / 1024).toFixed(1)} MB`);
console.log(`check: utilization ${rho}, mean latency ${summary.latency_s.mean?.toFixed(4)} s (Erlang C: 1.6687 s)`);
