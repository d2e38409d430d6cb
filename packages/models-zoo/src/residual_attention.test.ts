import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import { crossEntropy, summary } from '@nn/layers';
import { manualSeed, onMeta, randint, randn } from '@nn/tensor';
import { AttentionModule, residualAttention56, residualAttention92, ResidualUnit, type ResidualAttentionNetwork } from './residual_attention.js';
import { expectEvalChangesBehaviour, expectSafetensorsRoundTrip, expectStepLowersLoss } from './test-utils/model_checks.js';

const small = { width: 1 / 8, numClasses: 3 };

describe('residual attention networks', () => {
  for (const [name, make, modules] of [
    ['residualAttention56', residualAttention56, [1, 1, 1]],
    ['residualAttention92', residualAttention92, [1, 2, 3]],
  ] as [string, (o?: typeof small & { init?: boolean }) => ResidualAttentionNetwork, number[]][]) {
    it(`${name}: attention modules [${modules.join(', ')}], shape, one training step, safetensors, eval`, () => {
      manualSeed(1);
      const model = make(small);
      expect([model.stage1.length, model.stage2.length, model.stage3.length]).toEqual(modules);
      expect([model.stage1, model.stage2, model.stage3].map((s) => (s.at(0) as AttentionModule).depth)).toEqual([3, 2, 1]);
      // 64×64 images and a batch of 4 keep batch norm's statistics sound down to the last stage;
      // the gradient is still large at He initialisation (|g| ~ 100–300), hence the small step.
      const x = randn([4, 3, 64, 64]);
      expect(model.forward(x).shape).toEqual([4, 3]);
      const labels = randint(0, 3, [4]);
      expectStepLowersLoss(model, () => crossEntropy(model.forward(x), labels), 1e-6);
      expectSafetensorsRoundTrip(model, make({ ...small, init: false }), x);
      expectEvalChangesBehaviour(model, x, { dropout: false, batchNorm: true });
    });
  }

  it('an attention module keeps the resolution; its mask is in (0, 1) and of the trunk\'s shape', () => {
    manualSeed(2);
    const module = new AttentionModule(8, 3);
    const x = randn([1, 8, 16, 16]);
    expect(module.forward(x).shape).toEqual([1, 8, 16, 16]);
    const mask = module.mask(x).dataSync();
    expect(mask.length).toBe(8 * 16 * 16);
    expect(mask.every((v) => v > 0 && v < 1)).toBe(true);
  });

  it('with a zero mask head, H(x) = (1 + M)·T is (1 + ½)·T: attention never erases the trunk', () => {
    manualSeed(3);
    const module = new AttentionModule(4, 1).eval();
    // Zero the last 1×1 conv of the mask: the sigmoid gives 0.5 everywhere.
    const last = module.maskHead.at(5);
    last.loadStateDict({ weight: last.parameters()[0].mul(0) });
    const x = randn([1, 4, 8, 8]);
    expect([...module.mask(x).dataSync()].every((v) => v === 0.5)).toBe(true);
  });

  it('residual units project the shortcut when the shape changes', () => {
    expect(new ResidualUnit(8, 8).shortcut).toBeNull();
    expect(new ResidualUnit(8, 16).shortcut).not.toBeNull();
    expect(new ResidualUnit(8, 8, 2).shortcut).not.toBeNull();
  });

  it('costs about what the paper says at 224×224: 6.2 and 10.4 G multiply-accumulates', () => {
    const macs = (make: typeof residualAttention56): number => onMeta(() => summary(make({ init: false }), [1, 3, 224, 224], { print: false }).totalMacs);
    expect(macs(residualAttention56) / 6.2e9).toBeCloseTo(1, 1);
    expect(macs(residualAttention92) / 10.4e9).toBeCloseTo(1, 1);
  });
});
