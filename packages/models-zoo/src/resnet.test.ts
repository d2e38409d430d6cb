import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import { crossEntropy } from '@nn/layers';
import { manualSeed, randint, randn } from '@nn/tensor';
import { BasicBlock, Bottleneck, resnet18, resnet34, resnet50, resnet101, resnet152, type ResNet, type ResNetOptions } from './resnet.js';
import { expectEvalChangesBehaviour, expectSafetensorsRoundTrip, expectStepLowersLoss } from './test-utils/model_checks.js';

// 1/8 of the channels (8 … 64, ×4 in bottlenecks) on 32×32 images: every block, fast. So
// narrow and so small an image leave batch norm a handful of values per channel in the last
// stages, where a deep network's gradient at He initialisation is huge (|g| ~ 1e5 for
// ResNet-152); torchvision's zeroInitResidual starts every block as the identity and makes
// one plain SGD step well-behaved at any depth.
const small: ResNetOptions = { width: 1 / 8, numClasses: 3, zeroInitResidual: true };

const factories: [string, (o?: ResNetOptions) => ResNet, typeof BasicBlock | typeof Bottleneck, number[]][] = [
  ['resnet18', resnet18, BasicBlock, [2, 2, 2, 2]],
  ['resnet34', resnet34, BasicBlock, [3, 4, 6, 3]],
  ['resnet50', resnet50, Bottleneck, [3, 4, 6, 3]],
  ['resnet101', resnet101, Bottleneck, [3, 4, 23, 3]],
  ['resnet152', resnet152, Bottleneck, [3, 8, 36, 3]],
];

describe('resnet', () => {
  for (const [name, make, block, stages] of factories) {
    it(`${name}: ${block.name} × [${stages.join(', ')}], shape, one training step, safetensors, eval`, () => {
      manualSeed(1);
      const model = make(small);
      expect([model.layer1, model.layer2, model.layer3, model.layer4].map((s) => s.length)).toEqual(stages);
      expect(model.layer1.at(0)).toBeInstanceOf(block);
      const x = randn([2, 3, 32, 32]);
      expect(model.forward(x).shape).toEqual([2, 3]);
      expect(model.forwardFeatures(x).shape).toEqual([2, 64 * block.expansion, 1, 1]);
      const labels = randint(0, 3, [2]);
      expectStepLowersLoss(model, () => crossEntropy(model.forward(x), labels), 0.01);
      expectSafetensorsRoundTrip(model, make({ ...small, init: false }), x);
      expectEvalChangesBehaviour(model, x, { dropout: false, batchNorm: true });
    });
  }

  it('zeroInitResidual zeroes the last batch norm of every residual branch, and only then', () => {
    const lastWeights = (model: ResNet): number[] =>
      model.modules().flatMap((m) => (m instanceof Bottleneck ? [m.bn3] : m instanceof BasicBlock ? [m.bn2] : [])).map((bn) => bn.weight!.abs().max().item());
    expect(new Set(lastWeights(resnet18(small)))).toEqual(new Set([0]));
    expect(new Set(lastWeights(resnet50(small)))).toEqual(new Set([0]));
    expect(new Set(lastWeights(resnet18({ ...small, zeroInitResidual: false })))).toEqual(new Set([1]));
  });

  it('trains with the default initialisation too', () => {
    manualSeed(5);
    const model = resnet18({ ...small, zeroInitResidual: false });
    const x = randn([4, 3, 32, 32]);
    const labels = randint(0, 3, [4]);
    expectStepLowersLoss(model, () => crossEntropy(model.forward(x), labels), 1e-3);
  });

  it('projects the shortcut only where the shape changes', () => {
    const model = resnet18({ ...small, init: false });
    expect((model.layer1.at(0) as BasicBlock).downsample).toBeNull();
    expect((model.layer2.at(0) as BasicBlock).downsample).not.toBeNull();
    expect((model.layer2.at(1) as BasicBlock).downsample).toBeNull();
    // ResNet-50's first bottleneck widens 64 → 256 without striding, so it projects too.
    expect((resnet50({ ...small, init: false }).layer1.at(0) as Bottleneck).downsample).not.toBeNull();
  });

  it('a residual block adds its input back: zero residual weights make it relu(x)', () => {
    manualSeed(2);
    const block = resnet18({ ...small, init: false }).layer1.at(0) as BasicBlock;
    block.eval();
    const x = randn([1, 8, 4, 4]);
    expect([...block.forward(x).dataSync()]).toEqual([...x.relu().dataSync()]);
  });

  it('works on other input sizes and channels (global average pooling)', () => {
    const model = resnet18({ ...small, inChannels: 1 });
    expect(model.forward(randn([1, 1, 48, 40])).shape).toEqual([1, 3]);
    expect(() => model.forward(randn([1, 3, 32, 32]))).toThrow(/ResNet: expected images \[N, 1, H, W\], got shape \[1,3,32,32\]/);
  });
});
