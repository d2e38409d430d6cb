import { describe, expect, it } from 'vitest';
import { tanhFloat32 } from './tanh_float32.js';

describe('tanhFloat32', () => {
  it('rounds to the same float32 as Math.tanh over a sweep of float32 bit patterns, both signs', () => {
    const bits = new Uint32Array(1 << 18);
    // Every 2^12-th float32 from 0 to 16 (0x41800000), each also negated.
    for (let i = 0; i < bits.length; i++) bits[i] = ((i >> 1) * 0x20c0 + (i & 7)) ^ (i & 1 ? 0x80000000 : 0);
    const x = new Float32Array(bits.buffer);
    const out = new Float32Array(x.length);
    tanhFloat32(x, out);
    let mismatch = -1;
    for (let i = 0; i < x.length && mismatch < 0; i++) if (!Object.is(out[i], Math.fround(Math.tanh(x[i])))) mismatch = i;
    expect(mismatch < 0 ? null : [x[mismatch], out[mismatch], Math.fround(Math.tanh(x[mismatch]))]).toBeNull();
  });

  it('keeps the edges: ±0, ±Infinity, NaN, subnormals, and 1 beyond the clamp', () => {
    const x = new Float32Array([0, -0, Infinity, -Infinity, NaN, 1e-40, -1e-40, 1, 9.1, -20, 1e30]);
    const out = new Float32Array(x.length);
    tanhFloat32(x, out);
    expect([...out]).toEqual([...x].map((v) => Math.fround(Math.tanh(v))));
    expect(Object.is(out[1], -0)).toBe(true);
  });
});
