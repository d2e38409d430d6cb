/**
 * ResNet-18 inference on one 1×3×224×224 image (issue 6's benchmark):
 *   ours     @nn/models-zoo's resnet18() in eval mode on @nn/backend-cpu;
 *   tfjs-*   the same architecture in TensorFlow.js 4.22 tfjs-layers (functional API, NHWC:
 *            explicit zero padding where PyTorch pads, so every layer sees the same shapes),
 *            `model.predict` on tfjs-backend-cpu and tfjs-backend-wasm.
 * Both sides get the same image; weights are each library's own initial ones (the cost of a
 * dense forward pass does not depend on them). 1,814,073,344 multiply-adds.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { noGrad } from '@nn/autograd';
import { resnet18 } from '@nn/models-zoo';
import { tensor, tidy } from '@nn/tensor';
import '@nn/backend-cpu';
import type { BenchCase } from '../types.js';

const MACS = 1_814_073_344;

/** Pixels in [-1, 1), reproducible (a linear congruential generator). */
function image(): Float32Array {
  let state = 2024;
  return Float32Array.from({ length: 3 * 224 * 224 }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  });
}

type SymbolicTensor = tfl.SymbolicTensor;

/** conv (PyTorch padding as explicit zero padding) + batch norm, as torchvision's conv+bn pairs. */
function convBn(x: SymbolicTensor, filters: number, kernelSize: number, stride: number, padding: number): SymbolicTensor {
  const padded = padding > 0 ? (tfl.layers.zeroPadding2d({ padding }).apply(x) as SymbolicTensor) : x;
  const conv = tfl.layers.conv2d({ filters, kernelSize, strides: stride, padding: 'valid', useBias: false }).apply(padded) as SymbolicTensor;
  return tfl.layers.batchNormalization({ epsilon: 1e-5 }).apply(conv) as SymbolicTensor;
}

function basicBlock(x: SymbolicTensor, filters: number, stride: number): SymbolicTensor {
  const inChannels = x.shape[3];
  let out = tfl.layers.reLU().apply(convBn(x, filters, 3, stride, 1)) as SymbolicTensor;
  out = convBn(out, filters, 3, 1, 1);
  const shortcut = stride !== 1 || inChannels !== filters ? convBn(x, filters, 1, stride, 0) : x;
  return tfl.layers.reLU().apply(tfl.layers.add().apply([out, shortcut])) as SymbolicTensor;
}

function tfjsResNet18(): tfl.LayersModel {
  const input = tfl.input({ shape: [224, 224, 3] });
  let x = tfl.layers.reLU().apply(convBn(input, 64, 7, 2, 3)) as SymbolicTensor;
  x = tfl.layers.zeroPadding2d({ padding: 1 }).apply(x) as SymbolicTensor; // after ReLU, zero padding = PyTorch's -inf padding
  x = tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'valid' }).apply(x) as SymbolicTensor;
  for (const [filters, stride] of [[64, 1], [128, 2], [256, 2], [512, 2]]) {
    x = basicBlock(basicBlock(x, filters, stride), filters, 1);
  }
  x = tfl.layers.globalAveragePooling2d({}).apply(x) as SymbolicTensor;
  const logits = tfl.layers.dense({ units: 1000 }).apply(x) as SymbolicTensor;
  return tfl.model({ inputs: input, outputs: logits });
}

export const resnet18Cases: BenchCase[] = [
  {
    group: 'models',
    name: 'ResNet-18 inference 1×3×224×224',
    flops: 2 * MACS,
    ours: () => {
      const model = resnet18().eval();
      const x = tensor(image(), [1, 3, 224, 224]);
      return {
        run: () => {
          const logits = noGrad(() => tidy(() => model.forward(x)));
          logits.dataSync();
          logits.dispose();
        },
        dispose: () => {
          model.dispose();
          x.dispose();
        },
      };
    },
    peer: (tf) => {
      const model = tfjsResNet18();
      const x = tf.tidy(() => tf.transpose(tf.tensor4d(image(), [1, 3, 224, 224]), [0, 2, 3, 1]));
      return {
        run: () => {
          const logits = model.predict(x) as typeof x;
          logits.dataSync();
          logits.dispose();
        },
        dispose: () => {
          model.dispose();
          x.dispose();
        },
      };
    },
  },
];
