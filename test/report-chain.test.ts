/**
 * A chain's report (SPEC §12): the call graph's numbers against a small constant chain whose
 * calls are known by hand, the edges against requests.csv's `parent` column, each chainlet's
 * charts on the one time axis with every fault marked in all of them, and `deploysim run`'s
 * page byte-identical to `deploysim report <dir>`'s, for a single deployment and for a chain.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainSummary } from '../src/model/summary.js';
import { runToFolder } from '../src/run-to-folder.js';
import { requestRowsOf } from '../src/output/read-run.js';
import { readRunDir } from '../src/report/read-run-dir.js';
import { CHART_IDS, renderReport } from '../src/report/render-report.js';
import { loadScenario, loadScenarioText } from '../src/scenario/load.js';
import { cli } from './helpers/cli.js';

/**
 * A (entrypoint) calls B twice in turn and C once; B calls C once; C just serves. Constant
 * service, one arrival a second for 30 s, a minute to finish: 30 requests at A, so 60 calls
 * A → B, 30 calls A → C and 60 calls B → C (90 arrivals at C), none failing.
 */
export const SMALL_CHAIN = `name: small-chain
seed: 1
duration: 60s
chain:
  entrypoint: A
  chainlets:
    A:
      initial_state: warm
      autoscaling: { min_replica: 1, max_replica: 1, concurrency_target: 50 }
      runtime: { predict_concurrency: 50 }
      steps:
        - { compute: 100ms }
        - { call: B, count: 2 }
        - { call: C }
    B:
      initial_state: warm
      autoscaling: { min_replica: 1, max_replica: 1, concurrency_target: 50 }
      runtime: { predict_concurrency: 50 }
      steps:
        - { compute: 50ms }
        - { call: C }
    C:
      initial_state: warm
      autoscaling: { min_replica: 2, max_replica: 2, concurrency_target: 50 }
      runtime: { predict_concurrency: 50 }
      service_time: 200ms
traffic: [{ kind: constant, rate: 1, end: 30s }]
output: { requests: true }
`;

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'deploysim-chain-report-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const doc = (html: string) => new JSDOM(html).window.document;
const edge = (d: Document, caller: string, callee: string) => d.querySelector(`#call-graph g.edge[data-caller="${caller}"][data-callee="${callee}"]`);
const num = (el: Element | null, attr: string) => (el?.getAttribute(attr) === '' ? null : Number(el?.getAttribute(attr)));

async function runChain(text: string, name: string, overrides: string[] = []): Promise<string> {
  const dir = join(root, name);
  await runToFolder(loadScenarioText(text, `${name}.yaml`, { overrides }).config, dir);
  return dir;
}

describe('the call graph of a small constant chain', () => {
  it('boxes and edges carry the hand-known counts, and each box its summary', async () => {
    const dir = await runChain(SMALL_CHAIN, 'small');
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as ChainSummary;
    // The hand count first: 30 requests, 2 calls to B and 1 to C each, 1 call to C per B request.
    expect(summary.chainlets.A!.requests.arrived).toBe(30);
    expect(summary.chainlets.B!.requests.arrived).toBe(60);
    expect(summary.chainlets.C!.requests.arrived).toBe(90);
    const d = doc(readFileSync(join(dir, 'report.html'), 'utf8'));
    const boxes = [...d.querySelectorAll('#call-graph g.cg-node')].map((g) => g.getAttribute('data-chainlet'));
    expect(boxes).toEqual(['A', 'B', 'C']);
    expect(d.querySelector('#call-graph g.cg-node.entrypoint')!.getAttribute('data-chainlet')).toBe('A');
    for (const name of ['A', 'B', 'C']) {
      const s = summary.chainlets[name]!;
      const g = d.querySelector(`#call-graph g.cg-node[data-chainlet="${name}"]`);
      expect(num(g, 'data-peak'), name).toBe(s.replicas.peak);
      expect(num(g, 'data-mean'), name).toBe(Math.round(s.replicas.mean * 100) / 100);
      expect(num(g, 'data-failed'), name).toBe(s.requests.failed);
      expect(num(g, 'data-cost'), name).toBe(Math.round(s.billing.cost * 1e4) / 1e4);
    }
    expect(summary.chainlets.C!.replicas.peak).toBe(2);
    expect(d.querySelectorAll('#call-graph g.edge')).toHaveLength(3);
    expect([num(edge(d, 'A', 'B'), 'data-calls'), num(edge(d, 'A', 'B'), 'data-failed')]).toEqual([60, 0]);
    expect([num(edge(d, 'A', 'C'), 'data-calls'), num(edge(d, 'A', 'C'), 'data-failed')]).toEqual([30, 0]);
    expect([num(edge(d, 'B', 'C'), 'data-calls'), num(edge(d, 'B', 'C'), 'data-failed')]).toEqual([60, 0]);
    expect(edge(d, 'A', 'B')!.textContent).toMatch(/A → B: 60 calls, 0 failed \(2 per request\)/);
    // The header: the entrypoint's figures, the total cost and each chainlet's.
    const header = d.querySelector('header')!.textContent!;
    expect(header).toMatch(/30 arrived/);
    expect(d.querySelectorAll('.cost-per-chainlet .figure')).toHaveLength(3);
  });

  it('without requests.csv: a callee with one caller takes its summary, one with two has no count', async () => {
    const dir = await runChain(SMALL_CHAIN, 'small-no-requests', ['output.requests=false']);
    const d = doc(readFileSync(join(dir, 'report.html'), 'utf8'));
    expect(num(edge(d, 'A', 'B'), 'data-calls')).toBe(60);
    expect(num(edge(d, 'A', 'C'), 'data-calls')).toBeNull();
    expect(num(edge(d, 'B', 'C'), 'data-calls')).toBeNull();
    expect(edge(d, 'B', 'C')!.textContent).toMatch(/see requests\.csv/);
  });

  it('with failures: each edge is the callee rows of requests.csv whose parent is the caller, and those not 200', async () => {
    // C fails half its requests from 10 s on: B's calls to C fail, so B's requests fail, so A's calls to B do.
    const text = SMALL_CHAIN.replace('output:', 'faults: [{ kind: error_rate, at: 10s, chainlet: C, probability: 0.5 }]\noutput:');
    const dir = await runChain(text, 'small-failing');
    const rows = requestRowsOf({ file: join(dir, 'requests.csv') }, 'strict');
    const d = doc(readFileSync(join(dir, 'report.html'), 'utf8'));
    let failedSomewhere = 0;
    for (const [caller, callee] of [['A', 'B'], ['A', 'C'], ['B', 'C']] as const) {
      const mine = rows.filter((r) => r.chainlet === callee && r.parent!.startsWith(`${caller}/`));
      const failed = mine.filter((r) => r.status !== null && r.status !== 200).length;
      failedSomewhere += failed;
      expect([num(edge(d, caller, callee), 'data-calls'), num(edge(d, caller, callee), 'data-failed')], `${caller} → ${callee}`).toEqual([mine.length, failed]);
    }
    expect(failedSomewhere).toBeGreaterThan(0);
    expect(d.querySelector(`#call-graph g.edge.edge-failed`)).not.toBeNull();
    // Every chainlet's charts, each marking C's fault at its time: C's own rule, the others' in purple.
    for (const name of ['A', 'B', 'C']) {
      for (const id of CHART_IDS) expect(d.getElementById(`${id}-${name}`), `${id}-${name}`).not.toBeNull();
      const rules = d.querySelectorAll(`#chart-traffic-${name} .fault-rules line`);
      expect(rules.length, name).toBe(1);
      expect(d.querySelector(`#chart-traffic-${name} .fault-rules-other`) !== null, name).toBe(name !== 'C');
    }
    // One rule (both of C's replicas are hit at 10 s, one pixel), a table row per replica hit.
    expect(d.querySelectorAll('#chart-chain .chain-fault-rules line')).toHaveLength(1);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as ChainSummary;
    expect(summary.chainlets.C!.health.faults).toHaveLength(2);
    expect([...d.querySelectorAll('#fault-table tbody tr td:first-child')].map((td) => td.textContent)).toEqual(['C', 'C']);
  });
});

describe('run and report <dir> draw the same page', () => {
  const cases: [string, () => Promise<string>][] = [
    ['a single deployment', async () => {
      const dir = join(root, 'single');
      await runToFolder(loadScenario('scenarios/cuda-error.yaml').config, dir);
      return dir;
    }],
    ['a single deployment with a trace', async () => {
      const dir = join(root, 'single-trace');
      await runToFolder(loadScenario('scenarios/scale-to-zero-trace.yaml').config, dir);
      return dir;
    }],
    ['a chain with requests.csv', () => runChain(SMALL_CHAIN.replace('output:', 'faults: [{ kind: error_rate, at: 10s, chainlet: C, probability: 0.5 }]\noutput:'), 'same-chain')],
    ['a chain without requests.csv (rag-cascade)', async () => {
      const dir = join(root, 'rag');
      await runToFolder(loadScenario('scenarios/chains/rag-cascade.yaml').config, dir);
      return dir;
    }],
  ];
  for (const [what, make] of cases) {
    it(`${what}: run's report.html is byte-identical to report <dir>'s`, async () => {
      const dir = await make();
      const out = join(dir, 'redrawn.html');
      const r = await cli('report', dir, '--out', out);
      expect(r.code, r.err).toBe(0);
      const fromRun = readFileSync(join(dir, 'report.html'), 'utf8');
      expect(readFileSync(out, 'utf8') === fromRun).toBe(true);
      expect(renderReport(readRunDir(dir)) === fromRun).toBe(true);
    });
  }
});

describe('readRunDir on a chain folder', () => {
  it('reads every chainlet\'s rows with their chainlet, and a malformed chainlet summary is named', async () => {
    const dir = await runChain(SMALL_CHAIN, 'read');
    const input = readRunDir(dir);
    const chainlets = new Set<string | undefined>();
    input.timeline.forEach((r) => chainlets.add(r.chainlet));
    expect(chainlets).toEqual(new Set(['A', 'B', 'C']));
    expect(new Set(input.events.map((r) => r.chainlet))).toEqual(new Set(['A', 'B', 'C']));
    expect(input.calls).toEqual([
      { caller: 'A', callee: 'B', calls: 60, failed: 0 },
      { caller: 'A', callee: 'C', calls: 30, failed: 0 },
      { caller: 'B', callee: 'C', calls: 60, failed: 0 },
    ]);
    const { summaryProblems } = await import('../src/report/read-run-dir.js');
    const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Record<string, unknown>;
    expect(summaryProblems(s)).toEqual([]);
    const broken = { ...s, chainlets: { ...(s.chainlets as object), B: { requests: {} } } };
    expect(summaryProblems(broken).some((p) => p.startsWith('chainlets.B: '))).toBe(true);
    expect(summaryProblems({ ...s, chain: { ...(s.chain as object), entrypoint: 'Z' } })).toContain('chain.entrypoint: found string "Z", expected the name of one of chainlets');
  });
});
