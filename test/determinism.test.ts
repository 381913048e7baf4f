import { describe, expect, it } from 'vitest';
import type { Config } from '../src/model/config.js';
import { config, runCollect } from './helpers/run-model.js';

function busy(change: (c: Config) => void = () => undefined): Config {
  return config((c) => {
    c.seed = 11;
    c.duration = 3 * 3600;
    c.deployment.autoscaling = { ...c.deployment.autoscaling, min_replica: 1, max_replica: 5, scale_down_delay: 300 };
    c.deployment.startup = {
      schedule: { dist: 'uniform', min: 5, max: 20 },
      image_pull: { dist: 'lognormal', median: 30, sigma: 0.5 },
      load: { dist: 'exponential', mean: 40 },
      load_failure_probability: 0.1,
    };
    c.deployment.runtime.health_checks.stop_traffic_threshold_seconds = 60;
    c.deployment.runtime.health_checks.restart_threshold_seconds = 120;
    c.deployment.is_healthy = { rule: 'error_window', threshold: 3, window: 60 };
    c.deployment.service_time = { dist: 'lognormal', median: 1, sigma: 0.6 };
    c.assumptions.probe_phase = 'random';
    c.traffic = [
      { kind: 'diurnal', mean: 1.5, amplitude: 1, period: 3600, peak_at: 1200, start: 0, end: null },
      { kind: 'burst', at: 4000, duration: 300, rate: 6, start: 0, end: null },
    ];
    c.faults = [
      { kind: 'error_rate', at: 600, mtbf: 1800, duration: 120, probability: 0.5, factor: 1, after: 0, replica: { kind: 'random' } },
      { kind: 'cuda_error', at: 2000, mtbf: null, duration: null, probability: 0, factor: 1, after: 0, replica: { kind: 'fraction', fraction: 0.5 } },
      { kind: 'crash', at: 5000, mtbf: 2400, duration: null, probability: 0, factor: 1, after: 0, replica: { kind: 'random' } },
    ];
    c.output.requests = true;
    change(c);
  });
}

describe('determinism', () => {
  it('the same scenario and seed give identical records', () => {
    const a = runCollect(busy());
    const b = runCollect(busy());
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(a.summary.health.faults.length).toBeGreaterThan(2); // the run exercises faults, restarts, scaling
    expect(a.summary.replicas.restarts).toBeGreaterThan(0);
  });

  it('another seed gives another run', () => {
    expect(runCollect(busy((c) => (c.seed = 12))).summary.requests.arrived).not.toBe(runCollect(busy()).summary.requests.arrived);
  });

  it('changing a health threshold or the autoscaler does not change the arrival sequence (common random numbers)', () => {
    const arrivals = (c: Config) => runCollect(c).requests.map((r) => r.arrival).sort((x, y) => x - y);
    const base = arrivals(busy());
    expect(arrivals(busy((c) => (c.deployment.runtime.health_checks.stop_traffic_threshold_seconds = 30)))).toEqual(base);
    expect(arrivals(busy((c) => (c.deployment.runtime.health_checks.restart_threshold_seconds = 600)))).toEqual(base);
    expect(arrivals(busy((c) => (c.deployment.autoscaling.scale_down_delay = 0)))).toEqual(base);
  });
});
