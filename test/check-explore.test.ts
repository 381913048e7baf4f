import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LineCounter, parseDocument } from 'yaml';
import { applyValues, describeDimension, parseExplore, splitKey } from '../src/check/explore.js';

function explore(text: string) {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  return { doc, ...parseExplore(doc, lines) };
}

const BASE = 'traffic:\n  - { kind: poisson, rate: 1 }\nfaults:\n  - { kind: hang, at: 60 }\n';

describe('explore', () => {
  it('splitKey("traffic.0.rate") and splitKey("faults[1].at") give list indices as numbers', () => {
    expect(splitKey('traffic.0.rate')).toEqual(['traffic', 0, 'rate']);
    expect(splitKey('faults[1].at')).toEqual(['faults', 1, 'at']);
    expect(splitKey('a..b')).toBeNull();
  });

  it('reads ranges, duration ranges, choices, one_of and min/max/step', () => {
    const { dimensions, problems } = explore(
      `${BASE}explore:\n  traffic.0.rate: [1, 20]\n  faults.0.at: [1m, 30m]\n  faults.0.kind: [cuda_error, hang]\n  seed: { one_of: [1, 2] }\n  deployment.startup.load_failure_probability: { min: 0, max: 0.5, step: 0.05 }\n`,
    );
    expect(problems).toEqual([]);
    expect(dimensions.map(describeDimension)).toEqual([
      '1 – 20 (20 values, integers)',
      '60 s – 1800 s (1741 values, whole seconds)',
      'cuda_error | hang',
      '1 | 2',
      '0 – 0.5 (11 values, step 0.05)',
    ]);
  });

  it('applyValues sets the values and strips explore/expect', () => {
    const { doc, dimensions } = explore(`${BASE}explore:\n  traffic.0.rate: [1, 20]\nexpect:\n  - availability >= 0.9\n`);
    const text = applyValues(doc, dimensions, [7], true).toString();
    expect(text).toBe('traffic:\n  - { kind: poisson, rate: 7 }\nfaults:\n  - { kind: hang, at: 60 }\n');
  });

  it('never throws on any explore mapping: every entry is a dimension or a problem', () => {
    const value = fc.constantFrom('[1, 2]', '[2, 1]', '[]', '[a]', '[1m, x]', '{min: 1}', '{min: 1, max: 2, step: 0}', '{one_of: []}', '{one_of: [1]}', '7', 'null', '{a: 1}', '[1, 2, 3]', '[.inf, 1]', '{min: 1, max: 1e12, step: 1e-6}');
    const key = fc.constantFrom('traffic.0.rate', 'traffic.5.rate', 'faults.0', 'faults.0.at', 'explore.x', 'a..b', 'deployment.x.y', 'traffic.rate', 'seed.x');
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(key, value), { maxLength: 5, selector: ([k]) => k }), (entries) => {
        const text = `${BASE}explore:\n${entries.map(([k, v]) => `  ${k}: ${v}`).join('\n')}\n`;
        const { dimensions, problems } = explore(text);
        expect(dimensions.length + problems.length).toBe(entries.length);
        for (const p of problems) expect(p.line).toBeGreaterThan(4);
      }),
      { numRuns: 500, seed: 3 },
    );
  });
});
