/**
 * docs/scenario.md and schema/scenario.schema.json are generated from the scenario schema
 * (`npm run gen`); these tests fail when either is stale, and check the JSON Schema with an
 * independent validator (ajv) against every scenario in scenarios/ and a few bad inputs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { parseDuration } from '../src/scenario/duration.js';
import { DURATION_PATTERN } from '../src/scenario/fields.js';
import { loadScenarioText } from '../src/scenario/load.js';
import { GENERATED, PROSE_FILE } from '../src/scenario/reference-files.js';
import { scenarioJsonSchema } from '../src/scenario/reference.js';

const SCHEMA_LINE = '# yaml-language-server: $schema=../schema/scenario.schema.json';

describe('generated files', () => {
  const prose = readFileSync(PROSE_FILE, 'utf8');
  for (const [file, make] of Object.entries(GENERATED)) {
    test(`${file} is up to date`, () => {
      let committed = '';
      try {
        committed = readFileSync(file, 'utf8');
      } catch {
        // missing: stale too
      }
      const fresh = make(prose);
      if (committed !== fresh) {
        expect.fail(`${file} is stale: it differs from what the schema generates; run \`npm run gen\` and commit the result`);
      }
    });
  }

  test('the reference lists every key of the schema and the hand-written sections', () => {
    const md = readFileSync('docs/scenario.md', 'utf8');
    for (const key of ['stop_traffic_threshold_seconds', 'startup_threshold_seconds', 'max_scale_down_rate', 'probe_timeout', 'per_output_token', 'peak_at', 'mtbf', 'crash_loop']) {
      expect(md).toContain(`\`${key}\``);
    }
    expect(md).toContain('baseten-2025: 30–1800 s');
    expect(md).toContain('### What happens first at one instant');
  });
});

describe('JSON Schema', () => {
  const ajv = new Ajv({ allErrors: true, strict: true });
  const validate = ajv.compile(scenarioJsonSchema());
  const valid = (doc: unknown) => {
    const ok = validate(doc) as boolean;
    return { ok, errors: ajv.errorsText(validate.errors) };
  };

  const files = readdirSync('scenarios').filter((f) => f.endsWith('.yaml'));
  test.each(files)('scenarios/%s validates, and starts with the $schema line', (f) => {
    const text = readFileSync(join('scenarios', f), 'utf8');
    expect(text.split('\n')[0]).toBe(SCHEMA_LINE);
    const r = valid(parse(text));
    expect(r.errors).toBe('No errors');
    expect(r.ok).toBe(true);
  });

  const base = { traffic: [{ kind: 'poisson', rate: 1 }] };
  test('accepts what deploysim accepts: durations with units, distributions, the API autoscaling object', () => {
    const doc = {
      ...base,
      duration: '2h',
      deployment: {
        autoscaling: { autoscaling_settings: { min_replica: 0, max_replica: 3, scale_down_delay: null, target_in_flight_tokens: null, new_api_field: 1 } },
        startup: { load: { dist: 'lognormal', median: '40s', p99: '2m' }, image_pull: 30 },
        service_time: '800ms',
        is_healthy: { rule: 'after_fault', fault: 'cuda_error' },
      },
      faults: [{ kind: 'crash_loop', at: '5m', after: '45s', replica: { fraction: 0.5 } }],
    };
    expect(valid(doc).errors).toBe('No errors');
    expect(() => loadScenarioText(JSON.stringify(doc), 'x.yaml')).not.toThrow();
  });

  test.each([
    ['an unknown top-level key', { ...base, sede: 1 }],
    ['an unknown nested key', { ...base, deployment: { autoscaling: { max_replicas: 2 } } }],
    ['a wrong traffic kind', { traffic: [{ kind: 'poison', rate: 1 }] }],
    ['a wrong fault kind', { ...base, faults: [{ kind: 'oom', at: 10 }] }],
    ['a key of another kind', { traffic: [{ kind: 'poisson', rate: 1, amplitude: 2 }] }],
    ['a missing required key', { traffic: [{ kind: 'burst', at: 10, rate: 1 }] }],
    ['no traffic', {}],
    ['a duration that is not one', { ...base, duration: '10 minutes' }],
    ['a wrong dist', { ...base, deployment: { service_time: { dist: 'normal', mean: 1 } } }],
    ['baseten-2025 ranges', { ...base, platform: 'baseten-2025', deployment: { runtime: { health_checks: { restart_threshold_seconds: 20 } } } }],
    ['startup_threshold under baseten-2025', { ...base, platform: 'baseten-2025', deployment: { runtime: { health_checks: { startup_threshold_seconds: 600 } } } }],
    ['a custom health check in development', { ...base, deployment: { environment: 'development', is_healthy: { rule: 'error_count', threshold: 3 } } }],
  ])('rejects %s, as deploysim does', (_what, doc) => {
    expect(valid(doc).ok).toBe(false);
    expect(() => loadScenarioText(JSON.stringify(doc), 'x.yaml')).toThrow();
  });

  test('the same range is accepted under baseten-2026', () => {
    const doc = { ...base, deployment: { runtime: { health_checks: { restart_threshold_seconds: 20 } } } };
    expect(valid(doc).ok).toBe(true);
    expect(() => loadScenarioText(JSON.stringify(doc), 'x.yaml')).not.toThrow();
  });

  test('the duration pattern reads what parseDuration reads', () => {
    const re = new RegExp(DURATION_PATTERN);
    for (const s of ['90', '0.5', '500ms', '90s', '15m', '2h', '1d', '1.5h', '1e3', '1e-3s', '2.5e2ms', ' 15 m ', '.5s', '+3s', 'ten', '10 minutes', '5x', '', 's', '1e', '--1']) {
      expect(re.test(s), s).toBe(parseDuration(s) !== null);
    }
  });
});
