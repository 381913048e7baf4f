/**
 * `deployment.autoscaling` takes the platform API's autoscaling_settings as returned (SPEC §13):
 * bare or in its wrapper, null meaning the platform default, unmodelled API fields a warning.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EventRow } from '../src/model/summary.js';
import { simulate } from '../src/run.js';
import { loadScenario, loadScenarioText, ScenarioError } from '../src/scenario/load.js';

const TRAFFIC = 'traffic: [{ kind: poisson, rate: 1 }]\n';
// startup and service_time written, so the only warnings are the API's.
const load = (autoscaling: string) => loadScenarioText(`deployment:\n  autoscaling: ${autoscaling}\n  startup: { load: 30s }\n  service_time: 500ms\n${TRAFFIC}`, 's.yaml');

// What GET /v1/models/{id}/deployments/{id} returns under autoscaling_settings, pasted as JSON.
const API = `{"autoscaling_settings": {"min_replica": 1, "max_replica": 6, "autoscaling_window": 120, "scale_down_delay": null,
    "concurrency_target": 4, "target_utilization_percentage": null, "max_scale_down_rate": 25, "target_in_flight_tokens": null}}`;

describe('deployment.autoscaling from the API', () => {
  it('the wrapped object with nulls: nulls take the platform defaults (scale_down_delay 900 s, utilization 70 %)', () => {
    const r = load(API);
    expect(r.config.deployment.autoscaling).toEqual({
      min_replica: 1,
      max_replica: 6,
      autoscaling_window: 120,
      scale_down_delay: 900,
      concurrency_target: 4,
      target_utilization_percentage: 70,
      max_scale_down_rate: 25,
    });
    expect(r.warnings).toEqual([]);
  });

  it('bare, as the inner object, the same', () => {
    expect(load('{ min_replica: 1, max_replica: 6, scale_down_delay: null }').config.deployment.autoscaling.scale_down_delay).toBe(900);
  });

  it('inside the wrapper, a field deploysim does not model is a warning at its line; written bare it is an error (a typo)', () => {
    const r = load('{"autoscaling_settings": {"max_replica": 3, "scale_up_stabilization": 30}}');
    expect(r.config.deployment.autoscaling.max_replica).toBe(3);
    expect(r.warnings).toEqual(['s.yaml:2:60 deployment.autoscaling.scale_up_stabilization: an autoscaling_settings field deploysim does not model; ignored']);
    expect(() => load('{ max_replica: 3, max_replicas: 4 }')).toThrow(ScenarioError);
  });

  it('a range error inside the wrapper points at the value in the user\'s file', () => {
    try {
      load('{"autoscaling_settings": {"max_replica": 3, "max_scale_down_rate": 80}}');
      throw new Error('loaded');
    } catch (e) {
      expect((e as ScenarioError).messages).toEqual(['s.yaml:2:83 deployment.autoscaling.max_scale_down_rate: found 80, allowed a number 1–50']);
    }
  });
});

describe('target_in_flight_tokens (SPEC §13): scale on in-flight tokens', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploysim-tokens-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'one.csv'), 'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:00:00.0000000,2500,500\n');
  const scenario = (autoscaling: string, traffic = '[{ kind: trace, file: one.csv }]') =>
    `duration: 30s\ndeployment:\n  initial_state: warm\n  startup: { load: 30s }\n  service_time: 100s\n  autoscaling: ${autoscaling}\ntraffic: ${traffic}\n`;

  it('one request of 2,500 + 500 tokens in flight, target 1,000 tokens at 100 %: the decision at t = 10 asks ceil(3000 / 1000) = 3 replicas', () => {
    const text = scenario('{ min_replica: 1, max_replica: 10, concurrency_target: 100, target_utilization_percentage: 100, autoscaling_window: 10s, target_in_flight_tokens: 1000 }');
    const file = path.join(dir, 'tokens.yaml');
    fs.writeFileSync(file, text);
    const events: EventRow[] = [];
    simulate(loadScenario(file).config, { event: (e) => events.push(e) });
    expect(events.filter((e) => e.event === 'scale_up')).toEqual([expect.objectContaining({ t: 10, from: 1, to: 3 })]);
    // The same request counted as requests: 1 in flight against a target of 100: no scaling.
    fs.writeFileSync(file, text.replace(', target_in_flight_tokens: 1000', ''));
    const plain: EventRow[] = [];
    simulate(loadScenario(file).config, { event: (e) => plain.push(e) });
    expect(plain.filter((e) => e.event === 'scale_up')).toEqual([]);
  });

  it('without token columns it is refused, naming the traffic entry', () => {
    const file = path.join(dir, 'poisson.yaml');
    fs.writeFileSync(file, scenario('{ max_replica: 3, target_in_flight_tokens: 1000 }', '[{ kind: poisson, rate: 1 }]'));
    try {
      loadScenario(file);
      throw new Error('loaded');
    } catch (e) {
      expect((e as ScenarioError).messages).toEqual([
        `${file}:7:11 traffic.0: found a poisson process (no tokens), allowed a trace with ContextTokens and GeneratedTokens columns (deployment.autoscaling.target_in_flight_tokens scales on them)`,
      ]);
    }
  });
});

describe('deployment.autoscaling.policy', () => {
  it('defaults to the platform\'s (baseten), left out of the config; an unknown policy is refused with the known ones', () => {
    expect(load('{ max_replica: 3, policy: baseten }').config.deployment.autoscaling).not.toHaveProperty('policy');
    try {
      load('{ max_replica: 3, policy: kpa }');
      throw new Error('loaded');
    } catch (e) {
      expect((e as ScenarioError).messages).toEqual(['s.yaml:2:42 deployment.autoscaling.policy: found "kpa", allowed one of baseten']);
    }
  });
});
