import { describe, expect, it } from 'vitest';
import { basetenAutoscaler } from '../src/model/autoscaling/baseten.js';
import { InFlightWindow } from '../src/model/autoscaling/in-flight-window.js';
import { autoscalerNames, autoscalerPolicy, DEFAULT_AUTOSCALER } from '../src/model/autoscaling/registry.js';

describe('autoscaling policies by name', () => {
  it("'baseten' is registered and the default", () => {
    expect(DEFAULT_AUTOSCALER).toBe('baseten');
    expect(autoscalerPolicy()).toBe(basetenAutoscaler);
    expect(autoscalerPolicy('baseten')).toBe(basetenAutoscaler);
    expect(autoscalerNames()).toContain('baseten');
  });

  it('an unknown name says which exist', () => {
    expect(() => autoscalerPolicy('kpa')).toThrow("unknown autoscaler 'kpa' (known: baseten)");
    expect(() => autoscalerPolicy('toString')).toThrow('unknown autoscaler');
  });
});

describe('InFlightWindow: the time-weighted in-flight average the policy asks for', () => {
  it('averages a piecewise-constant signal over the trailing window', () => {
    const w = new InFlightWindow(60);
    expect(w.average(0)).toBe(0);
    w.set(10, 4); // 4 in flight from t = 10
    w.set(40, 1); // 1 from t = 40
    expect(w.current).toBe(1);
    // [0, 60]: 0·10 + 4·30 + 1·20 = 140 → 140 / 60
    expect(w.average(60)).toBeCloseTo(140 / 60, 12);
    // [40, 100]: 1 throughout
    expect(w.average(100)).toBeCloseTo(1, 12);
  });

  it('setting the same value records no change point', () => {
    const w = new InFlightWindow(10);
    w.set(1, 2);
    w.set(2, 2);
    expect(w.average(11)).toBeCloseTo(2, 12);
  });
});
