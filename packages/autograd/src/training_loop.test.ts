import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import * as nn from '@nn/tensor';
import { assign, keep, memory, tensor, tidy, type Tensor } from '@nn/tensor';
import { noGrad, requiresGrad, tapeSize, zeroGrad } from './index.js';
import { random, reseed } from './test-utils/inputs.js';

/** A tiny CNN classifier: conv -> relu -> max pool -> linear (as broadcasting mul + sum) -> log softmax. */
function makeModel(): { params: Tensor[]; loss: (x: Tensor, target: Tensor) => Tensor } {
  reseed(3);
  const conv = keep(requiresGrad(nn.mul(random([4, 1, 3, 3]), 0.3)));
  const convBias = keep(requiresGrad(nn.zeros([4])));
  const dense = keep(requiresGrad(nn.mul(random([3, 4 * 3 * 3]), 0.1)));
  const loss = (x: Tensor, target: Tensor): Tensor => {
    const h = nn.maxPool2d(nn.relu(nn.conv2d(x, conv, convBias, { padding: 1 })), 2);
    const features = nn.reshape(h, [x.shape[0], 1, -1]);
    const logits = nn.sum(nn.mul(features, dense), -1);
    return nn.neg(nn.mean(nn.sum(nn.mul(nn.logSoftmax(logits, 1), target), 1)));
  };
  return { params: [conv, convBias, dense], loss };
}

describe('training loop memory', () => {
  it('1,000 steps of forward, backward and SGD update keep tensors, bytes and the tape flat, and the loss falls', () => {
    const { params, loss } = makeModel();
    const x = keep(random([4, 1, 6, 6]));
    const target = keep(nn.oneHot(tensor([0, 2, 1, 2], undefined, 'int32'), 3).cast('float32'));
    const step = (): number => {
      const value = tidy(() => {
        // A side computation recorded on the tape and then dropped (as running statistics are).
        void nn.mean(nn.mul(params[0], 0.5));
        return loss(x, target);
      });
      value.backward();
      const scalar = value.item();
      value.dispose();
      // The update writes new values into the same parameter tensors, outside the tape.
      noGrad(() => tidy(() => params.forEach((p) => assign(p, nn.sub(p, nn.mul(p.grad!, 0.1))))));
      zeroGrad(params);
      return scalar;
    };
    const first = step();
    const before = memory();
    const tapeBefore = tapeSize();
    let last = first;
    for (let i = 1; i < 1000; i++) last = step();
    const after = memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    expect(tapeSize()).toBe(tapeBefore);
    expect(last).toBeLessThan(first * 0.5);
  });
});

describe('a training loop that never yields to the event loop', () => {
  it('keeps its JavaScript heap flat: the tape holds no handle on a step\'s outputs until the loop yields', () => {
    // gc() for an exact reading (the flag is process-wide; the function comes from a fresh context).
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const { params, loss } = makeModel();
    const x = keep(random([4, 1, 6, 6]));
    const target = keep(nn.oneHot(tensor([0, 2, 1, 2], undefined, 'int32'), 3).cast('float32'));
    const step = (): void => {
      const value = tidy(() => loss(x, target));
      value.backward();
      value.dispose();
      noGrad(() => tidy(() => params.forEach((p) => assign(p, nn.sub(p, nn.mul(p.grad!, 0.1))))));
      zeroGrad(params);
    };
    for (let i = 0; i < 200; i++) step();
    gc();
    const before = process.memoryUsage().heapUsed;
    // One synchronous job: WeakRefs to the outputs (which the language keeps alive until the job
    // ends) or finalization cells holding records made this grow by about 11 KB a step (56 MB here).
    for (let i = 0; i < 5000; i++) step();
    gc();
    const grownMiB = (process.memoryUsage().heapUsed - before) / 2 ** 20;
    expect(grownMiB).toBeLessThan(4);
  });
});
