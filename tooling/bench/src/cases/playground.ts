/**
 * The Playground's frame (issue 12): one training pass of its network and the forward pass
 * its heat maps need, the small-tensor work where frameworks spend their time in overhead.
 * Network 6-8-8-1 (six input features, two tanh layers of eight, one logit), binary cross
 * entropy, SGD (lr 0.03), on 250 training points:
 *   step       one optimizer step on a batch of 10, then the heat maps: the network over a
 *              100×100 grid with every hidden neuron's activations and the output read back;
 *   epoch      TF Playground's "step": 25 batches of 10 (all 250 points), then the heat maps.
 * ours: @nn/layers Sequential + SGD + BCEWithLogitsLoss on @nn/backend-cpu; peer: the same
 * network written with tfjs-core ops (variables, `optimizer.minimize`, sigmoidCrossEntropy).
 */
import type * as tfjs from '@tensorflow/tfjs-core';
import { noGrad } from '@nn/autograd';
import { BCEWithLogitsLoss, Linear, SGD, Sequential, Tanh, type Module } from '@nn/layers';
import { dispose, tensor, tidy, type Tensor } from '@nn/tensor';
import '@nn/backend-cpu';
import type { BenchCase } from '../types.js';
import { values } from '../values.js';

const FEATURES = 6;
const HIDDEN = [8, 8];
const POINTS = 250;
const BATCH = 10;
const GRID = 100 * 100;
const LR = 0.03;

const pointsX = values(POINTS * FEATURES, 11).map((v) => v * 6);
const pointsY = values(POINTS, 12).map((v) => (v > 0 ? 1 : 0));
const gridX = values(GRID * FEATURES, 13).map((v) => v * 6);
const batches = Array.from({ length: POINTS / BATCH }, (_, b) => ({
  x: pointsX.slice(b * BATCH * FEATURES, (b + 1) * BATCH * FEATURES),
  y: pointsY.slice(b * BATCH, (b + 1) * BATCH),
}));

const MACS = FEATURES * HIDDEN[0] + HIDDEN[0] * HIDDEN[1] + HIDDEN[1];

function ours(steps: number): ReturnType<BenchCase['ours']> {
  const layers: Module<[Tensor], Tensor>[] = [new Linear(FEATURES, HIDDEN[0]), new Tanh(), new Linear(HIDDEN[0], HIDDEN[1]), new Tanh(), new Linear(HIDDEN[1], 1)];
  const model = new Sequential(...layers);
  const optimizer = new SGD(model.parameters(), { lr: LR });
  const lossFn = new BCEWithLogitsLoss();
  return {
    run: () => {
      for (let s = 0; s < steps; s++) {
        const { x, y } = batches[s % batches.length];
        tidy(() => {
          optimizer.zeroGrad();
          lossFn.forward(model.forward(tensor(x, [BATCH, FEATURES])), tensor(y, [BATCH, 1])).backward();
          optimizer.step();
        });
      }
      // The heat maps: every hidden neuron and the output over the grid, read back.
      const maps = noGrad(() =>
        tidy(() => {
          let h = tensor(gridX, [GRID, FEATURES]);
          const out: Tensor[] = [];
          for (const [i, layer] of layers.entries()) {
            h = layer.forward(h);
            if (i === 1 || i === 3 || i === 4) out.push(h);
          }
          return out;
        }),
      );
      for (const t of maps) t.dataSync();
      dispose(maps);
    },
    dispose: () => {
      optimizer.dispose();
      dispose(Object.values(model.stateDict()));
    },
  };
}

function peer(tf: typeof tfjs, steps: number): ReturnType<BenchCase['peer']> {
  const sizes = [FEATURES, ...HIDDEN, 1];
  const weights = sizes.slice(1).map((n, i) => tf.variable(tf.randomUniform([sizes[i], n], -1 / Math.sqrt(sizes[i]), 1 / Math.sqrt(sizes[i]))));
  const biases = sizes.slice(1).map((n) => tf.variable(tf.zeros([n])));
  const optimizer = tf.train.sgd(LR);
  const forward = (x: tfjs.Tensor2D, keep: tfjs.Tensor[] | null): tfjs.Tensor2D => {
    let h = x;
    weights.forEach((w, i) => {
      h = tf.add(tf.matMul(h, w), biases[i]);
      if (i < weights.length - 1) h = tf.tanh(h);
      keep?.push(h);
    });
    return h;
  };
  return {
    run: () => {
      for (let s = 0; s < steps; s++) {
        const { x, y } = batches[s % batches.length];
        tf.tidy(() => {
          const xs = tf.tensor2d(x, [BATCH, FEATURES]);
          const ys = tf.tensor2d(y, [BATCH, 1]);
          optimizer.minimize((): tfjs.Scalar => tf.mean(tf.losses.sigmoidCrossEntropy(ys, forward(xs, null))));
        });
      }
      const maps = tf.tidy(() => {
        const out: tfjs.Tensor[] = [];
        forward(tf.tensor2d(gridX, [GRID, FEATURES]), out);
        return out;
      });
      for (const t of maps) t.dataSync();
      tf.dispose(maps);
    },
    dispose: () => {
      tf.dispose([...weights, ...biases]);
      optimizer.dispose();
    },
  };
}

export const cases: BenchCase[] = [
  {
    group: 'playground',
    name: 'step: 1 batch of 10 + heat maps 100×100, 6-8-8-1',
    flops: 2 * MACS * (3 * BATCH + GRID),
    ours: () => ours(1),
    peer: (tf) => peer(tf, 1),
  },
  {
    group: 'playground',
    name: 'epoch: 25 batches of 10 (250 points) + heat maps 100×100, 6-8-8-1',
    flops: 2 * MACS * (3 * POINTS + GRID),
    ours: () => ours(POINTS / BATCH),
    peer: (tf) => peer(tf, POINTS / BATCH),
  },
];
