import { describe, expect, it } from 'vitest';
import { defaultsLints, lateFaultLints, overloadLint, slowLoadLint, survival } from '../src/scenario/lints.js';
import { config, runCollect } from './helpers/run-model.js';

/** A cold 2025 deployment with a 60 s restart threshold and no delay: the restart check kills at 50 s (6 checks at 0, 10, ..., 50). */
const cold2025 = (load: Parameters<typeof survival>[0], delay = 0) =>
  config((c) => {
    c.platform = 'baseten-2025';
    c.deployment.runtime.health_checks.restart_threshold_seconds = 60;
    c.deployment.runtime.health_checks.restart_check_delay_seconds = delay;
    c.deployment.startup.load = load;
  });

describe('lint: a load the health checks kill before it finishes', () => {
  it('a 4–6 min load with a 60 s restart threshold and no delay is a certain crash loop, with the delay that fixes it', () => {
    const lint = slowLoadLint(cold2025({ dist: 'uniform', min: 240, max: 360 }));
    // p99 = 240 + 0.99 × 120 = 358.8 s; the kill comes at 50 s + delay: a delay of 310 s reaches 360 s.
    // Or more checks: 0 + (n − 1) × 10 ≥ 358.8 needs n = 37 checks, a 370 s threshold.
    expect(lint).toEqual({
      path: ['deployment', 'startup', 'load'],
      message:
        'under baseten-2025 checks fail while load() runs, so the restart check kills a container still loading at 50 s after it starts (delay 0 s + 5 × 10 s); ' +
        'every load takes longer: a certain crash loop (each restart loads again). Raise deployment.runtime.health_checks.restart_check_delay_seconds to at least 310 s, ' +
        'or restart_threshold_seconds to at least 370 s (which also restarts a hung replica later) (the load\'s p99 is 5m 59s)',
    });
  });

  it('the lint tells the truth: the run it warns about restarts every replica over and over, and the fix it names does not', () => {
    const broken = cold2025({ dist: 'uniform', min: 240, max: 360 });
    broken.duration = 3600;
    broken.traffic = [{ kind: 'poisson', rate: 0.2, start: 0, end: null }];
    const s = runCollect(broken).summary;
    expect(s.availability).toBe(0);
    expect(s.replicas.restarts).toBeGreaterThan(10); // every ~50 s of load, then CrashLoopBackOff waits up to 300 s
    const fixed = cold2025({ dist: 'uniform', min: 240, max: 360 }, 310);
    fixed.duration = 3600;
    fixed.traffic = broken.traffic;
    expect(slowLoadLint(fixed)).toBeNull();
    expect(runCollect(fixed).summary.replicas.restarts).toBe(0);
  });

  it('both fixes name values that work: the 370 s threshold holds too; a constant 300 s load needs 310 s (the check at 300 s comes as it ends)', () => {
    const viaThreshold = cold2025({ dist: 'uniform', min: 240, max: 360 });
    viaThreshold.deployment.runtime.health_checks.restart_threshold_seconds = 370;
    expect(slowLoadLint(viaThreshold)).toBeNull();
    expect(slowLoadLint(cold2025({ dist: 'constant', value: 300 }))!.message).toMatch(
      /restart_check_delay_seconds to at least 250 s, or restart_threshold_seconds to at least 310 s \(which also restarts a hung replica later\) \(the load takes 5m\)$/,
    );
    // Beyond the 2025 cap (delay + threshold ≤ 1800 s) only the delay is offered.
    const long = cold2025({ dist: 'constant', value: 1795 }); // needs a 1810 s threshold
    expect(slowLoadLint(long)!.message).not.toContain('or restart_threshold_seconds');
  });

  it('a load that only sometimes outlasts the check says how often: lognormal median 40 s, p99 120 s against 50 s', () => {
    // sigma = ln(3) / 2.3263 = 0.4723; P(X > 50) = 1 − Φ(ln(1.25) / 0.4723) = 1 − Φ(0.4725) = 0.318
    const sigma = Math.log(3) / 2.3263478740408408;
    expect(survival({ dist: 'lognormal', median: 40, sigma }, 50)).toBeCloseTo(0.3183, 3);
    expect(slowLoadLint(cold2025({ dist: 'lognormal', median: 40, sigma }))!.message).toContain('32 % of loads take longer and are killed mid-load, then loaded again');
  });

  it('no lint when the delay covers the load (60–90 s load, 120 s delay: killed only after 170 s), or with exponential tails below 1 %', () => {
    expect(slowLoadLint(cold2025({ dist: 'uniform', min: 60, max: 90 }, 120))).toBeNull();
    // P(exp(mean 10) > 50) = e^-5 = 0.0067 < 1 %
    expect(survival({ dist: 'exponential', mean: 10 }, 50)).toBeCloseTo(Math.exp(-5), 12);
    expect(slowLoadLint(cold2025({ dist: 'exponential', mean: 10 }))).toBeNull();
  });

  it('baseten-2026: the startup threshold bounds the load; 30 min by default, so a 5 min load is fine and a 60 s threshold is not', () => {
    const c = cold2025({ dist: 'constant', value: 300 });
    c.platform = 'baseten-2026';
    c.deployment.runtime.health_checks.startup_threshold_seconds = 1800;
    expect(slowLoadLint(c)).toBeNull();
    c.deployment.runtime.health_checks.startup_threshold_seconds = 60;
    // 6 startup checks at 0..50 s; a 300 s load needs (300 − 0) / 10 + 1 = 31 checks: 310 s.
    expect(slowLoadLint(c)!.message).toBe(
      'the startup probe restarts a container still loading at 50 s after it starts (6 failed checks of 10 s); every load takes longer: a certain crash loop (each restart loads again). ' +
        "Raise deployment.runtime.health_checks.startup_threshold_seconds to at least 310 s (the load takes 5m)",
    );
  });
});

describe('lint: a fault that can never fire', () => {
  it('a fault at or after the end of the run is named; one before it is not', () => {
    const c = config((x) => {
      x.duration = 3600;
      x.faults = [
        { kind: 'crash', at: 3599, mtbf: null, duration: null, probability: 0, factor: 1, after: 0, replica: { kind: 'all' } },
        { kind: 'hang', at: 3600, mtbf: null, duration: null, probability: 0, factor: 1, after: 0, replica: { kind: 'all' } },
      ];
    });
    expect(lateFaultLints(c)).toEqual([{ path: ['faults', 1, 'at'], message: 'hang at 1h is at or after the end of the run (1h): it never fires' }]);
  });
});

describe('lint: offered load above what max_replica can serve (Little\'s law)', () => {
  const loaded = (rate: number, change: (c: ReturnType<typeof config>) => void = () => undefined) =>
    config((c) => {
      c.duration = 3600;
      c.deployment.service_time = { dist: 'constant', value: 1 };
      c.deployment.autoscaling = { ...c.deployment.autoscaling, max_replica: 2 };
      c.traffic = [{ kind: 'poisson', rate, start: 0, end: null }];
      change(c);
    });

  it('5 req/s of 1 s requests need 5 in service; 2 replicas of concurrency 1 serve 2: overloaded, raise max_replica to 5', () => {
    expect(overloadLint(loaded(5))).toEqual({
      path: ['deployment', 'autoscaling', 'max_replica'],
      message:
        'overloaded: the traffic averages 5 req/s, but max_replica 2 × predict_concurrency 1 serve at most 2 requests at once, about 2 req/s at the mean service time of 1 s; ' +
        'the queue grows for the whole run. To serve it, raise deployment.autoscaling.max_replica to at least 5, or set request.max_queue to shed what cannot be served',
    });
  });

  it('predict_concurrency 8 does not help when concurrency_target is 1: the router sends each replica one request at a time', () => {
    const c = loaded(3, (x) => (x.deployment.runtime.predict_concurrency = 8)); // 3 in service against 2 × 1
    expect(overloadLint(c)!.message).toContain('max_replica 2 × concurrency_target 1 (the router sends a replica no more, whatever predict_concurrency 8 allows) serve at most 2 requests at once');
    c.traffic = [{ kind: 'poisson', rate: 5, start: 0, end: null }];
    c.deployment.autoscaling.concurrency_target = 8;
    expect(overloadLint(c)).toBeNull(); // 5 in service against 2 × 8 = 16
  });

  it('a burst above capacity is overloaded at the peak only; 1.5 req/s is not overloaded at all', () => {
    const burst = loaded(1, (c) => c.traffic.push({ kind: 'burst', at: 600, duration: 60, rate: 4, start: 0, end: null }));
    expect(overloadLint(burst)!.message).toMatch(/^overloaded at the peak: the traffic reaches 5 req\/s, but .* raise deployment\.autoscaling\.max_replica to at least 5,/);
    expect(overloadLint(loaded(1.5))).toBeNull();
  });
});

describe('lint: defaults a user probably did not mean', () => {
  it('cold starts with startup unset, and service_time unset, are named; written keys are not', () => {
    const c = config((x) => (x.deployment.initial_state = 'cold'));
    expect(defaultsLints(c, () => false).map((l) => l.message.split(':')[0])).toEqual(['deployment.startup is not set', 'deployment.service_time is not set']);
    expect(defaultsLints(c, () => true)).toEqual([]);
  });

  it('a warm deployment that never starts a container again needs no startup times', () => {
    const c = config((x) => {
      x.deployment.initial_state = 'warm';
      x.deployment.autoscaling = { ...x.deployment.autoscaling, min_replica: 1, max_replica: 1 };
    });
    expect(defaultsLints(c, (p) => p.join('.') === 'deployment.service_time')).toEqual([]);
  });
});
