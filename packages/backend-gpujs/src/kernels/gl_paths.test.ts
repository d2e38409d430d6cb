// The GL-mode paths (2 × 2 GEMM on operands packed four k per texel, im2col, and the shallow
// convolutions' pixel and channel tiles) checked against backend-cpu. By default in gpu.js's
// cpu mode, which runs the same kernel sources as the GL modes; tooling/gpu-legs runs this file
// again with NN_GPUJS_MODE=headlessgl, on a real GL stack.
import '@nn/backend-cpu';
import { conv2d, manualSeed, matmul, randn } from '@nn/tensor';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setGpujsOptions } from '../index.js';
import { compareWithLabels } from '../test-utils/compare.js';

const mode = process.env.NN_GPUJS_MODE === 'headlessgl' ? 'headlessgl' : 'cpu';
setGpujsOptions({ mode });

/** float32 sums of a few hundred products of normal values. */
const TOLERANCE = 1e-4;


describe(`GL-mode matmul and convolution paths (gpu.js ${mode} mode)`, () => {
  afterEach(() => vi.restoreAllMocks());

  const matmuls: { name: string; a: number[]; b: number[]; transposeA?: boolean; transposeB?: boolean }[] = [
    { name: 'odd sizes, K not a multiple of 4', a: [67, 45], b: [45, 38] },
    { name: 'both transposed', a: [45, 67], b: [38, 45], transposeA: true, transposeB: true },
    { name: 'broadcast batches', a: [3, 1, 20, 33], b: [2, 33, 17] },
  ];
  for (const c of matmuls) {
    it(`matmul on the packed 2 × 2 GEMM: ${c.name}`, async () => {
      manualSeed(1);
      const a = randn(c.a);
      const b = randn(c.b);
      const { error, labels, backend } = await compareWithLabels(() => matmul(a, b, { transposeA: c.transposeA, transposeB: c.transposeB }));
      expect(backend.mode).toBe(mode);
      expect(error).toBeLessThan(TOLERANCE);
      expect(labels).toContain('GEMM 2×2 tiles');
    });
  }

  const convs: { name: string; x: number[]; w: number[]; stride?: [number, number]; padding?: number; dilation?: [number, number]; path: string }[] = [
    { name: "LeNet's first layer, padding 2", x: [4, 1, 28, 28], w: [6, 1, 5, 5], padding: 2, path: 'Conv2D pixel tiles' },
    { name: 'shallow, width not a multiple of 4, 7 channels', x: [3, 2, 13, 19], w: [7, 2, 3, 3], padding: 1, path: 'Conv2D pixel tiles' },
    { name: 'shallow, width stride and dilation 2', x: [3, 2, 20, 21], w: [5, 2, 3, 3], stride: [1, 2], dilation: [2, 2], path: 'Conv2D channel tiles' },
    { name: 'deep patches (72 values) through im2col', x: [2, 8, 12, 12], w: [10, 8, 3, 3], padding: 1, path: 'GEMM 2×2 tiles' },
  ];
  for (const c of convs) {
    it(`conv2d: ${c.name}`, async () => {
      manualSeed(2);
      const x = randn(c.x);
      const w = randn(c.w);
      const { error, labels, backend } = await compareWithLabels(() => conv2d(x, w, null, { stride: c.stride ?? 1, padding: c.padding ?? 0, dilation: c.dilation ?? 1 }));
      expect(backend.mode).toBe(mode);
      expect(error).toBeLessThan(TOLERANCE);
      expect(labels).toContain(c.path);
    });
  }
});
