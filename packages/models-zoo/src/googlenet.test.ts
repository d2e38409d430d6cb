import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import { crossEntropy } from '@nn/layers';
import { concat, manualSeed, randint, randn, slice, type Tensor } from '@nn/tensor';
import { googlenet, type GoogLeNetOptions } from './googlenet.js';
import { expectEvalChangesBehaviour, expectSafetensorsRoundTrip, expectStepLowersLoss, outputOf } from './test-utils/model_checks.js';

// 1/8 of every channel count on 32×32 images (down to 1×1 after the fourth pooling): every module, fast.
const small: GoogLeNetOptions = { width: 1 / 8, numClasses: 4 };

describe('googlenet', () => {
  it('concatenates the four branches of each inception module: 3a gives 64+128+32+32 = 256 channels', () => {
    const model = googlenet({ init: false });
    expect(model.inception3a.outChannels).toBe(256);
    expect(model.inception5b.outChannels).toBe(1024);
    expect(model.numFeatures).toBe(1024);
  });

  it('gives [N, numClasses] logits; the auxiliary classifiers run only in training, through forwardWithAux', () => {
    manualSeed(0);
    const model = googlenet({ ...small, auxLogits: true });
    const x = randn([2, 3, 32, 32]);
    model.train();
    expect(model.forward(x).shape).toEqual([2, 4]);
    const out = model.forwardWithAux(x);
    expect([out.logits.shape, out.aux1?.shape, out.aux2?.shape]).toEqual([[2, 4], [2, 4], [2, 4]]);
    model.eval();
    const evalOut = model.forwardWithAux(x);
    expect([evalOut.aux1, evalOut.aux2]).toEqual([null, null]);
    expect([...evalOut.logits.dataSync()]).toEqual([...model.forward(x).dataSync()]);
    // Without auxiliary classifiers there are none, in any mode.
    const plain = googlenet(small);
    expect([plain.aux1, plain.aux2]).toEqual([null, null]);
    expect(plain.forwardWithAux(x).aux1).toBeNull();
  });

  it('one SGD step lowers the paper\'s loss, L(logits) + 0.3·(L(aux1) + L(aux2))', () => {
    manualSeed(1);
    const model = googlenet({ ...small, auxLogits: true });
    const x = randn([4, 3, 32, 32]);
    const labels = randint(0, 4, [4]);
    const loss = (): Tensor => {
      const { logits, aux1, aux2 } = model.forwardWithAux(x);
      return crossEntropy(logits, labels).add(crossEntropy(aux1!, labels).add(crossEntropy(aux2!, labels)).mul(0.3));
    };
    expectStepLowersLoss(model, loss, 0.02);
  });

  it('round-trips through safetensors, with and without auxiliary classifiers', () => {
    manualSeed(2);
    const x = randn([2, 3, 32, 32]);
    expectSafetensorsRoundTrip(googlenet(small), googlenet({ ...small, init: false }), x);
    expectSafetensorsRoundTrip(googlenet({ ...small, auxLogits: true }), googlenet({ ...small, auxLogits: true, init: false }), x);
  });

  it('eval() switches batch norm to running statistics and dropout off', () => {
    manualSeed(3);
    expectEvalChangesBehaviour(googlenet(small), randn([2, 3, 32, 32]), { dropout: true, batchNorm: true });
  });

  it("transformInput maps ImageNet normalisation to torchvision's (x − 0.5)/0.5", () => {
    manualSeed(4);
    const model = googlenet({ ...small, transformInput: true }).eval();
    const plain = googlenet({ ...small, init: false }).eval();
    plain.loadStateDict(model.stateDict());
    const x = randn([1, 3, 32, 32]);
    const mean = [0.485, 0.456, 0.406];
    const std = [0.229, 0.224, 0.225];
    const by = concat(mean.map((m, c) => slice(x, [0, c], [1, c + 1]).mul(std[c]).add(m).sub(0.5).div(0.5)), 1);
    const expected = outputOf(plain, by);
    outputOf(model, x).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
  });

  it('rejects auxiliary classifiers without classes', () => {
    expect(() => googlenet({ numClasses: 0, auxLogits: true })).toThrow(/googlenet: auxLogits needs numClasses > 0/);
  });
});
