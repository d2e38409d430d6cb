import { describe, expect, it } from 'vitest';
import { backpropInputAsConv, prefersForwardConv } from './conv2d_backprop_input_conv.js';
import { wasmGemmAvailable } from './gemm_wasm.js';
import { geometryOf, maxRelativeError, randomValues, referenceBackpropInput, seededRandom, type ConvCase } from './test-utils/conv_reference.js';

const stride1 = (xShape: ConvCase['xShape'], wShape: ConvCase['wShape'], padding: [number, number, number, number], groups = 1): ConvCase => ({
  xShape,
  wShape,
  attrs: { stride: [1, 1], padding, dilation: [1, 1], groups },
});

describe.runIf(wasmGemmAvailable())('Conv2DBackpropInput as a forward conv of dy (conv2d_backprop_input_conv.ts)', () => {
  it.each<[string, ConvCase]>([
    ['LeNet conv2: 6 → 16, 5×5, batch 3', stride1([3, 6, 14, 14], [16, 6, 5, 5], [0, 0, 0, 0])],
    ['C_in 2, padding 1 (ResNet-like 3×3)', stride1([2, 2, 9, 11], [5, 2, 3, 3], [1, 1, 1, 1])],
    ['C_in 3, asymmetric padding and kernel', stride1([1, 3, 10, 7], [4, 3, 3, 2], [2, 0, 1, 0])],
    ['C_in 4, 24 filters 3×3 on 20² (the adjoint has 24 input channels)', stride1([1, 4, 20, 20], [24, 4, 3, 3], [1, 1, 1, 1])],
    ['3×3 with 16 channels each way (the adjoint runs Winograd)', stride1([1, 16, 18, 18], [16, 16, 3, 3], [1, 1, 1, 1])],
    ['groups 2', stride1([2, 6, 8, 9], [4, 3, 3, 3], [1, 1, 1, 1], 2)],
    ['padding k - 1 (the adjoint is unpadded)', stride1([1, 2, 6, 6], [3, 2, 3, 3], [2, 2, 2, 2])],
  ])('%s', (_name, c) => {
    const g = geometryOf(c);
    expect(prefersForwardConv(g)).toBe(true);
    const random = seededRandom(2);
    const dy = randomValues(random, g.batch * g.outChannels * g.outArea);
    const w = randomValues(random, c.wShape.reduce((a, b) => a * b));
    const dx = new Float32Array(g.batch * g.inChannels * g.inArea).fill(Number.NaN);
    backpropInputAsConv(dy, w, dx, g);
    expect(maxRelativeError(dx, referenceBackpropInput(dy, w, g))).toBeLessThan(1e-5);
  });

  it('is not used where the adjoint would need negative padding, a stride or a dilation', () => {
    expect(prefersForwardConv(geometryOf(stride1([1, 2, 6, 6], [3, 2, 3, 3], [3, 3, 3, 3])))).toBe(false);
    const strided = stride1([1, 2, 9, 9], [3, 2, 3, 3], [1, 1, 1, 1]);
    strided.attrs.stride = [2, 2];
    expect(prefersForwardConv(geometryOf(strided))).toBe(false);
  });
});
