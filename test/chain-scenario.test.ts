/**
 * `chain:` in a scenario file (SPEC §12): validation with positions, --set into chainlet keys,
 * the chain's outputs (a chainlet column, summary per chainlet), and every scenario in
 * scenarios/chains/ showing what its comment claims.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChainSummary, EventRow } from '../src/model/summary.js';
import { simulate } from '../src/run.js';
import { loadScenario, loadScenarioText, ScenarioError } from '../src/scenario/load.js';
import { cli } from './helpers/cli.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'deploysim-chain-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const CHAIN = `chain:
  entrypoint: RAG
  chainlets:
    RAG:
      steps:
        - { compute: 20ms }
        - { call: LLM }
      depends:
        LLM: { retries: 3, timeout_sec: 120 }
    LLM:
      service_time: 1s
traffic: [{ kind: poisson, rate: 1 }]
`;

const messages = (text: string, overrides: string[] = []): string[] => {
  try {
    loadScenarioText(text, 'c.yaml', { overrides });
  } catch (e) {
    if (e instanceof ScenarioError) return e.messages;
    throw e;
  }
  throw new Error('expected a ScenarioError');
};

describe('chain: validation', () => {
  it('reads the chain: entrypoint, steps, depends with defaults', () => {
    const { config } = loadScenarioText(CHAIN, 'c.yaml');
    expect(config.chain!.entrypoint).toBe('RAG');
    const rag = config.chain!.chainlets[0]!;
    expect(rag.steps).toEqual([
      { kind: 'compute', time: { dist: 'constant', value: 0.02 } },
      { kind: 'call', callee: 'LLM', count: 1, parallel: false },
    ]);
    expect(rag.depends).toEqual({ LLM: { retries: 3, timeout_sec: 120, concurrency_limit: 300 } });
    expect(config.deployment).toBe(rag.deployment); // the entrypoint's, for what reads one deployment
  });

  it('a cycle is named, at the call that closes it', () => {
    const text = CHAIN.replace('      service_time: 1s', '      steps: [{ call: RAG }]');
    expect(messages(text)).toEqual([
      'c.yaml:7:19 chain.chainlets.RAG.steps.1.call: found a cycle RAG → LLM → RAG, allowed calls that never come back to a caller (the call graph of a chain is acyclic)',
    ]);
  });

  it('a call to an unknown chainlet, depends on one the steps do not call, a bad depends value: every problem at its line', () => {
    const text = CHAIN.replace('{ call: LLM }', '{ call: LMM }').replace('LLM: { retries: 3, timeout_sec: 120 }', 'LLM: { retries: 0, timeout_sec: 120 }');
    expect(messages(text)).toEqual([
      'c.yaml:7:19 chain.chainlets.RAG.steps.1.call: found "LMM", allowed one of the chainlets: RAG, LLM (did you mean `LLM`?)',
      'c.yaml:9:9 chain.chainlets.RAG.depends.LLM: found an unknown key, allowed LMM (did you mean `LMM`?)',
    ]);
    expect(messages(CHAIN.replace('retries: 3', 'retries: 0'))).toEqual(['c.yaml:9:25 chain.chainlets.RAG.depends.LLM.retries: found 0, allowed an integer ≥ 1']);
  });

  it('deployment keys of a chainlet are validated like deployment:, at their own line', () => {
    expect(messages(CHAIN.replace('      service_time: 1s', '      service_time: 1s\n      autoscaling: { max_replicas: 3 }'))).toEqual([
      expect.stringMatching(/^c\.yaml:12:22 chain\.chainlets\.LLM\.autoscaling\.max_replicas: found an unknown key, allowed min_replica, max_replica, .* \(did you mean `max_replica`\?\)$/),
    ]);
  });

  it('deployment: beside chain:, steps beside service_time, an unreachable chainlet, a fault without chainlet:', () => {
    expect(messages(`deployment: { initial_state: warm }\n${CHAIN}`)).toEqual([
      'c.yaml:1:13 deployment: found `deployment:` beside `chain:`, allowed either `deployment:` (one deployment) or `chain:` (chainlets), not both',
    ]);
    expect(messages(CHAIN.replace('      depends:', '      service_time: 2s\n      depends:'))).toEqual([
      'c.yaml:8:21 chain.chainlets.RAG.service_time: found "2s", allowed nothing beside `steps` (the steps say what the work is)',
    ]);
    expect(messages(CHAIN.replace('    LLM:\n', '    Orphan: { service_time: 1s }\n    LLM:\n'))).toEqual([
      'c.yaml:10:13 chain.chainlets.Orphan: found a chainlet no call reaches from RAG, allowed chainlets the entrypoint calls, directly or through others',
    ]);
    expect(messages(`${CHAIN}faults: [{ kind: crash, at: 1m }]\n`)).toEqual([
      'c.yaml:13:10 faults.0: found a fault without `chainlet:`, allowed a fault with chainlet: one of RAG, LLM (required in a chain)',
    ]);
  });

  it('--set reaches a chainlet key; a chainlet: on a fault outside a chain is refused', () => {
    const { config } = loadScenarioText(CHAIN, 'c.yaml', { overrides: ['chain.chainlets.LLM.autoscaling.max_replica=4'] });
    expect(config.chain!.chainlets[1]!.deployment.autoscaling.max_replica).toBe(4);
    expect(messages('traffic: [{ kind: poisson, rate: 1 }]\nfaults: [{ kind: crash, chainlet: LLM }]\n')).toEqual([
      'c.yaml:2:35 faults.0.chainlet: found "LLM", allowed nothing outside a chain (the scenario has one deployment)',
    ]);
  });
});

describe('a chain run folder', () => {
  it('events, timeline and requests carry the chainlet; requests a parent; summary has the chain and each chainlet; same seed, same bytes', async () => {
    const file = path.join(root, 'c.yaml');
    fs.writeFileSync(file, `duration: 5m\n${CHAIN.replace('poisson, rate: 1', 'poisson, rate: 1 }]\noutput: { requests: true }\n#').replace(/\n#.*$/, '\n')}`);
    const a = path.join(root, 'a');
    const b = path.join(root, 'b');
    expect((await cli('run', file, '--out', a)).code).toBe(0);
    expect((await cli('run', file, '--out', b)).code).toBe(0);
    for (const f of ['summary.json', 'timeline.csv', 'events.csv', 'requests.csv']) expect(fs.readFileSync(path.join(b, f), 'utf8'), f).toBe(fs.readFileSync(path.join(a, f), 'utf8'));
    const head = (f: string) => fs.readFileSync(path.join(a, f), 'utf8').split('\n')[0];
    expect(head('events.csv')).toBe('chainlet,t,replica,event,from,to,detail');
    expect(head('requests.csv')).toBe('chainlet,id,arrival,dispatched,replica,finished,status,attempts,latency,parent');
    expect(head('timeline.csv')!.startsWith('chainlet,t,arrivals,')).toBe(true);
    const s = JSON.parse(fs.readFileSync(path.join(a, 'summary.json'), 'utf8')) as ChainSummary;
    expect(Object.keys(s.chainlets)).toEqual(['RAG', 'LLM']);
    expect(s.chain.entrypoint).toBe('RAG');
    // Every entrypoint request makes one call after 20 ms of compute (1 attempt when nothing fails):
    // the LLM saw as many arrivals, but for those still computing at the end.
    const rag = s.chainlets.RAG!.requests;
    expect(s.chainlets.LLM!.requests.arrived).toBeLessThanOrEqual(rag.arrived);
    expect(s.chainlets.LLM!.requests.arrived).toBeGreaterThanOrEqual(rag.arrived - rag.in_flight_at_end);
    expect(s.chain.billing.cost).toBeCloseTo(s.chainlets.RAG!.billing.cost + s.chainlets.LLM!.billing.cost, 9);
    const calls = fs.readFileSync(path.join(a, 'requests.csv'), 'utf8').split('\n').filter((l) => l.startsWith('LLM,'));
    expect(calls[0]).toMatch(/,RAG\/0$/);
  });
});

describe('scenarios/chains/', () => {
  const dir = path.resolve(import.meta.dirname, '../scenarios/chains');
  it('rag-cascade.yaml: the LLM\'s CUDA error stops traffic to a healthy RAG replica (errors: all); with errors: own it does not', () => {
    const run = (overrides: string[] = []) => {
      const events: EventRow[] = [];
      const summary = simulate(loadScenario(path.join(dir, 'rag-cascade.yaml'), { overrides }).config, { event: (e) => events.push(e) }) as ChainSummary;
      return { summary, stops: events.filter((e) => e.event === 'traffic_stopped') };
    };
    const all = run();
    const llmStop = all.stops.find((e) => e.chainlet === 'LLM')!;
    const ragStop = all.stops.find((e) => e.chainlet === 'RAG')!;
    expect(llmStop.t).toBe(1220); // fault at 1200, three failed checks at 1200, 1210, 1220
    expect(ragStop.t).toBeGreaterThan(1200);
    expect(ragStop.t).toBeLessThan(1300); // the cascade follows within a minute
    expect(all.summary.chainlets.RAG!.health.faults).toEqual([]); // nothing happened to RAG itself
    const own = run(['chain.chainlets.RAG.is_healthy.errors=own']);
    expect(own.stops.filter((e) => e.chainlet === 'RAG')).toEqual([]);
    expect(own.summary.requests.arrived).toBe(all.summary.requests.arrived); // the same traffic
  });
});
