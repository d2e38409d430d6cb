import { afterAll, describe, expect, it } from 'vitest';
import { gemm, gemmKernel, setGemmKernel, type GemmArgs, type GemmKernel } from './gemm.js';
import { wasmGemmAvailable } from './gemm_wasm.js';
import { prefersResident } from './gemm_wasm_resident.js';

/** A seeded generator, so a failing shape repeats. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** The definition, in float64, reading A, B and C exactly as GemmArgs describes them. */
function referenceGemm(g: GemmArgs): Float64Array {
  const out = Float64Array.from(g.c);
  for (let i = 0; i < g.m; i++) {
    for (let j = 0; j < g.n; j++) {
      let sum = 0;
      for (let p = 0; p < g.k; p++) {
        const av = g.transA ? g.a[g.aOffset + p * g.lda + i] : g.a[g.aOffset + i * g.lda + p];
        const bv = g.transB ? g.b[g.bOffset + j * g.ldb + p] : g.b[g.bOffset + p * g.ldb + j];
        sum += av * bv;
      }
      const ci = g.cOffset + i * g.ldc + j;
      out[ci] = (g.accumulate ? g.c[ci] : 0) + sum;
    }
  }
  return out;
}

/** Random operands with random offsets and padded leading dimensions; C starts as noise. */
function makeCase(rand: () => number, m: number, n: number, k: number, transA: boolean, transB: boolean, accumulate: boolean): GemmArgs {
  const pad = (): number => Math.floor(rand() * 3);
  const [aRows, aCols] = transA ? [k, m] : [m, k];
  const [bRows, bCols] = transB ? [n, k] : [k, n];
  const lda = aCols + pad();
  const ldb = bCols + pad();
  const ldc = n + pad();
  const aOffset = pad();
  const bOffset = pad();
  const cOffset = pad();
  const fill = (size: number): Float32Array => Float32Array.from({ length: size }, () => rand() * 2 - 1);
  return {
    m, n, k, transA, transB, accumulate, lda, ldb, ldc, aOffset, bOffset, cOffset,
    a: fill(aOffset + Math.max(0, aRows - 1) * lda + aCols + 1),
    b: fill(bOffset + Math.max(0, bRows - 1) * ldb + bCols + 1),
    c: fill(cOffset + Math.max(0, m - 1) * ldc + n + 1),
  };
}

function expectMatchesReference(g: GemmArgs): void {
  const expected = referenceGemm(g);
  gemm(g);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(g.c[i] - expected[i]) / (1 + Math.abs(expected[i])));
  // The SIMD kernel sums in float32 (as BLAS does), the JS one in float64: both well inside this.
  expect(worst, `m=${g.m} n=${g.n} k=${g.k} transA=${g.transA} transB=${g.transB} accumulate=${g.accumulate}`).toBeLessThan(2e-5);
}

const flagSets: [boolean, boolean, boolean][] = [];
for (const transA of [false, true]) for (const transB of [false, true]) for (const accumulate of [false, true]) flagSets.push([transA, transB, accumulate]);

// Node 20 has WebAssembly SIMD, so both micro-kernels run here; a runtime without it tests JS only.
const kernels: GemmKernel[] = wasmGemmAvailable() ? ['wasm', 'js'] : ['js'];
const initialKernel = gemmKernel();
afterAll(() => setGemmKernel(initialKernel));

describe.each(kernels)('gemm on the %s micro-kernel', (kernel) => {
  it('is the kernel in use', () => {
    setGemmKernel(kernel);
    expect(gemmKernel()).toBe(kernel);
  });

  it('matches the reference on edge sizes (1, primes, around the 6×4 and 4×8 tiles) for every flag combination', () => {
    const rand = lcg(1);
    const sizes: [number, number, number][] = [
      [1, 1, 1], [1, 7, 5], [7, 1, 5], [3, 3, 1], [5, 4, 3], [6, 4, 8], [7, 5, 13],
      [12, 8, 2], [13, 17, 19], [23, 29, 31], [37, 11, 41], [6, 97, 3], [97, 6, 3],
      // thin but too much work for the unpacked loops: packed tiles that are mostly padding
      [1, 70, 90], [70, 1, 90], [2, 33, 17], [33, 2, 17], [3, 50, 9], [50, 3, 9], [5, 9, 70], [9, 5, 70],
      // 2 to 8 wide over a depth up to 10: the narrow row-by-row path (a small layer over many rows)
      [100, 8, 6], [257, 2, 10], [64, 5, 1], [300, 7, 9], [81, 8, 8], [40, 3, 4],
    ];
    for (const [m, n, k] of sizes) for (const [ta, tb, acc] of flagSets) expectMatchesReference(makeCase(rand, m, n, k, ta, tb, acc));
  });

  it('matches the reference across block boundaries (m past MC, n past NC = 1024, k past KC)', () => {
    const rand = lcg(2);
    const sizes: [number, number, number][] = [[79, 1031, 5], [73, 9, 263], [150, 37, 520]];
    for (const [m, n, k] of sizes) for (const [ta, tb, acc] of flagSets) expectMatchesReference(makeCase(rand, m, n, k, ta, tb, acc));
  });

  it('matches the reference on 60 random shapes', () => {
    const rand = lcg(3);
    for (let t = 0; t < 60; t++) {
      const dim = (): number => 1 + Math.floor(rand() * 70);
      const [ta, tb, acc] = flagSets[t % flagSets.length];
      expectMatchesReference(makeCase(rand, dim(), dim(), dim(), ta, tb, acc));
    }
  });

  it('with k = 0 writes zeros, or leaves C alone when accumulating', () => {
    const c = new Float32Array([5, 5, 5, 5, 5]);
    const args: GemmArgs = { m: 2, n: 2, k: 0, a: new Float32Array(0), aOffset: 0, lda: 0, transA: false, b: new Float32Array(0), bOffset: 0, ldb: 2, transB: false, c, cOffset: 0, ldc: 3, accumulate: true };
    gemm(args);
    expect([...c]).toEqual([5, 5, 5, 5, 5]);
    gemm({ ...args, accumulate: false });
    expect([...c]).toEqual([0, 0, 5, 0, 0]);
  });

  it('overwrites NaN already in C when not accumulating', () => {
    const rand = lcg(4);
    for (const [m, n, k] of [[2, 2, 2], [30, 30, 30], [40, 8, 6]]) {
      const g = makeCase(rand, m, n, k, false, false, false);
      g.c.fill(NaN);
      gemm(g);
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) expect(Number.isNaN(g.c[g.cOffset + i * g.ldc + j])).toBe(false);
    }
  });

  it('gives the same result when called again (scratch buffers are reused safely)', () => {
    const rand = lcg(5);
    const big = makeCase(rand, 100, 90, 300, true, false, false);
    const small = makeCase(rand, 9, 10, 11, false, true, false);
    gemm(big);
    const first = Float32Array.from(small.c);
    gemm(small);
    const once = Float32Array.from(small.c);
    small.c.set(first);
    gemm(small);
    expect(small.c).toEqual(once);
  });
});

describe.runIf(wasmGemmAvailable())('untransposed products on operands resident in WebAssembly memory (gemm_wasm_resident.ts)', () => {
  it.each([
    [65, 17, 9],
    [130, 1030, 20],
    [7, 33, 1030],
    [64, 64, 513],
  ])('m=%i n=%i k=%i: every block edge (MC 64, NC 1024, KC 512), accumulating or not', (m, n, k) => {
    const rand = lcg(m * n + k);
    for (const accumulate of [false, true]) {
      const g = makeCase(rand, m, n, k, false, false, accumulate);
      expect(prefersResident(g)).toBe(true);
      expectMatchesReference(g);
    }
  });
});
