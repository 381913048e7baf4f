import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadScenarioText, ScenarioError } from '../src/scenario/load.js';

/** Whatever the input, loading returns or throws a ScenarioError of well-formed lines: never a crash. */
function outcome(text: string, overrides: string[] = []): 'ok' | string[] {
  try {
    loadScenarioText(text, 'fuzz.yaml', { overrides });
    return 'ok';
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    return e.messages;
  }
}

const LINE = /^(fuzz\.yaml(:\d+:\d+)? |--set |--seed |--duration )\S.*$/;

const KEYS = ['deployment', 'autoscaling', 'runtime', 'health_checks', 'traffic', 'faults', 'kind', 'rate', 'dist', 'min_replica', 'max_replica', 'platform', 'environment', 'is_healthy', 'rule', 'replica', 'file', 'steps', 'at', 'start', 'end'];
const leaf = fc.oneof(fc.integer({ min: -5, max: 5000 }), fc.double({ noNaN: false }), fc.boolean(), fc.constant(null), fc.constantFrom('10s', '5x', 'poisson', 'trace', 'lognormal', 'development', 'baseten-2026', 'all', ''), fc.string());
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.constantFrom(...KEYS), tie('v'), { maxKeys: 4 })),
})).v;

describe('loadScenarioText never crashes', () => {
  it('on random YAML structures', () => {
    fc.assert(
      fc.property(value, (v) => {
        const r = outcome(stringify(v));
        if (r !== 'ok') for (const line of r) expect(line).toMatch(LINE);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('on random text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (t) => {
        const r = outcome(t);
        if (r !== 'ok') for (const line of r) expect(line).toMatch(LINE);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('on random overrides of a valid scenario', () => {
    const base = 'traffic: [{ kind: poisson, rate: 1 }]\nfaults: [{ kind: crash }]\n';
    const path = fc.array(fc.oneof(fc.constantFrom(...KEYS), fc.constantFrom('0', '1', '2')), { minLength: 1, maxLength: 4 }).map((p) => p.join('.'));
    fc.assert(
      fc.property(fc.array(fc.tuple(path, fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('1', '{kind: poisson}', '[1', '10m', 'null'))), { maxLength: 3 }), (sets) => {
        const r = outcome(base, sets.map(([k, v]) => `${k}=${v}`));
        if (r !== 'ok') for (const line of r) expect(line).toMatch(LINE);
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
