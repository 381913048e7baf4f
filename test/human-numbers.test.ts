import { describe, expect, it } from 'vitest';
import { count, grouped, money } from '../src/text/human.js';

// grouped() and money() print what toLocaleString('en-US') prints, without starting ICU (issue #15):
// ICU itself is the reference here.
const icuMoney = (v: number) => `$${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** A deterministic spread of values: powers of ten and their neighbours, and an LCG's. */
function values(): number[] {
  const out: number[] = [0, 1, 9, 10, 99, 100, 999, 1000, 1001, 999_999, 1_000_000, 123_456_789, Number.MAX_SAFE_INTEGER];
  let x = 12345;
  for (let i = 0; i < 5000; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    out.push(x % 10 ** (1 + (i % 15)));
  }
  return out;
}

describe('numbers without ICU', () => {
  it('grouped(n) is n.toLocaleString("en-US") for integers of every length, either sign', () => {
    for (const n of values()) {
      expect(grouped(n)).toBe(n.toLocaleString('en-US'));
      expect(grouped(-n)).toBe((-n).toLocaleString('en-US'));
    }
    expect(count(1234567)).toBe('1,234,567');
  });

  it('money(v) is the en-US text with two decimals, the shortest decimal rounded half away from zero as ICU does', () => {
    // ICU rounds the shortest decimal half away from zero; toFixed the exact double (1.005 is 1.00499…).
    expect(money(1.005)).toBe('$1.01');
    expect((1.005).toFixed(2)).toBe('1.00');
    expect(money(1.125)).toBe('$1.13');
    expect(money(-3.125)).toBe('$-3.13');
    expect(money(1234.994)).toBe('$1,234.99');
    expect(money(999.995)).toBe('$1,000.00');
    for (const n of values()) {
      for (const frac of [0, 0.005, 0.015, 0.125, 0.25, 0.375, 0.5, 0.625, 0.875, 0.994, 0.995, 0.999, 1 / 3, 0.1 + 0.2]) {
        const v = n / 7 + frac;
        if (Math.abs(v) < 1) continue; // below $1: four decimals, another format
        expect(money(v)).toBe(icuMoney(v));
        expect(money(-v)).toBe(icuMoney(-v));
      }
    }
    // Every third decimal, where the shortest decimal and the double round differently (1.005, 1.015, …).
    for (let k = 1000; k < 60_000; k++) expect(money(k / 1000)).toBe(icuMoney(k / 1000));
  });
});
