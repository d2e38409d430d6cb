import { afterEach, describe, expect, it } from 'vitest';
import { measureGemmPeak } from '../index.js';
import { setGemmKernel } from './gemm.js';

describe('measureGemmPeak', () => {
  afterEach(() => setGemmKernel('wasm'));

  it('measures the WebAssembly SIMD kernel in Node, as a positive finite rate', () => {
    const peak = measureGemmPeak(20);
    expect(peak.kernel).toMatch(/^wasm-(relaxed-)?simd$/);
    expect(Number.isFinite(peak.gflopsPerSecond)).toBe(true);
    expect(peak.gflopsPerSecond).toBeGreaterThan(0);
  });

  it('names the JavaScript kernel when it is the one large products run on', () => {
    setGemmKernel('js');
    const peak = measureGemmPeak(20);
    expect(peak.kernel).toBe('js');
    expect(peak.gflopsPerSecond).toBeGreaterThan(0);
  });

  it('rejects a measuring time that is not positive', () => {
    expect(() => measureGemmPeak(0)).toThrow(/measureGemmPeak: milliseconds must be positive, got 0/);
    expect(() => measureGemmPeak(Number.NaN)).toThrow(/milliseconds must be positive/);
  });
});
