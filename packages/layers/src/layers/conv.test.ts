import '@nn/backend-cpu';
import { requiresGrad } from '@nn/autograd';
import { conv2d, manualSeed, pad, randn, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { expectClose, loadVector } from '../test-utils/vectors.js';
import { Conv1d, Conv2d, ConvTranspose2d } from './conv.js';

function uniformStats(t: Tensor): { maxAbs: number; std: number } {
  const v = t.dataSync();
  let sq = 0;
  let maxAbs = 0;
  for (const x of v) {
    sq += x * x;
    maxAbs = Math.max(maxAbs, Math.abs(x));
  }
  return { maxAbs, std: Math.sqrt(sq / v.length) };
}

/** The vector's forward and, through backward, every gradient. */
function checkAgainstVector(layer: Conv2d | ConvTranspose2d, name: string): void {
  const v = loadVector(name);
  layer.loadStateDict({ weight: v.inputs.weight, bias: v.inputs.bias });
  const x = requiresGrad(v.inputs.x);
  const y = layer.forward(x);
  expectClose(y, v.output, 1e-4, 1e-4, `${name} output`);
  y.mul(v.G).sum().backward();
  expectClose(x.grad!, v.grads.x, 1e-4, 1e-4, `${name} grad x`);
  expectClose(layer.weight.grad!, v.grads.weight, 1e-4, 1e-4, `${name} grad weight`);
  expectClose(layer.bias!.grad!, v.grads.bias, 1e-4, 1e-4, `${name} grad bias`);
}

describe('Conv2d', () => {
  it("initialises as PyTorch: weight and bias in ±1/√fan_in, weight std 1/√(3·fan_in)", () => {
    manualSeed(0);
    const conv = new Conv2d(16, 32, 3);
    const fanIn = 16 * 9;
    expect(conv.weight.shape).toEqual([32, 16, 3, 3]);
    const w = uniformStats(conv.weight);
    expect(w.maxAbs).toBeLessThanOrEqual(1 / Math.sqrt(fanIn));
    expect(w.std / (1 / Math.sqrt(3 * fanIn))).toBeCloseTo(1, 1);
    expect(uniformStats(conv.bias!).maxAbs).toBeLessThanOrEqual(1 / Math.sqrt(fanIn));
    // Groups shrink fan_in.
    const grouped = new Conv2d(16, 32, 3, { groups: 4 });
    expect(grouped.weight.shape).toEqual([32, 4, 3, 3]);
    expect(uniformStats(grouped.weight).maxAbs).toBeLessThanOrEqual(1 / Math.sqrt(36));
    expect(uniformStats(grouped.weight).maxAbs).toBeGreaterThan(1 / Math.sqrt(144));
  });

  it('matches the PyTorch vectors, stride 1 padding 1 and stride 2, forward and gradients', () => {
    checkAgainstVector(new Conv2d(3, 4, 3, { padding: 1 }), 'conv2d__s1_p1');
    checkAgainstVector(new Conv2d(3, 4, 3, { stride: 2 }), 'conv2d__s2_p0');
  });

  it("computes 'same' and reflect padding", () => {
    const x = randn([1, 2, 5, 6]);
    const same = new Conv2d(2, 3, [3, 4], { padding: 'same' });
    expect(same.forward(x).shape).toEqual([1, 3, 5, 6]);
    const reflect = new Conv2d(2, 3, 3, { padding: 1, paddingMode: 'reflect' });
    const expected = conv2d(pad(x, [1, 1, 1, 1], { mode: 'reflect' }), reflect.weight, reflect.bias);
    expectClose(reflect.forward(x), expected, 1e-6, 1e-6);
  });

  it('has no bias when asked, and the state-dict keys of PyTorch', () => {
    const conv = new Conv2d(1, 6, 5, { bias: false });
    expect(Object.keys(conv.stateDict())).toEqual(['weight']);
    expect(Object.keys(new Conv2d(1, 6, 5).stateDict())).toEqual(['weight', 'bias']);
  });

  it('prints its settings like PyTorch', () => {
    expect(new Conv2d(1, 6, 5).toString()).toBe('Conv2d(1, 6, kernelSize=[5, 5], stride=[1, 1])');
    expect(new Conv2d(4, 8, 3, { stride: 2, padding: 1, groups: 2, bias: false, dilation: 2 }).toString()).toBe(
      'Conv2d(4, 8, kernelSize=[3, 3], stride=[2, 2], padding=[1, 1], dilation=[2, 2], groups=2, bias=false)',
    );
  });

  it('rejects bad settings and inputs with the layer name', () => {
    expect(() => new Conv2d(3, 4, 3, { groups: 2 })).toThrow(/Conv2d: inChannels \(3\) must be divisible by groups \(2\)/);
    expect(() => new Conv2d(4, 6, 3, { groups: 4 })).toThrow(/Conv2d: outChannels \(6\) must be divisible by groups \(4\)/);
    expect(() => new Conv2d(0, 4, 3)).toThrow(/Conv2d: inChannels must be a positive integer, got 0/);
    expect(() => new Conv2d(1, 4, 0)).toThrow(/Conv2d: kernelSize must be an integer >= 1/);
    expect(() => new Conv2d(1, 4, 3, { stride: 2, padding: 'same' })).toThrow(/padding='same' needs stride 1/);
    expect(() => new Conv2d(1, 4, 3, { paddingMode: 'circular' as 'zeros' })).toThrow(/paddingMode must be 'zeros' or 'reflect'/);
    expect(() => new Conv2d(3, 4, 3).forward(randn([1, 2, 8, 8]))).toThrow(/conv2d: .*3/);
  });
});

describe('Conv1d', () => {
  it('is a 1-D convolution with PyTorch init and keys', () => {
    const conv = new Conv1d(2, 4, 3, { padding: 1, stride: 2 });
    expect(conv.weight.shape).toEqual([4, 2, 3]);
    const x = randn([5, 2, 9]);
    const y = conv.forward(x);
    expect(y.shape).toEqual([5, 4, 5]);
    // Same as a conv2d of height 1.
    const as2d = conv2d(x.reshape([5, 2, 1, 9]), conv.weight.reshape([4, 2, 1, 3]), conv.bias, { stride: [1, 2], padding: [0, 1] });
    expectClose(y, as2d.reshape([5, 4, 5]), 1e-6, 1e-6);
    expect(uniformStats(conv.weight).maxAbs).toBeLessThanOrEqual(1 / Math.sqrt(6));
    expect(conv.toString()).toBe('Conv1d(2, 4, kernelSize=[3], stride=[2], padding=[1])');
    expect(() => new Conv1d(2, 4, 3, { stride: 0 })).toThrow(/Conv1d: stride must be an integer >= 1/);
  });
});

describe('ConvTranspose2d', () => {
  it('matches the PyTorch vector (stride 2, kernel 2), forward and gradients', () => {
    const layer = new ConvTranspose2d(3, 2, 2, { stride: 2 });
    expect(layer.weight.shape).toEqual([3, 2, 2, 2]);
    checkAgainstVector(layer, 'conv_transpose2d__s2_k2');
  });

  it("takes fan_in from the weight's dim 1 (outChannels/groups·k²), as PyTorch", () => {
    manualSeed(1);
    const layer = new ConvTranspose2d(64, 8, 3);
    expect(uniformStats(layer.weight).maxAbs).toBeLessThanOrEqual(1 / Math.sqrt(8 * 9));
    expect(uniformStats(layer.weight).maxAbs).toBeGreaterThan(0.9 / Math.sqrt(8 * 9));
  });

  it('computes output sizes with outputPadding and rejects a too large one', () => {
    const layer = new ConvTranspose2d(2, 3, 3, { stride: 2, padding: 1, outputPadding: 1 });
    expect(layer.forward(randn([1, 2, 4, 4])).shape).toEqual([1, 3, 8, 8]);
    expect(() => new ConvTranspose2d(2, 3, 3, { stride: 2, outputPadding: 2 })).toThrow(/outputPadding \[2, 2\] must be smaller than stride \[2, 2\] or dilation \[1, 1\]/);
  });
});
