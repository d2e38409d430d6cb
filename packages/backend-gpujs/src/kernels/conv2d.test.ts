import '@nn/backend-cpu';
import { conv2d, manualSeed, randn } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { setGpujsOptions } from '../index.js';
import { maxRelativeError, onBothBackends } from '../test-utils/compare.js';

setGpujsOptions({ mode: 'webasm' });

interface Case {
  name: string;
  x: number[];
  w: number[];
  options: { stride?: number; padding?: number; dilation?: number; groups?: number };
}

describe('Conv2D on gpujs', () => {
  // im2col + tiled GEMM for one group (odd channel and pixel counts pad the tiles), the direct kernel otherwise.
  const cases: Case[] = [
    { name: 'LeNet first layer', x: [8, 1, 28, 28], w: [6, 1, 5, 5], options: {} },
    { name: '3×3 pad 1, odd channels', x: [2, 5, 11, 13], w: [7, 5, 3, 3], options: { padding: 1 } },
    { name: 'stride 2, dilation 2', x: [3, 4, 17, 15], w: [9, 4, 3, 3], options: { stride: 2, dilation: 2, padding: 2 } },
    { name: '1×1', x: [2, 16, 9, 9], w: [33, 16, 1, 1], options: {} },
    { name: 'batch in chunks (patches past one texture)', x: [3, 2, 100, 100], w: [4, 2, 3, 3], options: {} },
    { name: 'grouped (direct kernel)', x: [2, 6, 10, 10], w: [9, 2, 3, 3], options: { groups: 3, padding: 1 } },
    // webasm: deep patches (Cin·kH·kW >= 64) take four output channels per thread; 6 channels overlap the last group.
    { name: 'deep patch, 6 channels', x: [2, 8, 9, 11], w: [6, 8, 3, 3], options: { padding: 1 } },
    { name: 'deep patch, stride 2 pad 3 (ResNet stem)', x: [2, 3, 23, 21], w: [8, 3, 7, 7], options: { stride: 2, padding: 3 } },
    { name: 'deep patch, dilation 2, 5 channels', x: [1, 16, 12, 12], w: [5, 16, 3, 3], options: { dilation: 2, padding: 1 } },
  ];
  for (const { name, x: xShape, w: wShape, options } of cases) {
    it(`matches the cpu backend: ${name}`, async () => {
      manualSeed(11);
      const x = randn(xShape);
      const w = randn(wShape);
      const { cpu, gpujs } = await onBothBackends(() => conv2d(x, w, null, options));
      expect(maxRelativeError(gpujs, cpu)).toBeLessThan(1e-5);
      x.dispose();
      w.dispose();
    });
  }
});
