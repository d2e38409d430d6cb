import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import type { GemmArgs } from './gemm.js';
import { gemmNarrow } from './gemm_narrow.js';
import { gemmNarrowWasm, prefersNarrowWasm, smallWasmAvailable, tanhWasm } from './small_wasm.js';
import { SMALL_WASM_BASE64 } from './small_wasm_module.js';

function seeded(length: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32 - 0.5) * 2 * scale;
  });
}

/** Faster than toEqual on long arrays. */
function sameBits(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function args(m: number, n: number, k: number, transB: boolean, ldc = n): GemmArgs {
  return {
    m, n, k,
    a: seeded(m * k + 3, 1), aOffset: 3, lda: k, transA: false,
    b: seeded(n * k + 5, 2), bOffset: 5, ldb: transB ? k : n, transB,
    c: new Float32Array(m * ldc + 2).fill(7), cOffset: 2, ldc, accumulate: false,
  };
}

describe('the small-layer WebAssembly kernels (wasm/small.wat)', () => {
  it('are embedded exactly as wasm/small.wat compiles (run `pnpm build:wasm` after editing the .wat)', async () => {
    const wabt = await wabtInit();
    const module = wabt.parseWat('small.wat', readFileSync(new URL('../../wasm/small.wat', import.meta.url), 'utf8'), { simd: true });
    const compiled = module.toBinary({ log: false }).buffer;
    module.destroy();
    expect(Buffer.from(compiled).toString('base64')).toBe(SMALL_WASM_BASE64);
    expect(smallWasmAvailable()).toBe(true);
  });

  it('tanh is within 2 ulp of Math.tanh rounded to float32 over a sweep of float32 bit patterns, and exact at the edges', () => {
    const bits = new Uint32Array((1 << 18) + 3); // not a multiple of 4: the last lanes are padding
    // Every 2^12-th float32 from 0 to 16 (0x41800000), both signs.
    for (let i = 0; i < bits.length; i++) bits[i] = ((i >> 1) * 0x20c0 + (i & 7)) ^ (i & 1 ? 0x80000000 : 0);
    const x = new Float32Array(bits.buffer);
    const ours = new Float32Array(x.length).fill(3);
    expect(tanhWasm(x, ours)).toBe(true);
    const oursBits = new Int32Array(ours.buffer);
    const exact = new Int32Array(Float32Array.from(x, (v) => Math.tanh(v)).buffer);
    let worst = 0;
    let exactCount = 0;
    for (let i = 0; i < x.length; i++) {
      const ulps = Math.abs(oursBits[i] - exact[i]); // same sign on both sides, so bits order like values
      worst = Math.max(worst, ulps);
      if (ulps === 0) exactCount++;
    }
    expect(worst).toBeLessThanOrEqual(2);
    expect(exactCount / x.length).toBeGreaterThan(0.9);
    const edges = new Float32Array([0, -0, Infinity, -Infinity, NaN, 1e-40, -1e-40, 9.1, -9.1, -20, 1e30]);
    const out = new Float32Array(edges.length);
    expect(tanhWasm(edges, out)).toBe(true);
    expect([...out]).toEqual([...edges].map((v) => Math.fround(Math.tanh(v))));
    expect(Object.is(out[1], -0)).toBe(true);
  });

  it('tanh works in place, across chunks, and on nothing', () => {
    const x = seeded(200_003, 9, 4);
    const expected = new Float32Array(x.length);
    tanhWasm(x, expected);
    expect(tanhWasm(x, x)).toBe(true);
    expect(sameBits(x, expected)).toBe(true);
    expect(tanhWasm(new Float32Array(0), new Float32Array(0))).toBe(true);
  });

  it.each([
    [1, 1, false], [1, 7, true], [2, 6, true], [3, 6, false], [5, 8, true], [8, 6, true], [8, 8, false], [8, 16, true], [1, 128, true], [2, 100, false],
  ])('the narrow GEMM at n = %i, k = %i (transB %s) is bit-identical to gemmNarrow over rows that span chunks', (n, k, transB) => {
    const m = Math.ceil(70_000 / k) + 3;
    const ours = args(m, n, k, transB);
    const twin = args(m, n, k, transB);
    expect(gemmNarrowWasm(ours)).toBe(true);
    gemmNarrow(twin);
    expect(sameBits(ours.c, twin.c)).toBe(true); // including the untouched elements before C
  });

  it('writes only C\'s own columns when its rows are strided, and adds a row bias before rounding', () => {
    const ours = args(40, 3, 6, true, 5);
    expect(gemmNarrowWasm(ours, Float32Array.from([1, 2, 3, 4]), 1)).toBe(true);
    const a = ours.a, b = ours.b;
    for (let i = 0; i < 40; i++) {
      for (let j = 0; j < 5; j++) {
        const got = ours.c[2 + i * 5 + j];
        if (j >= 3) expect(got).toBe(7);
        else {
          let sum = [2, 3, 4][j];
          for (let p = 0; p < 6; p++) sum += a[3 + i * 6 + p] * b[5 + j * 6 + p];
          expect(got).toBe(Math.fround(sum));
        }
      }
    }
  });

  it('declines what it does not take, writing nothing: transposed A, accumulation, wide or deep outputs', () => {
    for (const change of [{ transA: true }, { accumulate: true }, { n: 9 }, { k: 129 }, { k: 0 }] as Partial<GemmArgs>[]) {
      const g = { ...args(20, 4, 4, false), ...change };
      const before = g.c.slice();
      expect(gemmNarrowWasm(g)).toBe(false);
      expect(g.c).toEqual(before);
    }
    expect(prefersNarrowWasm(args(10_000, 8, 6, true))).toBe(true);
    expect(prefersNarrowWasm(args(4, 8, 6, true))).toBe(false);
  });
});
