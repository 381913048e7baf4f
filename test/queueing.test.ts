import { describe, expect, it } from 'vitest';
import type { Config } from '../src/model/config.js';
import { config, runCollect } from './helpers/run-model.js';

/**
 * The simulator against queueing theory. With concurrency_target 1 and one
 * FIFO router queue, warm fixed replicas form an M/M/c queue (Poisson
 * arrivals, exponential service, c servers).
 */

/** Erlang C: probability that an arrival waits, for c servers at offered load a = λ/μ. */
function erlangC(c: number, a: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 1; k < c; k++) {
    term *= a / k;
    sum += term;
  }
  const last = (term * a) / c; // a^c / c!
  const rho = a / c;
  const top = last / (1 - rho);
  return top / (sum + top);
}

/** Mean sojourn time of M/M/c: W = C(c, a) / (cμ − λ) + 1/μ. */
function mmcSojourn(c: number, lambda: number, mu: number): number {
  return erlangC(c, lambda / mu) / (c * mu - lambda) + 1 / mu;
}

function mmc(c: number, lambda: number, hours: number, seed = 7): Config {
  return config((cfg) => {
    cfg.seed = seed;
    cfg.duration = hours * 3600;
    cfg.deployment.initial_state = 'warm';
    cfg.deployment.autoscaling.min_replica = c;
    cfg.deployment.autoscaling.max_replica = c;
    cfg.deployment.service_time = { dist: 'exponential', mean: 1 };
    cfg.traffic = [{ kind: 'poisson', rate: lambda, start: 0, end: null }];
    cfg.output.sample_interval = 1;
    cfg.output.requests = true;
  });
}

describe('queueing theory', () => {
  it('Erlang C helper matches a textbook value (c = 2, a = 1: C = 1/3)', () => {
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 12);
  });

  it('M/M/1 at ρ = 0.5: mean sojourn 1/(μ − λ) = 2 s', () => {
    // ~180,000 requests. The sample mean of M/M/1 waiting times at ρ = 0.5 has an
    // asymptotic variance of about 29/n (Whitt's formula ρ(2+5ρ−4ρ²+ρ³)/(1−ρ)⁴),
    // so its standard error here is ~0.013 s; 0.06 s (3 %) is over 4 standard errors.
    const { summary } = runCollect(mmc(1, 0.5, 100));
    expect(summary.requests.arrived).toBeGreaterThan(170_000);
    expect(summary.latency_s.mean!).toBeGreaterThan(2 - 0.06);
    expect(summary.latency_s.mean!).toBeLessThan(2 + 0.06);
    // Waiting time in queue: ρ/(μ − λ) = 1 s.
    expect(Math.abs(summary.queue_wait_s.mean! - 1)).toBeLessThan(0.06);
  });

  it('M/M/3 at ρ = 2/3: mean sojourn from Erlang C', () => {
    const expected = mmcSojourn(3, 2, 1); // 1.4444 s
    const { summary } = runCollect(mmc(3, 2, 30));
    // ~216,000 requests; the queueing part (0.44 s) is the noisy one, its standard error ≈ 0.01 s.
    expect(Math.abs(summary.latency_s.mean! - expected) / expected).toBeLessThan(0.025);
  });

  it('M/M/10 at ρ = 0.9 (the benchmark queue): mean sojourn from Erlang C, by independent replications', () => {
    // At ρ = 0.9 successive waits are strongly correlated, so the error bound comes
    // from the data: 6 independent seeds of 10 h (~324,000 requests each), the
    // mean of their means, and its standard error across seeds (textbook
    // independent replications). Theory must sit within 4 standard errors, and
    // the estimate must be tight enough for that to mean something (SE < 1.5 %).
    const expected = mmcSojourn(10, 9, 1); // 1.6687 s
    const means = [1, 2, 3, 4, 5, 6].map((seed) => {
      const cfg = mmc(10, 9, 10, seed);
      cfg.output.requests = false;
      return runCollect(cfg).summary.latency_s.mean!;
    });
    const m = means.reduce((a, b) => a + b, 0) / means.length;
    const sd = Math.sqrt(means.reduce((a, b) => a + (b - m) ** 2, 0) / (means.length - 1));
    const se = sd / Math.sqrt(means.length);
    expect(se / expected).toBeLessThan(0.015);
    expect(Math.abs(m - expected)).toBeLessThan(4 * se);
  });

  it.each([
    ['M/M/1', mmc(1, 0.5, 5)],
    ['M/M/3', mmc(3, 2, 5)],
    ['cold start, autoscaling, timeouts', config((c) => {
      c.duration = 4 * 3600;
      c.deployment.autoscaling = { ...c.deployment.autoscaling, min_replica: 0, max_replica: 5, scale_down_delay: 120 };
      c.deployment.startup.load = { dist: 'constant', value: 60 };
      c.deployment.service_time = { dist: 'lognormal', median: 2, sigma: 0.8 };
      c.traffic = [{ kind: 'diurnal', mean: 1, amplitude: 1, period: 3600, peak_at: 1800, start: 0, end: null }];
      c.output.sample_interval = 1;
      c.output.requests = true;
    })],
  ])("Little's law holds on the sample path: %s", (_name, cfg) => {
    // ∫ N(t) dt over [0, T] equals the time every request spent in the system up to T
    // (latency for finished ones, T − arrival for those in flight at the end).
    // The timeline samples N every second, so the integral is estimated to within
    // sampling noise; with ~10^4 samples 2 % is generous.
    const { summary, timeline, requests } = runCollect(cfg);
    const T = cfg.duration;
    let sojourn = 0;
    for (const r of requests) sojourn += (r.finished ?? T) - r.arrival;
    const area = timeline.reduce((s, row) => s + row.in_flight! * 1, 0);
    const L = area / T;
    const lambdaW = sojourn / T; // = λ̂ · Ŵ
    expect(requests.length).toBe(summary.requests.arrived);
    expect(Math.abs(L - lambdaW) / lambdaW).toBeLessThan(0.02);
  });
});
