/**
 * The world of a Chain (SPEC §12): one service per chainlet on one clock, the entrypoint fed by
 * the traffic, each chainlet's calls going to its callees' routers. Every chainlet draws from its
 * own streams (`service/<name>`, `startup/<name>`, ...; faults keep their index in the file), so
 * changing one chainlet's settings changes no other chainlet's draws, and only the entrypoint's
 * traffic draws arrivals (common random numbers).
 */
import { inPlaceDraws, type WorldDraws } from './draw-ahead/world-draws.js';
import { stream } from './engine/random.js';
import type { Simulation } from './engine/simulation.js';
import { startTraffic } from './traffic-sources.js';
import { CallSlots } from './model/chain/calls.js';
import { dependsOf, type Chainlet } from './model/chain/chain-config.js';
import { WorkDrawer } from './model/chain/work.js';
import type { Config } from './model/config.js';
import { sampler, type Sampler } from './model/distributions.js';
import { DECISION, SAMPLE } from './model/priorities.js';
import { Service } from './model/service.js';
import type { ChainSummary, Sinks, Summary } from './model/summary.js';

export interface World {
  finish(): Summary;
}

/** The config one chainlet's service sees: its deployment, its faults, the run's everything else. */
export function chainletConfig(config: Config, c: Chainlet): Config {
  return { ...config, chain: null, name: c.name, deployment: c.deployment, faults: config.faults.filter((f) => f.chainlet === c.name) };
}

/** Every row of a chainlet's outputs carries its name. */
function chainletSinks(sinks: Sinks, name: string): Sinks {
  return {
    event: sinks.event ? (r) => sinks.event!({ ...r, chainlet: name }) : undefined,
    sample: sinks.sample ? (r) => sinks.sample!({ ...r, chainlet: name }) : undefined,
    request: sinks.request ? (r) => sinks.request!({ ...r, chainlet: name, parent: r.parent ?? '' }) : undefined,
    // One clock for every chainlet: their entries arrive already merged in time order.
    log: sinks.log ? (e) => sinks.log!({ ...e, chainlet: name }) : undefined,
  };
}

export function buildChainWorld(sim: Simulation, config: Config, sinks: Sinks, draws: WorldDraws = inPlaceDraws(config)): World {
  const chain = config.chain!;
  const seed = config.seed;
  const byName = new Map(chain.chainlets.map((c) => [c.name, c]));
  // The global index of each fault, so a chainlet's fault keeps its stream `faults/<i>`.
  const faultIndex = new Map(config.faults.map((f, i) => [f, i]));
  const services = new Map<string, Service>();
  for (const c of chain.chainlets) {
    const cfg = chainletConfig(config, c);
    const rng = (purpose: string) => {
      const m = /^faults\/(\d+)$/.exec(purpose);
      return m ? stream(seed, `faults/${faultIndex.get(cfg.faults[Number(m[1])]!)}`) : stream(seed, `${purpose}/${c.name}`);
    };
    services.set(c.name, new Service({ sim, config: cfg, sinks: chainletSinks(sinks, c.name), rng }));
  }
  const samplers = new Map<string, { service: Sampler; steps: (Sampler | null)[] }>();
  for (const c of chain.chainlets) {
    const rng = stream(seed, `service/${c.name}`); // the chainlet's service stream (SPEC §1); its Service's own copy stays unused
    samplers.set(c.name, {
      service: sampler(c.deployment.service_time, rng),
      steps: (c.steps ?? []).map((s) => (s.kind === 'compute' ? sampler(s.time, rng) : null)),
    });
  }
  const drawer = new WorkDrawer(byName, samplers);
  const slots = new CallSlots();
  for (const c of chain.chainlets) {
    services.get(c.name)!.joinChain({
      name: c.name,
      slots,
      callee: (n) => services.get(n)!,
      depends: (n) => dependsOf(c, n),
      drawWork: c.name === chain.entrypoint ? (t) => drawer.draw(chain.entrypoint, t) : undefined,
    });
  }
  const all = [...services.values()];
  for (const s of all) s.start();
  const entry = services.get(chain.entrypoint)!;
  startTraffic(sim, config, entry, (tr, i) => draws.arrivals(tr, i));
  for (const s of all) s.startFaults();
  const interval = config.assumptions.autoscaler_interval;
  sim.repeat(interval, interval, () => {
    for (const s of all) s.autoscale();
  }, DECISION);
  const dt = config.output.sample_interval;
  sim.repeat(dt, dt, () => {
    for (const s of all) s.sample();
  }, SAMPLE);
  return { finish: () => chainSummary(config, chain.entrypoint, services) };
}

function chainSummary(config: Config, entrypoint: string, services: Map<string, Service>): ChainSummary {
  const chainlets: Record<string, Summary> = {};
  for (const [name, s] of services) chainlets[name] = s.finish();
  const e = chainlets[entrypoint]!;
  let billed = 0;
  let cost = 0;
  let notServing = 0;
  for (const s of Object.values(chainlets)) {
    billed += s.billing.billed_minutes;
    cost += s.billing.cost;
    notServing += s.billing.minutes_not_serving;
  }
  const billing = { billed_minutes: billed, cost, cost_per_1k_succeeded: e.requests.succeeded > 0 ? (cost * 1000) / e.requests.succeeded : null, minutes_not_serving: notServing };
  return {
    ...e,
    scenario: config.name,
    billing: { ...billing, price_per_minute: e.billing.price_per_minute },
    warnings: Object.entries(chainlets).flatMap(([n, s]) => s.warnings.map((w) => `${n}: ${w}`)),
    chain: { entrypoint, requests: e.requests, availability: e.availability, latency_s: e.latency_s, billing },
    chainlets,
  };
}
