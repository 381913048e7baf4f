/**
 * `deployment.autoscaling` takes the platform API's autoscaling_settings as returned (SPEC §13):
 * bare or in its wrapper, null meaning the platform default, unmodelled API fields a warning.
 */
import { describe, expect, it } from 'vitest';
import { loadScenarioText, ScenarioError } from '../src/scenario/load.js';

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

  it('target_in_flight_tokens other than null is refused with the reason, not silently ignored', () => {
    try {
      load('{"autoscaling_settings": {"max_replica": 3, "target_in_flight_tokens": 20000}}');
      throw new Error('loaded');
    } catch (e) {
      expect((e as ScenarioError).messages).toEqual([
        's.yaml:2:87 deployment.autoscaling.target_in_flight_tokens: found 20000, allowed null (off): deploysim does not simulate token-based autoscaling yet; with a value the platform would scale on in-flight tokens, which this run could not show',
      ]);
    }
  });
});
