import { describe, expect, it } from 'vitest';
import { erf, erfc } from './erf.js';
import { referenceErfc } from './test-utils/elementwise_reference.js';

describe('erf and erfc', () => {
  it('match tabulated values (mpmath at 30 digits, rounded to double)', () => {
    const erfTable: [number, number][] = [
      [0.1, 0.1124629160182849], [0.5, 0.5204998778130465], [1, 0.8427007929497149], [1.5, 0.9661051464753108],
      [2, 0.9953222650189527], [3, 0.9999779095030014], [-0.3, -0.3286267594591274], [-2.5, -0.999593047982555],
    ];
    for (const [x, value] of erfTable) expect(Math.abs(erf(x) - value)).toBeLessThan(1e-15 + 1e-10 * Math.abs(value));
    const erfcTable: [number, number][] = [
      [1, 0.15729920705028513], [3, 2.209049699858544e-5], [5, 1.537459794428035e-12], [10, 2.088487583762545e-45],
      [-1, 1.842700792949715], [-4, 1.999999984582742],
    ];
    for (const [x, value] of erfcTable) expect(Math.abs(erfc(x) - value) / value).toBeLessThan(1e-9);
  });

  it('agree with an independent series / continued fraction on a fine grid', () => {
    let worst = 0;
    for (let x = -9; x <= 9; x += 0.00731) {
      const reference = referenceErfc(x);
      worst = Math.max(worst, Math.abs(erfc(x) - reference) / reference);
      worst = Math.max(worst, Math.abs(erf(x) - (1 - reference)) / Math.max(Math.abs(1 - reference), 1e-300));
    }
    expect(worst).toBeLessThan(1e-9);
  });

  it('handle the limits', () => {
    expect(erf(0)).toBe(0);
    expect(Object.is(erf(-0), -0)).toBe(true);
    expect(erf(Infinity)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(erfc(Infinity)).toBe(0);
    expect(erfc(-Infinity)).toBe(2);
    expect(erfc(40)).toBe(0);
    expect(erf(NaN)).toBeNaN();
    expect(erfc(NaN)).toBeNaN();
  });
});
