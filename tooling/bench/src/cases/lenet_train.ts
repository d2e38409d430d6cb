/**
 * One LeNet-5 training step (issue 3's acceptance benchmark): a batch of 64 grey 28×28 images,
 * forward, softmax cross-entropy, backward, one plain SGD update (lr 0.01), on
 *   ours       @nn/layers on @nn/backend-cpu;
 *   tfjs-*     TensorFlow.js 4.22 tfjs-layers (tf.sequential) on tfjs-backend-cpu and on
 *              tfjs-backend-wasm; stock tfjs-wasm has no Conv2DBackpropFilter kernel, so it
 *              cannot train a CNN: its run throws, and the table shows that as an error;
 *   ConvNetJS  0.3.0, which trains one example at a time (Trainer with batch_size 64: 64
 *              forward/backward passes, then the update), in `lenetConvnetjsPeer` below.
 * The network is LeNet-5's 28×28 variant: conv 1→6 5×5 padding 2, ReLU, 2×2 max pool,
 * conv 6→16 5×5, ReLU, 2×2 max pool, 400→120→84→10 with ReLU. All sides get the same images
 * and labels; each starts from its own library's initial weights (one step's cost does not
 * depend on them).
 */
import convnetjs from 'convnetjs';
import * as tfl from '@tensorflow/tfjs-layers';
import { Conv2d, CrossEntropyLoss, Flatten, Linear, MaxPool2d, Module, ReLU, SGD } from '@nn/layers';
import { tensor, tidy, type Tensor } from '@nn/tensor';
import '@nn/backend-cpu';
import type { BenchCase } from '../types.js';

const BATCH = 64;
const SIZE = 28;
const LEARNING_RATE = 0.01;

/** Multiply-adds of one forward pass per image; a training step costs about three times that. */
const FORWARD_MACS = 6 * 28 * 28 * 25 + 16 * 10 * 10 * 150 + 400 * 120 + 120 * 84 + 84 * 10;

/** Pixels in [0, 1) and labels 0–9, reproducible (a linear congruential generator). */
function batch(): { pixels: Float32Array; labels: Int32Array } {
  let state = 12345;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const pixels = Float32Array.from({ length: BATCH * SIZE * SIZE }, next);
  const labels = Int32Array.from({ length: BATCH }, () => Math.floor(next() * 10));
  return { pixels, labels };
}

class LeNet5 extends Module {
  conv1 = new Conv2d(1, 6, 5, { padding: 2 });
  conv2 = new Conv2d(6, 16, 5);
  fc1 = new Linear(400, 120);
  fc2 = new Linear(120, 84);
  fc3 = new Linear(84, 10);
  relu = new ReLU();
  pool = new MaxPool2d(2);
  flatten = new Flatten();

  forward(x: Tensor): Tensor {
    const { relu, pool } = this;
    let y = pool.forward(relu.forward(this.conv1.forward(x)));
    y = this.flatten.forward(pool.forward(relu.forward(this.conv2.forward(y))));
    return this.fc3.forward(relu.forward(this.fc2.forward(relu.forward(this.fc1.forward(y)))));
  }
}

/** The work of one training step, prepared; `run` must finish the step (read the loss back). */
export interface Work {
  run: () => void;
  dispose: () => void;
}

function ours(): Work {
  const { pixels, labels } = batch();
  const model = new LeNet5();
  const optimizer = new SGD(model.parameters(), { lr: LEARNING_RATE });
  const lossFn = new CrossEntropyLoss();
  const x = tensor(pixels, [BATCH, 1, SIZE, SIZE]);
  const y = tensor(labels, [BATCH], 'int32');
  return {
    run: () => {
      tidy(() => {
        optimizer.zeroGrad();
        const loss = lossFn.forward(model.forward(x), y);
        loss.backward();
        optimizer.step();
        loss.dataSync();
      });
    },
    dispose: () => {
      optimizer.zeroGrad();
      model.dispose();
      x.dispose();
      y.dispose();
    },
  };
}

/**
 * tfjs-layers, as `model.fit` trains a batch: optimizer.minimize over the model's trainable
 * weights (minimize is what fit's training function calls; fit itself is asynchronous).
 */
function tfjs(tf: Parameters<BenchCase['peer']>[0]): Work {
  const { pixels, labels } = batch();
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [SIZE, SIZE, 1], filters: 6, kernelSize: 5, padding: 'same', activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
      tfl.layers.conv2d({ filters: 16, kernelSize: 5, padding: 'valid', activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 120, activation: 'relu' }),
      tfl.layers.dense({ units: 84, activation: 'relu' }),
      tfl.layers.dense({ units: 10 }),
    ],
  });
  const optimizer = tf.train.sgd(LEARNING_RATE);
  // NHWC: with one channel, the NCHW pixels are already in this order.
  const x = tf.tensor4d(pixels, [BATCH, SIZE, SIZE, 1]);
  const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 10);
  return {
    run: () => {
      const cost = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as typeof x), true);
      cost?.dataSync();
      cost?.dispose();
    },
    dispose: () => {
      optimizer.dispose();
      model.dispose();
      x.dispose();
      y.dispose();
    },
  };
}

/** ConvNetJS 0.3.0 on the same images: 64 single-example passes, one SGD update (no momentum). */
export function convnetjsWork(): Work {
  const { pixels, labels } = batch();
  const net = new convnetjs.Net();
  net.makeLayers([
    { type: 'input', out_sx: SIZE, out_sy: SIZE, out_depth: 1 },
    { type: 'conv', sx: 5, filters: 6, stride: 1, pad: 2, activation: 'relu' },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'conv', sx: 5, filters: 16, stride: 1, pad: 0, activation: 'relu' },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'fc', num_neurons: 120, activation: 'relu' },
    { type: 'fc', num_neurons: 84, activation: 'relu' },
    { type: 'softmax', num_classes: 10 },
  ]);
  const trainer = new convnetjs.Trainer(net, { method: 'sgd', learning_rate: LEARNING_RATE, momentum: 0, batch_size: BATCH, l2_decay: 0 });
  const images = Array.from({ length: BATCH }, (_, n) => {
    const v = new convnetjs.Vol(SIZE, SIZE, 1, 0);
    v.w.set(pixels.subarray(n * SIZE * SIZE, (n + 1) * SIZE * SIZE));
    return v;
  });
  return {
    run: () => {
      for (let n = 0; n < BATCH; n++) trainer.train(images[n], labels[n]);
    },
    dispose: () => undefined,
  };
}

/**
 * A LeNet case with a peer that is not TensorFlow.js. The runner knows only the tfjs columns;
 * `otherPeers` is where a runner that shows more peers finds ConvNetJS (src/lenet_report.ts
 * prints all four today).
 */
export type LenetCase = BenchCase & { otherPeers: Record<string, () => Work> };

export const lenetTrainCases: LenetCase[] = [
  {
    group: 'lenet5 train step',
    name: `${BATCH}×1×${SIZE}×${SIZE}, SGD`,
    flops: 3 * 2 * FORWARD_MACS * BATCH,
    ours,
    peer: tfjs,
    otherPeers: { 'convnetjs 0.3.0': convnetjsWork },
  },
];

export const LENET_BATCH = BATCH;
