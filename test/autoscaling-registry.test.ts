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

  it('keeps exact answers while its ring grows and wraps: 20,000 changes, queried every 7 s, against a plain list of points', () => {
    const w = new InFlightWindow(60);
    const points: { t: number; integral: number; value: number }[] = [{ t: 0, integral: 0, value: 0 }];
    const integralAt = (t: number): number => {
      const p = points.filter((q) => q.t <= t).pop()!;
      return p.integral + p.value * (t - p.t);
    };
    let t = 0;
    let queried = 7;
    for (let i = 1; i <= 20_000; i++) {
      t += (i % 13) * 0.005; // ~2,000 points in a window (the ring starts at 1,024); bursts of changes at one instant too (i % 13 = 0)
      const value = (i * 7919) % 23;
      const last = points[points.length - 1]!;
      if (value !== last.value) points.push({ t, integral: last.integral + last.value * (t - last.t), value });
      w.set(t, value);
      if (t >= queried) {
        const from = Math.max(0, t - 60);
        expect(w.average(t)).toBe((integralAt(t) - integralAt(from)) / (t - from));
        queried += 7;
      }
    }
  });
});
