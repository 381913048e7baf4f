import { describe, expect, it } from 'vitest';
import { ACCELERATOR_PRICES } from '../src/scenario/accelerators.js';
import { billedMinutes } from '../src/model/deployment.js';
import { config, runCollect } from './helpers/run-model.js';

describe('billedMinutes', () => {
  it.each([
    [0, 0],
    [1, 1],
    [60, 1],
    [60.001, 2],
    [125, 3],
    [120.0000000001, 2], // float noise from sums of event times is not a new minute
  ])('%s s → %s min', (s, m) => expect(billedMinutes(s)).toBe(m));
});

describe('billing in a run', () => {
  it('scheduling and image pull are not billed; load is: billed from container start (75 s) to the end (200 s) → 3 min', () => {
    const { summary } = runCollect(
      config((c) => {
        c.duration = 200;
        c.deployment.autoscaling = { ...c.deployment.autoscaling, min_replica: 1, max_replica: 1 };
        c.deployment.startup = { schedule: { dist: 'constant', value: 30 }, image_pull: { dist: 'constant', value: 45 }, load: { dist: 'constant', value: 50 }, load_failure_probability: 0 };
      }),
    );
    expect(summary.billing.billed_minutes).toBe(3);
    // Not routable from 75 to the first passing check after load: checks at 75, 85, …, 125; the load ends at
    // 125 (scheduled before that check), so the check at 125 passes: 50 s = 0.833 min not serving.
    expect(summary.billing.minutes_not_serving).toBeCloseTo(50 / 60, 9);
  });

  it('rounds up per replica, not on the total: two warm replicas for 61 s → 2 + 2 min, priced from the table', () => {
    const { summary } = runCollect(
      config((c) => {
        c.duration = 61;
        c.deployment.initial_state = 'warm';
        c.deployment.autoscaling = { ...c.deployment.autoscaling, min_replica: 2, max_replica: 2 };
        c.deployment.instance = { type: 'A10G', count: 1, price_per_minute: ACCELERATOR_PRICES.A10G! };
      }),
    );
    expect(summary.billing.billed_minutes).toBe(4);
    expect(summary.billing.cost).toBeCloseTo(4 * 0.02012, 12);
  });

  it('a replica removed before its container started is never billed', () => {
    // Scale-down delay 0: at the first decision (10 s) the idle deployment drops its replica while it is still pulling.
    const { summary, events } = runCollect(
      config((c) => {
        c.duration = 300;
        c.deployment.autoscaling = { ...c.deployment.autoscaling, min_replica: 0, max_replica: 1, scale_down_delay: 0 };
        c.deployment.startup.image_pull = { dist: 'constant', value: 60 };
      }),
    );
    expect(events.filter((e) => e.event === 'state').map((e) => `${e.t} ${e.to}`)).toEqual(['0 scheduling', '0 pulling', '10 terminating', '10 terminated']);
    expect(summary.billing.billed_minutes).toBe(0);
  });

  it('back-off between restarts and failing checks are billed', () => {
    // Every container crashes 30 s after start: the replica is never routable, yet billed the whole run.
    const { summary } = runCollect(
      config((c) => {
        c.duration = 600;
        c.deployment.initial_state = 'warm';
        c.deployment.autoscaling = { ...c.deployment.autoscaling, min_replica: 1, max_replica: 1 };
        c.faults = [{ kind: 'crash_loop', at: 0, mtbf: null, duration: null, probability: 0, factor: 1, after: 30, replica: { kind: 'all' } }];
      }),
    );
    expect(summary.billing.billed_minutes).toBe(10);
  });

  it('development deployments are billed under baseten-2025 and not under baseten-2026', () => {
    const dev = (platform: 'baseten-2025' | 'baseten-2026') =>
      runCollect(
        config((c) => {
          c.platform = platform;
          c.duration = 120;
          c.deployment.environment = 'development';
          c.deployment.initial_state = 'warm';
          c.deployment.autoscaling = { ...c.deployment.autoscaling, min_replica: 0, max_replica: 1 };
          if (platform === 'baseten-2026') c.deployment.runtime.health_checks.startup_threshold_seconds = 1800;
        }),
      ).summary.billing;
    expect(dev('baseten-2025').billed_minutes).toBe(2);
    expect(dev('baseten-2026')).toMatchObject({ billed_minutes: 0, cost: 0 });
  });
});
