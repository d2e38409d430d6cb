import { describe, it } from 'vitest';
import '@nn/backend-cpu';
import { engine, manualSeed, randn } from '@nn/tensor';
import { googlenet } from './googlenet.js';
import { withHead } from './heads.js';
import { lenet5 } from './lenet.js';
import { residualAttention56 } from './residual_attention.js';
import { resnet18 } from './resnet.js';
import { expectOnnxMatches } from './test-utils/onnx_runtime.js';
import { unet } from './unet.js';
import { vgg11_lrn, vgg16 } from './vgg.js';

// Each model is exported at batch 2 and run in ONNX Runtime at batches 1 and 3.
describe('ONNX export of the zoo', () => {
  it('LeNet-5 (tanh, average pooling)', async () => {
    manualSeed(0);
    await expectOnnxMatches(lenet5(), (n) => randn([n, 1, 32, 32]), [1, 3]);
  });

  it('ResNet-18 (batch norm, residual additions, global average pooling)', async () => {
    manualSeed(1);
    const model = resnet18({ width: 1 / 8, numClasses: 10 });
    // Running statistics other than 0 and 1, so that batch norm's arithmetic shows.
    for (const [name, b] of model.namedBuffers()) if (name.endsWith('running_mean') || name.endsWith('running_var')) engine().assign(b, randn(b.shape).abs().add(0.5));
    await expectOnnxMatches(model, (n) => randn([n, 3, 32, 32]), [1, 3]);
  });

  it('VGG-16 (adaptive average pooling to 7×7 from 1×1) and VGG-11 with LRN', async () => {
    manualSeed(2);
    await expectOnnxMatches(vgg16({ width: 1 / 16, numClasses: 10 }), (n) => randn([n, 3, 32, 32]), [1, 3]);
    await expectOnnxMatches(vgg11_lrn({ width: 1 / 16, numClasses: 10 }), (n) => randn([n, 3, 32, 32]), [3]);
  });

  it('GoogLeNet (inception concatenations, ceil-mode pooling)', async () => {
    manualSeed(3);
    await expectOnnxMatches(googlenet({ width: 1 / 8, numClasses: 10 }), (n) => randn([n, 3, 64, 64]), [1, 3]);
  });

  it('UNet (transposed convolutions, skip concatenations)', async () => {
    manualSeed(4);
    await expectOnnxMatches(unet({ baseWidth: 4, depth: 2, batchNorm: true }), (n) => randn([n, 1, 32, 32]), [1, 3]);
  });

  it('Residual Attention-56 (soft masks upsampled with bilinear resizing)', async () => {
    manualSeed(5);
    await expectOnnxMatches(residualAttention56({ width: 1 / 16, numClasses: 10 }), (n) => randn([n, 3, 32, 32]), [3]);
  });

  it('a segmentation head on a ResNet-18 backbone (sizes read from the input)', async () => {
    manualSeed(6);
    await expectOnnxMatches(withHead(resnet18({ numClasses: 0, width: 1 / 8 }), { task: 'segmentation', numClasses: 3 }), (n) => randn([n, 3, 32, 32]), [1, 3]);
  });
});
