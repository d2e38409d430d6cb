import '@nn/backend-cpu';
import { engine, KernelName, manualSeed, randn, type Conv2DAttrs } from '@nn/tensor';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setGpujsOptions } from '../index.js';
import { compareWithLabels } from '../test-utils/compare.js';

setGpujsOptions({ mode: 'webasm' });

interface Case {
  name: string;
  x: [number, number, number, number];
  w: [number, number, number, number];
  stride?: number;
  /** [top, bottom, left, right] */
  padding?: [number, number, number, number];
  dilation?: number;
  groups?: number;
  /** Whether the webasm kernels of conv2d_grad_webasm.ts take it (else the generic ones). */
  fastInput: boolean;
  fastFilter: boolean;
}

const cases: Case[] = [
  { name: 'LeNet conv2', x: [4, 6, 14, 14], w: [16, 6, 5, 5], fastInput: true, fastFilter: true },
  { name: 'LeNet conv1, padding 2', x: [3, 1, 28, 28], w: [6, 1, 5, 5], padding: [2, 2, 2, 2], fastInput: true, fastFilter: true },
  { name: '3×3 pad 1, odd channels', x: [2, 5, 11, 13], w: [7, 5, 3, 3], padding: [1, 1, 1, 1], fastInput: true, fastFilter: true },
  { name: 'dilation 2, asymmetric padding', x: [3, 3, 12, 10], w: [5, 3, 3, 3], padding: [1, 3, 0, 2], dilation: 2, fastInput: true, fastFilter: true },
  { name: 'stride 2 (input gradient generic)', x: [3, 4, 17, 15], w: [9, 4, 3, 3], stride: 2, padding: [2, 2, 2, 2], dilation: 2, fastInput: false, fastFilter: true },
  { name: 'padding past the kernel (input gradient generic)', x: [2, 3, 6, 7], w: [4, 3, 2, 2], padding: [2, 2, 2, 2], fastInput: false, fastFilter: true },
  { name: '1×1, 33 channels', x: [2, 16, 9, 9], w: [33, 16, 1, 1], fastInput: true, fastFilter: true },
  // 41 × 41 outputs: K split into row blocks of one image (the last one partial), columns in a loop.
  { name: 'large plane', x: [2, 2, 43, 43], w: [4, 2, 3, 3], fastInput: true, fastFilter: true },
  // 11 images of 10 × 10 outputs: parts of 10 images, the last one partial.
  { name: 'batch not a multiple of the part', x: [11, 2, 12, 12], w: [5, 2, 3, 3], fastInput: true, fastFilter: true },
  { name: 'three output channels (generic)', x: [2, 4, 8, 8], w: [3, 4, 3, 3], padding: [1, 1, 1, 1], fastInput: true, fastFilter: false },
  { name: 'grouped (generic)', x: [2, 6, 10, 10], w: [9, 2, 3, 3], padding: [1, 1, 1, 1], groups: 3, fastInput: false, fastFilter: false },
];

/** float32 sums of up to a few thousand products of normal values (a lost term would be off by ~1). */
const TOLERANCE = 1e-4;

function attrsOf(c: Case): Conv2DAttrs {
  const s = c.stride ?? 1;
  const d = c.dilation ?? 1;
  return { stride: [s, s], padding: c.padding ?? [0, 0, 0, 0], dilation: [d, d], groups: c.groups ?? 1 };
}

function outSize(c: Case): [number, number] {
  const { stride, padding, dilation } = attrsOf(c);
  return [
    Math.floor((c.x[2] + padding[0] + padding[1] - dilation[0] * (c.w[2] - 1) - 1) / stride[0]) + 1,
    Math.floor((c.x[3] + padding[2] + padding[3] - dilation[1] * (c.w[3] - 1) - 1) / stride[1]) + 1,
  ];
}


describe('convolution gradients on gpujs (webasm)', () => {
  afterEach(() => vi.restoreAllMocks());
  for (const c of cases) {
    const attrs = attrsOf(c);
    const [outH, outW] = outSize(c);
    it(`input gradient matches the cpu backend: ${c.name}`, async () => {
      manualSeed(5);
      const dy = randn([c.x[0], c.w[0], outH, outW]);
      const w = randn(c.w);
      const { error, labels } = await compareWithLabels(() => engine().runKernel(KernelName.Conv2DBackpropInput, { dy, weight: w }, { ...attrs, inputShape: c.x })[0]);
      expect(error).toBeLessThan(TOLERANCE);
      expect(labels.includes('Conv2DBackpropInput flip filter')).toBe(c.fastInput);
      dy.dispose();
      w.dispose();
    });
    it(`filter gradient matches the cpu backend: ${c.name}`, async () => {
      manualSeed(6);
      const x = randn(c.x);
      const dy = randn([c.x[0], c.w[0], outH, outW]);
      const { error, labels } = await compareWithLabels(() => engine().runKernel(KernelName.Conv2DBackpropFilter, { x, dy }, { ...attrs, filterShape: c.w })[0]);
      expect(error).toBeLessThan(TOLERANCE);
      expect(labels.includes('Conv2DBackpropFilter, 4 channels')).toBe(c.fastFilter);
      x.dispose();
      dy.dispose();
    });
  }
});
