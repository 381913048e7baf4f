/**
 * Sweeping a chain (SPEC §12, issue 12): a metric per chainlet (`LLM.cost`) and the chain's
 * (`chain.cost`) beside the top-level ones, health folded per chainlet, --require/--minimize on them
 * with a clear error for a typo, single-deployment outputs unchanged; and the scenarios of
 * scenarios/chains/ (retries, wrong-tier, cost-split) showing what their comments claim.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChainSummary, EventRow } from '../src/model/summary.js';
import { simulate } from '../src/run.js';
import { loadScenario } from '../src/scenario/load.js';
import { ChainHealthFold, isMissedFault } from '../src/sweep/health.js';
import { CHAIN_METRICS, metricKeysFor, metricProblem, METRICS } from '../src/sweep/metrics.js';
import { parseRequirement } from '../src/sweep/requirements.js';
import { inlineExecutor } from '../src/sweep/run-pool.js';
import { configAt, defaultLoader, runOutcome } from '../src/sweep/simulator.js';
import type { SweepIo } from '../src/sweep/io.js';
import { runSweep, type SweepOptions } from '../src/sweep/sweep.js';

const root = mkdtempSync(join(tmpdir(), 'chain-sweep-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const RETRIES = 'scenarios/chains/retries.yaml';
const WRONG_TIER = 'scenarios/chains/wrong-tier.yaml';
const COST_SPLIT = 'scenarios/chains/cost-split.yaml';
const RETRY_KEY = 'chain.chainlets.Search.depends.Ranker.retries';

function quietIo(): SweepIo & { errText: () => string; outText: () => string } {
  let err = '';
  let out = '';
  return {
    out: (t) => void (out += t),
    err: (t) => void (err += t + '\n'),
    errStream: { write: () => true } as unknown as NodeJS.WritableStream,
    errText: () => err,
    outText: () => out,
  };
}

const deps = { load: defaultLoader, executor: () => inlineExecutor((t) => runOutcome(defaultLoader, t)), env: {} };

function opts(over: Partial<SweepOptions>): SweepOptions {
  return { command: 'sweep', files: [RETRIES], vary: [`${RETRY_KEY}=1,3`], seeds: '4', firstSeed: '1', workers: '1', out: null, shard: null, require: [], minimize: null, ...over };
}

/** A CSV without quoted commas (ours: numbers and plain labels) as rows of {column → cell}. */
function csv(path: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const cols = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((c, i) => [cols[i]!, c])));
}

describe('chain metrics', () => {
  it('names: the top-level ones, chain.*, then each chainlet’s; a single deployment has the top-level ones only', () => {
    expect(metricKeysFor([])).toEqual([...METRICS]);
    const keys = metricKeysFor(['RAG', 'LLM']);
    expect(keys.slice(0, METRICS.length)).toEqual([...METRICS]);
    expect(keys).toContain('chain.cost');
    expect(keys).toContain('chain.failed_requests');
    expect(keys).toContain('chain.availability');
    expect(keys).toContain('LLM.mid_load_kills');
    expect(keys).toContain('RAG.traffic_stops');
    expect(keys).toHaveLength(METRICS.length + CHAIN_METRICS.length + 2 * METRICS.length);
  });

  it('a typo names what is allowed; a chainlet metric outside a chain says so', () => {
    expect(metricProblem('LLM.availability', ['RAG', 'LLM'])).toBeNull();
    expect(metricProblem('chain.cost', ['RAG', 'LLM'])).toBeNull();
    expect(metricProblem('LMM.availability', ['RAG', 'LLM'])).toMatch(/NAME\.<any of the first> for NAME one of RAG, LLM/);
    expect(metricProblem('chain.queue_wait_mean_s', ['RAG', 'LLM'])).toMatch(/chain\.arrived, chain\.failed_requests/);
    expect(metricProblem('LLM.cost', [])).toMatch(/only in a chain scenario/);
    expect(() => parseRequirement('LLM.availabilty>=0.99')).toThrow(/found metric LLM\.availabilty, allowed arrived, .*<chainlet>\.<any of the first>/);
    expect(parseRequirement('LLM.availability>=0.99')).toMatchObject({ metric: 'LLM.availability', op: '>=', value: 0.99 });
  });

  it('a cost-split run: chain.cost = top-level cost = the sum of the chainlets’ costs; top-level requests are the entrypoint’s', async () => {
    const { metrics: m } = await runOutcome(defaultLoader, { file: COST_SPLIT, overrides: [], seed: 1 });
    const sum = (m['Gateway.cost'] ?? 0) + (m['Retriever.cost'] ?? 0) + (m['Generator.cost'] ?? 0);
    expect(m['chain.cost']).toBeCloseTo(sum, 6);
    expect(m.cost).toBe(m['chain.cost']);
    expect(m.failed_requests).toBe(m['Gateway.failed_requests']);
    expect(m['chain.arrived']).toBe(m['Gateway.arrived']);
    expect(m['chain.restarts']).toBe((m['Gateway.restarts'] ?? 0) + (m['Retriever.restarts'] ?? 0) + (m['Generator.restarts'] ?? 0));
    for (const k of ['mid_load_kills', 'restart_streak_max', 'faults_missed', 'latency_all_p99_s']) {
      for (const n of ['Gateway', 'Retriever', 'Generator']) expect(m[`${n}.${k}`], `${n}.${k}`).not.toBeUndefined();
    }
  });

  it('health is folded per chainlet: replica 0 of one chainlet is not replica 0 of another', () => {
    const fold = new ChainHealthFold('A', ['A', 'B']);
    const ev = (chainlet: string, event: EventRow['event'], extra: Partial<EventRow> = {}): void =>
      fold.sinks.event!({ t: 1, replica: 0, event, from: null, to: null, detail: '', chainlet, ...extra });
    ev('B', 'state', { to: 'loading' });
    ev('A', 'state', { to: 'ready' });
    ev('B', 'restart', { detail: 'cause=startup' });
    ev('B', 'restart', { detail: 'cause=startup' });
    const h = fold.metrics({ A: [], B: ['fault crash at 10m: replica 3 does not exist at that time; nothing happened'] });
    expect(h.get('B')).toMatchObject({ mid_load_kills: 2, restart_streak_max: 2, faults_missed: 1 });
    expect(h.get('A')).toMatchObject({ mid_load_kills: 0, restart_streak_max: 0, faults_missed: 0 });
    // A chain's summary prefixes each chainlet's warnings with its name: still a missed fault.
    expect(isMissedFault('B: fault crash at 10m: replica 3 does not exist at that time; nothing happened')).toBe(true);
  });

  it('a chainlet key as --set writes it is read back from the resolved config (labels of a chain sweep)', async () => {
    const { config } = await loadScenario(RETRIES, { overrides: [`${RETRY_KEY}=3`, 'chain.chainlets.Ranker.autoscaling.max_replica=3'] });
    expect(configAt(config, RETRY_KEY)).toBe(3);
    expect(configAt(config, 'chain.chainlets.Ranker.autoscaling.max_replica')).toBe(3);
    expect(configAt(config, 'chain.chainlets.Nope.autoscaling.max_replica')).toBeUndefined();
    expect(configAt(config, 'chain.entrypoint')).toBe('Search');
  });
});

describe('scenarios/chains/retries.yaml: retries 1 vs 3 on a flaky dependency', () => {
  const out = join(root, 'retries');
  let code = -1;
  const io = quietIo();

  it('sweeps with --require on a chainlet metric and --minimize chain.cost', async () => {
    code = await runSweep(opts({ out, require: ['Search.availability>=0.98'], minimize: 'chain.cost' }), io, deps);
    expect(io.errText()).not.toMatch(/not in the resolved config/);
    expect(code).toBe(0);
  });

  it('results.csv and comparison.csv have the chain’s and each chainlet’s columns, labelled by what ran', () => {
    const results = csv(join(out, 'results.csv'));
    expect(Object.keys(results[0]!)).toEqual(['variant', RETRY_KEY, 'seed', ...metricKeysFor(['Search', 'Ranker']), 'warnings']);
    expect(results.map((r) => r[RETRY_KEY])).toEqual(['1', '1', '1', '1', '3', '3', '3', '3']);
    const metrics = new Set(csv(join(out, 'comparison.csv')).map((r) => r.metric));
    for (const k of ['chain.cost', 'chain.failed_requests', 'Ranker.arrived', 'Search.availability', 'Ranker.mid_load_kills']) expect(metrics.has(k), k).toBe(true);
  });

  it('more attempts at Ranker, fewer failed Search requests, more Ranker failures; the cost does not move (fixed replicas)', () => {
    const rows = csv(join(out, 'comparison.csv'));
    const at = (variant: string, metric: string) => rows.find((r) => r.variant === variant && r.metric === metric)!;
    // Paired differences (retries 3 − retries 1) whose 95 % interval excludes 0.
    expect(Number(at('1', 'failed_requests').diff_ci_high)).toBeLessThan(0);
    expect(Number(at('1', 'chain.failed_requests').diff_ci_high)).toBeLessThan(0);
    expect(Number(at('1', 'Ranker.arrived').diff_ci_low)).toBeGreaterThan(0);
    expect(Number(at('1', 'Ranker.failed_requests').diff_ci_low)).toBeGreaterThan(0);
    expect(Number(at('1', 'Search.arrived').diff)).toBe(0); // common random numbers: same arrivals
    expect(Number(at('1', 'chain.cost').diff)).toBe(0);
    // About 1 in 5 requests fails during the fault with one attempt, about 1 in 125 with three.
    const during = Number(at('0', 'arrived').mean) * (20 / 30);
    expect(Number(at('0', 'failed_requests').mean) / during).toBeGreaterThan(0.15);
    expect(Number(at('0', 'failed_requests').mean) / during).toBeLessThan(0.25);
    expect(Number(at('1', 'failed_requests').mean) / during).toBeLessThan(0.02);
    // Each retry is one more Ranker arrival: ~0.2 + 0.04 more per call during the fault.
    expect(Number(at('1', 'Ranker.arrived').diff) / during).toBeGreaterThan(0.2);
    expect(Number(at('1', 'Ranker.arrived').diff) / during).toBeLessThan(0.28);
  });

  it('the recommendation reads the chainlet requirement and the chain defaults', () => {
    expect(io.outText()).toMatch(/best: variant 1 \(retries=3\); lowest mean chain\.cost .*meets Search\.availability>=0\.98 with 95 % confidence; no mid-load kill and no missed fault in any chainlet in any seed/);
    expect(io.outText()).toMatch(/^Ranker\.arrived +\d/m);
  });

  it('a typo in a chainlet name or a chain metric exits 2 naming the allowed metrics, before any run', async () => {
    const bad = quietIo();
    const dir = join(root, 'typo');
    // A name no chain has (chain.costs) is refused with the arguments; a chainlet the scenario lacks once it is loaded.
    expect(await runSweep(opts({ out: dir, minimize: 'chain.costs' }), bad, deps)).toBe(2);
    expect(bad.errText()).toMatch(/^--minimize chain\.costs: found chain\.costs, allowed arrived, .*in a chain also chain\.<arrived\|failed_requests\|/);
    const typo = quietIo();
    expect(await runSweep(opts({ out: dir, require: ['Rankr.availability>=0.9'] }), typo, deps)).toBe(2);
    expect(typo.errText()).toMatch(/^--require Rankr\.availability>=0\.9: found metric Rankr\.availability, allowed arrived, .*; chain\.arrived, .*; and NAME\.<any of the first> for NAME one of Search, Ranker \(e\.g\. Ranker\.availability\) \(did you mean `Ranker\.availability`\?\)$/m);
    expect(existsSync(dir)).toBe(false);
    const single = quietIo();
    const r = await runSweep(
      opts({ files: ['scenarios/steady-warm.yaml'], vary: ['deployment.autoscaling.scale_down_delay=60,120'], out: join(root, 'single'), require: ['LLM.cost<=1'] }),
      single,
      deps,
    );
    expect(r).toBe(2);
    expect(single.errText()).toMatch(/--require LLM\.cost<=1: found metric LLM\.cost, allowed .*only in a chain scenario/);
  });
});

describe('scenarios/chains/wrong-tier.yaml: a slow dependency scales its caller', () => {
  async function run(seed: number, overrides: string[] = []): Promise<{ s: ChainSummary; scaleUps: string[] }> {
    const { config } = await loadScenario(WRONG_TIER, { overrides, seed });
    const scaleUps: string[] = [];
    const s = simulate(config, { event: (e) => void (e.event === 'scale_up' && scaleUps.push(`${e.chainlet}@${e.t}`)) }) as ChainSummary;
    return { s, scaleUps };
  }

  for (const seed of [5, 1, 2]) {
    it(`seed ${seed}: Frontend scales up to its max from 10m, Model stays at 2; without the fault neither scales`, async () => {
      const { s, scaleUps } = await run(seed);
      expect(s.chainlets.Frontend!.replicas.peak).toBe(8);
      expect(s.chainlets.Model!.replicas.peak).toBe(2);
      expect(scaleUps.length).toBeGreaterThan(0);
      expect(scaleUps.every((x) => x.startsWith('Frontend@'))).toBe(true);
      expect(Math.min(...scaleUps.map((x) => Number(x.split('@')[1])))).toBeGreaterThanOrEqual(600);
      expect(Math.min(...scaleUps.map((x) => Number(x.split('@')[1])))).toBeLessThanOrEqual(660); // within half a minute or so
      const calm = await run(seed, ['faults=[]']);
      expect(calm.s.chainlets.Frontend!.replicas.peak).toBe(2);
      expect(calm.s.chainlets.Model!.replicas.peak).toBe(2);
    });
  }

  it('with Model’s concurrency_target 8 Model scales too, after Frontend', async () => {
    const { s, scaleUps } = await run(5, ['chain.chainlets.Model.autoscaling.concurrency_target=8']);
    expect(s.chainlets.Model!.replicas.peak).toBeGreaterThan(2);
    const first = (n: string) => Math.min(...scaleUps.filter((x) => x.startsWith(`${n}@`)).map((x) => Number(x.split('@')[1])));
    expect(first('Frontend')).toBeLessThan(first('Model'));
  });
});

describe('scenarios/chains/cost-split.yaml: the cost per chainlet', () => {
  it('the chainlet costs add up to the chain’s; the H100 Generator is over 90 % of it; every request succeeds', async () => {
    const { config } = await loadScenario(COST_SPLIT, {});
    const s = simulate(config) as ChainSummary;
    const costs = Object.fromEntries(Object.entries(s.chainlets).map(([n, c]) => [n, c.billing.cost]));
    const total = Object.values(costs).reduce((a, b) => a + b, 0);
    expect(s.chain.billing.cost).toBeCloseTo(total, 6);
    expect(s.billing.cost).toBeCloseTo(total, 6);
    expect(costs.Generator! / total).toBeGreaterThan(0.9);
    expect(costs.Gateway!).toBeLessThan(costs.Retriever!);
    expect(s.chainlets.Gateway!.replicas.peak).toBe(s.chainlets.Generator!.replicas.peak);
    expect(s.availability).toBe(1);
  });
});
