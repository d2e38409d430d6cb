// webasm's direct convolutions take a batch in chunks when its buffers would pass the device's
// texture side or 2^24 elements. webasm itself has no texture limit, so this file lowers the
// device's to 256 rows to split small batches: each chunk must read its own images, padded or
// read in place, and the chunks must join in order.
import '@nn/backend-cpu';
import { conv2d, conv2dBackpropInput, engine, manualSeed, randn, setBackend } from '@nn/tensor';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { GpujsBackend } from '../backend_gpujs.js';
import { setGpujsOptions } from '../index.js';
import { compareWithLabels } from '../test-utils/compare.js';

setGpujsOptions({ mode: 'webasm' });
beforeAll(async () => {
  await setBackend('gpujs');
  const backend = engine().findBackend('gpujs') as GpujsBackend;
  (backend.device as { maxTextureSize: number }).maxTextureSize = 256;
  await setBackend('cpu');
});
afterEach(() => vi.restoreAllMocks());

describe('webasm convolutions in batch chunks', () => {
  const cases: { name: string; x: number[]; w: number[]; padding: number; path: string }[] = [
    { name: 'shallow patches, padded', x: [7, 2, 20, 20], w: [5, 2, 3, 3], padding: 1, path: 'Conv2D direct' },
    { name: 'shallow patches, read in place', x: [7, 2, 20, 20], w: [5, 2, 3, 3], padding: 0, path: 'Conv2D direct' },
    { name: 'deep patches, padded', x: [9, 8, 12, 12], w: [10, 8, 3, 3], padding: 1, path: 'Conv2D direct, 4 channels' },
    { name: 'deep patches, read in place', x: [9, 8, 12, 12], w: [10, 8, 3, 3], padding: 0, path: 'Conv2D direct, 4 channels' },
  ];
  for (const c of cases) {
    it(`matches backend-cpu: ${c.name}`, async () => {
      manualSeed(7);
      const x = randn(c.x);
      const w = randn(c.w);
      const { error, labels } = await compareWithLabels(() => conv2d(x, w, null, { padding: c.padding }));
      expect(error).toBeLessThan(1e-5);
      expect(labels.filter((l) => l === c.path).length).toBeGreaterThan(1);
      expect(labels.some((l) => l.startsWith('Concat'))).toBe(true);
    });
  }

  it('computes the input gradient (a forward convolution of dy) in chunks too', async () => {
    manualSeed(8);
    const dy = randn([7, 5, 18, 18]);
    const w = randn([5, 2, 3, 3]);
    const attrs = { stride: [1, 1] as [number, number], padding: [0, 0, 0, 0] as [number, number, number, number], dilation: [1, 1] as [number, number], groups: 1 };
    const { error, labels } = await compareWithLabels(() => conv2dBackpropInput(dy, w, [7, 2, 20, 20], attrs));
    expect(error).toBeLessThan(1e-5);
    expect(labels.filter((l) => l === 'Conv2D direct').length).toBeGreaterThan(1);
  });
});
