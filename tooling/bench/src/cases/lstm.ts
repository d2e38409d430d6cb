/**
 * An LSTM layer's forward and backward pass (issue 15's benchmark): a batch of 32 sequences
 * of 50 steps, 128 input features, 256 hidden units, all outputs returned; the loss is
 * sum(output ⊙ G) and the gradients of every weight are computed and read back, on
 *   ours       @nn/layers' LSTM on @nn/backend-cpu;
 *   tfjs-*     TensorFlow.js 4.22 tfjs-layers' LSTM (returnSequences, sigmoid recurrent
 *              activation as PyTorch's, not tfjs' default hard sigmoid) under
 *              tf.variableGrads, on tfjs-backend-cpu and tfjs-backend-wasm. Where the wasm
 *              backend misses a kernel the gradient needs, the table says 'not supported'.
 * Both start from their own library's initial weights (the cost does not depend on them).
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { LSTM } from '@nn/layers';
import { tensor, tidy } from '@nn/tensor';
import '@nn/backend-cpu';
import type { BenchCase } from '../types.js';

const BATCH = 32;
const STEPS = 50;
const INPUT = 128;
const HIDDEN = 256;

/** Forward multiply-adds: the four gates' input and hidden projections at every step. */
const FORWARD_MACS = STEPS * BATCH * 4 * HIDDEN * (INPUT + HIDDEN);

/** Reproducible values in [-1, 1) (a linear congruential generator). */
function values(count: number, seed: number): Float32Array {
  let state = seed;
  return Float32Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 32) * 2 - 1;
  });
}

function ours(): { run: () => void; dispose: () => void } {
  const lstm = new LSTM(INPUT, HIDDEN, { batchFirst: true });
  const x = tensor(values(BATCH * STEPS * INPUT, 1), [BATCH, STEPS, INPUT]);
  const g = tensor(values(BATCH * STEPS * HIDDEN, 2), [BATCH, STEPS, HIDDEN]);
  return {
    run: () => {
      lstm.zeroGrad();
      tidy(() => {
        const [output] = lstm.forward(x);
        output.mul(g).sum().backward();
      });
      for (const p of lstm.parameters()) p.grad!.dataSync();
    },
    dispose: () => {
      lstm.zeroGrad();
      lstm.dispose();
      x.dispose();
      g.dispose();
    },
  };
}

function tfjs(tf: Parameters<BenchCase['peer']>[0]): { run: () => void; dispose: () => void } {
  const lstm = tfl.layers.lstm({
    units: HIDDEN,
    returnSequences: true,
    recurrentActivation: 'sigmoid',
    // Its default orthogonal initializer needs tfjs' chained ops (`rMat.flatten is not a function` without them).
    recurrentInitializer: 'glorotUniform',
    inputShape: [STEPS, INPUT],
  });
  const x = tf.tensor3d(values(BATCH * STEPS * INPUT, 1), [BATCH, STEPS, INPUT]);
  const g = tf.tensor3d(values(BATCH * STEPS * HIDDEN, 2), [BATCH, STEPS, HIDDEN]);
  tf.tidy(() => void lstm.apply(x)); // builds the weights
  return {
    run: () => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(lstm.apply(x) as typeof x, g)));
      for (const grad of Object.values(grads)) grad.dataSync();
      tf.dispose([value, grads]);
    },
    dispose: () => {
      lstm.dispose();
      x.dispose();
      g.dispose();
    },
  };
}

export const lstmCases: BenchCase[] = [
  {
    group: 'lstm forward+backward',
    name: `${BATCH}×${STEPS}×${INPUT} → ${HIDDEN}`,
    flops: 3 * 2 * FORWARD_MACS,
    ours,
    peer: tfjs,
  },
];
