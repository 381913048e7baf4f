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

/**
 * Issue 10: tags, aliases (and alias bombs), numeric extremes and huge strings, placed anywhere in
 * a valid scenario: every case ends with a valid result or a ScenarioError of well-formed lines
 * (never a stack trace, a RangeError or a hang; the timeout is a guard, not a speed test).
 */
describe('loadScenarioText on hostile values', { timeout: 120_000 }, () => {
  const base = [
    'seed: 3',
    'duration: 10m',
    'deployment:',
    '  autoscaling: { min_replica: 1, max_replica: 2 }',
    '  service_time: 500ms',
    'traffic:',
    '  - { kind: poisson, rate: 2 }',
    'faults: [{ kind: crash, at: 1m, mtbf: 5m }]',
    'assumptions: { probe_period: 10s, autoscaler_interval: 10s, error_latency: 50ms }',
    'output: { sample_interval: 10s }',
  ];
  /** `key: value` slots in `base`, by line index and key. */
  const SLOTS: [number, RegExp][] = [
    [0, /(seed: )\S+/],
    [1, /(duration: )\S+/],
    [3, /(max_replica: )[^ }]+/],
    [4, /(service_time: )\S+/],
    [6, /(rate: )[^ }]+/],
    [7, /(mtbf: )[^ }]+/],
    [8, /(probe_period: )[^,]+/],
    [8, /(autoscaler_interval: )[^,]+/],
    [8, /(error_latency: )[^ }]+/],
    [9, /(sample_interval: )[^ }]+/],
  ];
  const put = (slot: number, value: string) => {
    const [line, re] = SLOTS[slot % SLOTS.length]!;
    return base.map((l, i) => (i === line ? l.replace(re, (_m, k: string) => `${k}${value}`) : l)).join('\n') + '\n';
  };
  const check = (text: string, overrides: string[] = []) => {
    const r = outcome(text, overrides);
    if (r !== 'ok') {
      expect(r.length).toBeGreaterThan(0);
      for (const line of r) {
        expect(line).toMatch(LINE);
        expect(line.length).toBeLessThan(2000);
      }
    }
  };

  it('the base scenario is valid (so each failure is the value)', () => expect(outcome(base.join('\n') + '\n')).toBe('ok'));

  const TAGS = ['!!omap', '!!set', '!!binary', '!!timestamp', '!!pairs', '!foo', '!', '!!str', '!!int', '!!float', '!!bool', '!!null', '!!map', '!!seq', '!<tag:yaml.org,2002:str>', '!!python/object'];
  const NUMBERS = ['1e308', '-1e308', '-0', '0', '5e-324', '-5e-324', '9007199254740993', '1e400', '.inf', '-.inf', '.nan', '0x10', '0o17', '1e3', '1e-3s', '2.5e2ms', '1e20', '1e-400'];

  it('YAML tags on any value', () => {
    fc.assert(
      fc.property(fc.nat(), fc.constantFrom(...TAGS), fc.constantFrom('3', '10m', '[1]', '{ a: 1 }', 'aGVsbG8=', '2001-12-14', '""'), (slot, tag, v) => check(put(slot, `${tag} ${v}`))),
      { numRuns: 150, seed: 10 },
    );
  });

  it('numeric extremes everywhere, in the file and through --set', () => {
    fc.assert(
      fc.property(fc.nat(), fc.constantFrom(...NUMBERS), fc.boolean(), (slot, n, viaSet) => {
        if (!viaSet) return check(put(slot, n));
        const key = ['seed', 'duration', 'deployment.autoscaling.max_replica', 'deployment.service_time', 'traffic.0.rate', 'faults.0.mtbf', 'assumptions.probe_period', 'assumptions.autoscaler_interval', 'assumptions.error_latency', 'output.sample_interval'][slot % 10]!;
        check(base.join('\n') + '\n', [`${key}=${n}`]);
      }),
      { numRuns: 200, seed: 11 },
    );
  });

  it('anchors, aliases and alias bombs', () => {
    const bomb = (width: number, depth: number) => {
      const lines = [`l0: &l0 [${Array(width).fill('1').join(', ')}]`];
      for (let d = 1; d <= depth; d++) lines.push(`l${d}: &l${d} [${Array(width).fill(`*l${d - 1}`).join(', ')}]`);
      return lines;
    };
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 9 }), fc.nat(), fc.boolean(), (width, depth, slot, useIt) => {
        const [line, re] = SLOTS[slot % SLOTS.length]!;
        const lines = base.map((l, i) => (i === line && useIt ? l.replace(re, (_m, k: string) => `${k}*l${depth}`) : l));
        check([...bomb(width, depth).map((l) => `description: x\n`.slice(0, 0) + l), ...lines].join('\n').replace(/^(l\d+):/gm, 'x_$1:') + '\n');
        check([`defaults: &d { probe_period: 5s }`, ...lines.map((l) => (l.startsWith('assumptions:') ? 'assumptions: { <<: *d }' : l))].join('\n') + '\n');
        check(base.join('\n') + '\n', [`traffic.0=*a`, `seed=&a 5`]);
      }),
      { numRuns: 60, seed: 12 },
    );
  });

  it('huge strings as values, keys and --set values', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 1_000_000 }), fc.constantFrom('a', 'ab', '[', '{', '-', ' ', '"', '9'), (slot, n, ch) => {
        const huge = ch.repeat(Math.ceil(n / ch.length));
        check(put(slot, JSON.stringify(huge)));
        check(`${base.join('\n')}\n${JSON.stringify(huge)}: 1\n`);
        check(base.join('\n') + '\n', [`name=${huge}`, `k${huge.slice(0, 1000)}=1`]);
      }),
      { numRuns: 25, seed: 13 },
    );
  });

  it('deep nesting of every kind', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.constantFrom('[', '{a: ', '- ', 'k:\n'), (depth, open) => {
        const text =
          open === 'k:\n'
            ? Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}k:`).join('\n') + '\n'
            : open === '- '
              ? Array.from({ length: depth }, (_, i) => `${' '.repeat(2 * i)}- `).join('\n') + '1\n'
              : `x: ${open.repeat(depth)}1${(open === '[' ? ']' : '}').repeat(depth)}\n`;
        check(text + base.filter((l) => !l.startsWith('x')).join('\n') + '\n');
        check(base.join('\n') + '\n', [`description=${open === '[' ? '['.repeat(depth) + ']'.repeat(depth) : '{a: '.repeat(depth) + '1' + '}'.repeat(depth)}`]);
      }),
      { numRuns: 40, seed: 14 },
    );
  });
});
