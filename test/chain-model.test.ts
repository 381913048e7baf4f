/**
 * Chains in the model (SPEC §12), on hand-worked timelines with constant times: warm replicas,
 * routable at t = 0, one request every 5 s from t = 0 (constant traffic), so nothing queues
 * unless the case says so. A chainlet without steps serves `service_time`.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_DEPENDS, type Chainlet, type Step } from '../src/model/chain/chain-config.js';
import { type Config } from '../src/model/config.js';
import { defaultConfig } from '../src/scenario/defaults.js';
import { runCollect } from './helpers/run-model.js';

const c = (value: number) => ({ dist: 'constant' as const, value });
const compute = (s: number): Step => ({ kind: 'compute', time: c(s) });
const call = (callee: string, count = 1, parallel = false): Step => ({ kind: 'call', callee, count, parallel });

function chainlet(name: string, o: { steps?: Step[]; service?: number; replicas?: number; concurrency?: number; depends?: Chainlet['depends'] } = {}): Chainlet {
  const d = structuredClone(defaultConfig().deployment);
  d.initial_state = 'warm';
  const n = o.replicas ?? 1;
  d.autoscaling = { ...d.autoscaling, min_replica: n, max_replica: n, concurrency_target: o.concurrency ?? 1 };
  d.runtime.predict_concurrency = o.concurrency ?? 1;
  d.service_time = c(o.service ?? 1);
  return { name, deployment: d, steps: o.steps ?? null, depends: o.depends ?? {} };
}

function chain(chainlets: Chainlet[], change: (cfg: Config) => void = () => undefined): Config {
  const cfg = defaultConfig();
  cfg.duration = 60;
  cfg.chain = { entrypoint: chainlets[0]!.name, chainlets };
  cfg.deployment = chainlets[0]!.deployment;
  cfg.traffic = [{ kind: 'constant', rate: 0.2, start: 0, end: null }];
  cfg.output.requests = true;
  change(cfg);
  return cfg;
}

const rowsOf = (r: ReturnType<typeof runCollect>, name: string) => r.requests.filter((q) => q.chainlet === name);

describe('a chain on one clock', () => {
  it('2 chainlets: latency = compute + the call + compute (0.1 + 1 + 0.05 = 1.15 s); each call is one arrival at the callee', () => {
    const r = runCollect(chain([chainlet('A', { steps: [compute(0.1), call('B'), compute(0.05)] }), chainlet('B', { service: 1 })]));
    const a = rowsOf(r, 'A');
    expect(a).toHaveLength(12); // t = 0, 5, ..., 55
    for (const q of a) expect(q.latency).toBeCloseTo(1.15, 9);
    const b = rowsOf(r, 'B');
    expect(b).toHaveLength(12);
    expect(b[0]).toMatchObject({ arrival: 0.1, status: 200, latency: 1, parent: 'A/0' });
    const s = r.summary as unknown as { chain: { requests: { arrived: number } }; chainlets: Record<string, { requests: { arrived: number } }> };
    expect(s.chain.requests.arrived).toBe(12);
    expect(s.chainlets.B!.requests.arrived).toBe(12);
  });

  it('3 chainlets A → B → C: 0.1 + (0.2 + 0.5 + 0.3) = 1.1 s', () => {
    const r = runCollect(
      chain([
        chainlet('A', { steps: [compute(0.1), call('B')] }),
        chainlet('B', { steps: [compute(0.2), call('C'), compute(0.3)] }),
        chainlet('C', { service: 0.5 }),
      ]),
    );
    for (const q of rowsOf(r, 'A')) expect(q.latency).toBeCloseTo(1.1, 9);
    const c0 = rowsOf(r, 'C')[0]!;
    expect(c0.arrival).toBeCloseTo(0.3, 12);
    expect(c0).toMatchObject({ latency: 0.5, parent: 'B/0' });
  });

  it('parallel fan-out: 3 calls at once end together with 3 callee replicas (1 s), one after another with 1 (3 s)', () => {
    const fan = (replicas: number) => runCollect(chain([chainlet('A', { steps: [call('B', 3, true)] }), chainlet('B', { service: 1, replicas })]));
    for (const q of rowsOf(fan(3), 'A')) expect(q.latency).toBeCloseTo(1, 9);
    // One replica: the callee's router queues them; the step ends with the last at 3 s.
    for (const q of rowsOf(fan(1), 'A')) expect(q.latency).toBeCloseTo(3, 9);
    // Sequential calls (parallel: false) take 3 s however many replicas the callee has.
    const seq = runCollect(chain([chainlet('A', { steps: [call('B', 3, false)] }), chainlet('B', { service: 1, replicas: 3 })]));
    for (const q of rowsOf(seq, 'A')) expect(q.latency).toBeCloseTo(3, 9);
  });

  it('timeout_sec expires while the callee still works: the call fails, the caller answers 500, the callee finishes and is billed', () => {
    const r = runCollect(chain([chainlet('A', { steps: [call('B')], depends: { B: { ...DEFAULT_DEPENDS, timeout_sec: 0.5 } } }), chainlet('B', { service: 1 })]));
    const a = rowsOf(r, 'A');
    expect(a[0]).toMatchObject({ status: 500, latency: 0.5 });
    expect(rowsOf(r, 'B')[0]).toMatchObject({ status: 200, latency: 1 });
  });

  it('attempts are exactly `retries`: 3 attempts at 0, 0.5 and 1.0 s; the callee gets 3 arrivals per request and serves them one after another', () => {
    const r = runCollect(
      chain([chainlet('A', { steps: [call('B')], depends: { B: { ...DEFAULT_DEPENDS, retries: 3, timeout_sec: 0.5 } } }), chainlet('B', { service: 1 })], (cfg) => {
        cfg.duration = 5; // one request, at t = 0
      }),
    );
    expect(rowsOf(r, 'A')).toEqual([expect.objectContaining({ status: 500, latency: 1.5 })]);
    const b = rowsOf(r, 'B');
    expect(b.map((q) => q.arrival)).toEqual([0, 0.5, 1]);
    // B's one replica: the first runs 0–1, the second 1–2, the third 2–3.
    expect(b.map((q) => q.finished)).toEqual([1, 2, 3]);
  });

  it('concurrency_limit 1: the second call waits in the caller for the slot (latencies 1 and 2 s)', () => {
    const r = runCollect(
      chain([chainlet('A', { steps: [call('B')], concurrency: 2, depends: { B: { ...DEFAULT_DEPENDS, concurrency_limit: 1 } } }), chainlet('B', { service: 1, replicas: 2 })], (cfg) => {
        cfg.duration = 5;
        cfg.traffic = [
          { kind: 'constant', rate: 0.2, start: 0, end: null },
          { kind: 'constant', rate: 0.2, start: 0, end: null },
        ];
      }),
    );
    expect(rowsOf(r, 'A').map((q) => q.latency).sort()).toEqual([1, 2]);
    // The second attempt reached B only when the first ended: its queueing in the caller is not B's.
    expect(rowsOf(r, 'B').map((q) => q.arrival)).toEqual([0, 1]);
  });

  it('a failing dependency fails the caller\'s request with 500, which the caller\'s error rule counts (errors: all) or not (errors: own)', () => {
    const run = (errors: 'all' | 'own') => {
      const a = chainlet('A', { steps: [call('B')] });
      a.deployment.is_healthy = { rule: 'consecutive_errors', threshold: 1, errors };
      a.deployment.runtime.health_checks = { ...a.deployment.runtime.health_checks, stop_traffic_threshold_seconds: 30, restart_threshold_seconds: 60 };
      const b = chainlet('B', { service: 1 });
      return runCollect(
        chain([a, b], (cfg) => {
          cfg.traffic = [{ kind: 'constant', rate: 0.2, start: 1, end: null }];
          cfg.faults = [{ kind: 'cuda_error', at: 0, mtbf: null, duration: null, probability: 0, factor: 1, after: 0, replica: { kind: 'index', index: 0 }, chainlet: 'B' }];
        }),
      );
    };
    const all = run('all');
    expect(rowsOf(all, 'A')[0]).toMatchObject({ status: 500 });
    expect(all.events.some((e) => e.chainlet === 'A' && e.event === 'traffic_stopped')).toBe(true); // the cascade
    const own = run('own');
    expect(own.events.some((e) => e.chainlet === 'A' && e.event === 'traffic_stopped')).toBe(false);
  });

  it('common random numbers: changing one chainlet\'s threshold changes no arrival and no other chainlet\'s draws', () => {
    const base = (t: number) =>
      chain([chainlet('A', { steps: [compute(0.1), call('B')] }), chainlet('B', { service: 1 })], (cfg) => {
        cfg.traffic = [{ kind: 'poisson', rate: 0.5, start: 0, end: null }];
        cfg.chain!.chainlets[1]!.deployment.service_time = { dist: 'exponential', mean: 0.5 };
        cfg.chain!.chainlets[0]!.deployment.runtime.health_checks.stop_traffic_threshold_seconds = t;
      });
    const x = runCollect(base(60));
    const y = runCollect(base(30));
    expect(rowsOf(y, 'A').map((q) => q.arrival)).toEqual(rowsOf(x, 'A').map((q) => q.arrival));
    expect(rowsOf(y, 'B').map((q) => q.latency)).toEqual(rowsOf(x, 'B').map((q) => q.latency));
  });
});

describe('a chain under faults, hand-worked (SPEC §1 priorities, §12)', () => {
  it('a dependency killed mid-call: the callee\'s router retries the 503 inside the one attempt; the caller gets 200 at 15.5 s', () => {
    // B (one warm replica, 10 s of work) takes the call at 0; a crash at 5 kills it: 503, retried by
    // B's router after 0.5 s. The restart is immediate (first back-off 0), load() takes 0 s, and the
    // new container's first readiness check at 5 passes (checks run after phase ends at one instant):
    // the retry at 5.5 is served 5.5–15.5. A's call attempt never failed: A answers 200 at 15.5.
    const r = runCollect(
      chain([chainlet('A', { steps: [call('B')] }), chainlet('B', { service: 10 })], (cfg) => {
        cfg.duration = 30;
        cfg.traffic = [{ kind: 'constant', rate: 0.01, start: 0, end: null }];
        cfg.faults = [{ kind: 'crash', at: 5, mtbf: null, duration: null, probability: 0, factor: 1, after: 0, replica: { kind: 'index', index: 0 }, chainlet: 'B' }];
      }),
    );
    expect(rowsOf(r, 'A')).toEqual([expect.objectContaining({ status: 200, latency: 15.5, attempts: 1 })]);
    expect(rowsOf(r, 'B')).toEqual([expect.objectContaining({ status: 200, attempts: 2, dispatched: 5.5, finished: 15.5 })]);
  });

  it('the cascade: B\'s CUDA error at 100 makes A\'s requests fail; A\'s checks at 110, 120, 130 fail; traffic to A stops at 130; later requests park', () => {
    // One request a second from 0.5 s; B serves in 1 s, A only calls B. B's replica 0 gets a CUDA
    // error at 100 (B has no custom check: it stays routable and answers 500 after 50 ms). The
    // request of 99.5 started before the fault and succeeds at 100.5; the one of 100.5 fails at
    // 100.55, so A's consecutive_errors (threshold 1, errors: all) is unhealthy from then. A's
    // checks run at 0, 10, ...: 110, 120, 130 fail → traffic stopped at 130 (stop threshold 30 s).
    // Arrivals 100.5 … 129.5 (30) fail with 500; from 130.5 on they park in A's router (one replica,
    // no routable one, restart threshold 1800 s, timeout 600 s): 70 in flight at 200 s.
    const a = chainlet('A', { steps: [call('B')] });
    a.deployment.is_healthy = { rule: 'consecutive_errors', threshold: 1 };
    a.deployment.runtime.health_checks = { ...a.deployment.runtime.health_checks, stop_traffic_threshold_seconds: 30 };
    const r = runCollect(
      chain([a, chainlet('B', { service: 1 })], (cfg) => {
        cfg.duration = 200;
        cfg.traffic = [{ kind: 'constant', rate: 1, start: 0.5, end: null }];
        cfg.faults = [{ kind: 'cuda_error', at: 100, mtbf: null, duration: null, probability: 0, factor: 1, after: 0, replica: { kind: 'index', index: 0 }, chainlet: 'B' }];
      }),
    );
    expect(r.events.filter((e) => e.event === 'traffic_stopped')).toEqual([expect.objectContaining({ chainlet: 'A', t: 130, detail: 'failures=3' })]);
    const s = r.summary as unknown as { chainlets: Record<string, { requests: { arrived: number; succeeded: number; failed: number; in_flight_at_end: number } }> };
    expect(s.chainlets.A!.requests).toMatchObject({ arrived: 200, succeeded: 100, failed: 30, in_flight_at_end: 70 });
    // B saw only the calls A made while it was routable: 130 of them, 30 of them failed.
    expect(s.chainlets.B!.requests).toMatchObject({ arrived: 130, succeeded: 100, failed: 30 });
  });
});
