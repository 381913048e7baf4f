import { describe, expect, it } from 'vitest';
import { after, count, duration, latency, money, percent } from '../src/text/human.js';

describe('human formats (one for the CLI, the report, the sweep and the checker)', () => {
  it('duration(s) reads in compact units, a zero last unit left out', () => {
    expect(duration(0)).toBe('0 s');
    expect(duration(0.25)).toBe('0.25 s');
    expect(duration(12.5)).toBe('12.5 s');
    expect(duration(59.96)).toBe('60 s');
    expect(duration(303)).toBe('5m 03s');
    expect(duration(754)).toBe('12m 34s');
    expect(duration(1200)).toBe('20m');
    expect(duration(3600)).toBe('1h');
    expect(duration(3723)).toBe('1h 02m 03s');
    expect(duration(7500)).toBe('2h 05m');
    expect(duration(3 * 86400 + 4 * 3600)).toBe('3d 04h');
    expect(duration(7 * 86400)).toBe('7d');
    expect(duration(86400 + 300)).toBe('1d 00h 05m');
    expect(duration(-90)).toBe('−1m 30s');
  });

  it('never prints exponent notation, for any magnitude', () => {
    for (const s of [1e-7, 1199.9, 1200.4, 1e5, 1e7, 3e9]) expect(duration(s)).not.toMatch(/e[+-]/);
    expect(latency(1200)).toBe('20m');
    expect(latency(1.2345)).toBe('1.23 s');
  });

  it('a missing value is one dash everywhere; an event that did not happen is "never"', () => {
    for (const f of [duration, latency, money, percent, count]) expect(f(null)).toBe('—');
    expect(after(null, 100)).toBe('never');
    expect(after(120, 100)).toBe('+20 s');
  });

  it('latency(s) in ms below a second; money and percent with the digits that matter', () => {
    expect(latency(0.8)).toBe('800 ms');
    expect(latency(0.0042)).toBe('4.2 ms');
    expect(money(0.12345)).toBe('$0.1235');
    expect(money(1234.5)).toBe('$1,234.50');
    expect(percent(0.99954)).toBe('99.954 %');
    expect(percent(0.95)).toBe('95.0 %');
    expect(count(1234567)).toBe('1,234,567');
  });
});
