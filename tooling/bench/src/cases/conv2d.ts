/**
 * conv2d forward, the three shapes of the issue: LeNet's first layer on a batch of MNIST
 * digits, a ResNet 3×3 stage, and ResNet's 7×7 stem on a small ImageNet batch. Both sides
 * get the same values; TensorFlow.js gets them in its own layout (NHWC input, HWIO filter),
 * transposed once in setup so that the timed call is the convolution alone.
 */
import { conv2d, tensor } from '@nn/tensor';
import '@nn/backend-cpu';
import type { BenchCase } from '../types.js';
import { values } from '../values.js';

interface ConvSpec {
  name: string;
  input: [number, number, number, number];
  outChannels: number;
  kernel: number;
  stride: number;
  padding: number;
}

const specs: ConvSpec[] = [
  { name: '(a) 64×1×28×28 → 6 × 5×5', input: [64, 1, 28, 28], outChannels: 6, kernel: 5, stride: 1, padding: 0 },
  { name: '(b) 1×64×56×56 → 64 × 3×3 pad 1', input: [1, 64, 56, 56], outChannels: 64, kernel: 3, stride: 1, padding: 1 },
  { name: '(c) 8×3×224×224 → 64 × 7×7 stride 2 pad 3', input: [8, 3, 224, 224], outChannels: 64, kernel: 7, stride: 2, padding: 3 },
];

function convCase(spec: ConvSpec, index: number): BenchCase {
  const [batch, inChannels, height, width] = spec.input;
  const { outChannels, kernel, stride, padding } = spec;
  const weightShape = [outChannels, inChannels, kernel, kernel];
  const outH = Math.floor((height + 2 * padding - kernel) / stride) + 1;
  const outW = Math.floor((width + 2 * padding - kernel) / stride) + 1;
  const x = values(batch * inChannels * height * width, 2 * index + 1);
  const w = values(outChannels * inChannels * kernel * kernel, 2 * index + 2);
  return {
    group: 'conv2d',
    name: spec.name,
    flops: 2 * batch * outChannels * outH * outW * inChannels * kernel * kernel,
    ours: () => {
      const input = tensor(x, spec.input);
      const weight = tensor(w, weightShape);
      return {
        run: () => {
          const y = conv2d(input, weight, null, { stride, padding });
          y.dataSync();
          y.dispose();
        },
        dispose: () => {
          input.dispose();
          weight.dispose();
        },
      };
    },
    peer: (tf) => {
      const input = tf.tidy(() => tf.transpose(tf.tensor4d(x, spec.input), [0, 2, 3, 1]));
      const filter = tf.tidy(() => tf.transpose(tf.tensor4d(w, [outChannels, inChannels, kernel, kernel]), [2, 3, 1, 0]));
      return {
        run: () => {
          const y = tf.conv2d(input, filter, stride, padding);
          y.dataSync();
          y.dispose();
        },
        dispose: () => {
          input.dispose();
          filter.dispose();
        },
      };
    },
  };
}

export const conv2dCases: BenchCase[] = specs.map(convCase);
