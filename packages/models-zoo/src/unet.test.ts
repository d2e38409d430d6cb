import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import { BatchNorm2d, crossEntropy, summary } from '@nn/layers';
import { manualSeed, onMeta, randint, randn } from '@nn/tensor';
import { Conv2d } from './building.js';
import { unet, type UNetOptions } from './unet.js';
import { expectEvalChangesBehaviour, expectSafetensorsRoundTrip, expectStepLowersLoss } from './test-utils/model_checks.js';

const small: UNetOptions = { baseWidth: 4, numClasses: 3 };

describe('unet', () => {
  it('gives a mask the size of the input, through 64-128-256-512-1024 channels', () => {
    manualSeed(0);
    const rows = onMeta(() => summary(unet({ init: false }), [1, 1, 64, 64], { print: false }).rows);
    const shapeOf = (name: string): number[] | null => rows.find((r) => r.name === name)!.outputShape;
    expect(['down.0', 'down.1', 'down.2', 'down.3', 'bottleneck'].map(shapeOf)).toEqual([
      [1, 64, 64, 64],
      [1, 128, 32, 32],
      [1, 256, 16, 16],
      [1, 512, 8, 8],
      [1, 1024, 4, 4],
    ]);
    expect(['up.0', 'up.3', 'head'].map(shapeOf)).toEqual([[1, 512, 8, 8], [1, 64, 64, 64], [1, 2, 64, 64]]);
  });

  for (const batchNorm of [false, true]) {
    it(`${batchNorm ? 'with' : 'without'} batch norm: one training step, safetensors${batchNorm ? ', eval' : ''}`, () => {
      manualSeed(1);
      const model = unet({ ...small, batchNorm });
      expect(model.modules().some((m) => m instanceof BatchNorm2d)).toBe(batchNorm);
      // Batch norm makes the 3×3 convolutions' bias redundant; the 1×1 head keeps its own.
      const convs = model.modules().filter((m): m is Conv2d => m instanceof Conv2d);
      expect(convs.filter((c) => c.bias === null).length).toBe(batchNorm ? convs.length - 1 : 0);
      const x = randn([2, 1, 32, 32]);
      expect(model.forward(x).shape).toEqual([2, 3, 32, 32]);
      const masks = randint(0, 3, [2, 32, 32]);
      expectStepLowersLoss(model, () => crossEntropy(model.forward(x), masks), 0.05);
      expectSafetensorsRoundTrip(model, unet({ ...small, batchNorm, init: false }), x);
      if (batchNorm) expectEvalChangesBehaviour(model, x, { dropout: false, batchNorm: true });
    });
  }

  it('depth, width, channels and classes are options', () => {
    const model = unet({ inChannels: 3, numClasses: 5, baseWidth: 2, depth: 2 });
    expect(model.down.length).toBe(2);
    expect(model.forward(randn([1, 3, 12, 8])).shape).toEqual([1, 5, 12, 8]);
  });

  it('rejects sizes that the poolings cannot halve, naming the multiple', () => {
    expect(() => unet(small).forward(randn([1, 1, 24, 24]))).toThrow(/UNet: height and width must be multiples of 16 \(2\^depth, depth 4\), got shape \[1,1,24,24\]/);
    expect(() => unet({ depth: 0 })).toThrow(/unet: depth must be an integer >= 1, got 0/);
  });
});
