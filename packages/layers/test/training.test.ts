// End-to-end: the training loop does not leak, and a checkpoint round-trips through a file.
// This is also the README's example. (Learning XOR/two circles and LeNet-5 against PyTorch:
// test/acceptance/.)
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@nn/backend-cpu';
import { manualSeed, memory, tensor, tidy, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { Adam, CrossEntropyLoss, Linear, Module, ReLU, SGD, summary, type Optimizer, type OptimizerOptions } from '../src/index.js';
import { load, save } from '../src/node.js';

class MLP extends Module {
  fc1: Linear;
  act1: Module;
  fc2: Linear;
  act2: Module;
  fc3: Linear;
  constructor(hidden: number, activation: () => Module) {
    super();
    this.fc1 = new Linear(2, hidden);
    this.act1 = activation();
    this.fc2 = new Linear(hidden, hidden);
    this.act2 = activation();
    this.fc3 = new Linear(hidden, 2);
  }
  forward(x: Tensor): Tensor {
    return this.fc3.forward(this.act2.forward(this.fc2.forward(this.act1.forward(this.fc1.forward(x)))));
  }
}

/** Full-batch training; returns the loss of every step. */
function train(model: Module, optimizer: Optimizer<OptimizerOptions>, x: Tensor, y: Tensor, steps: number): number[] {
  const lossFn = new CrossEntropyLoss();
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    losses.push(
      tidy(() => {
        optimizer.zeroGrad();
        const loss = lossFn.forward(model.forward(x), y);
        loss.backward();
        optimizer.step();
        return loss.item();
      }),
    );
  }
  return losses;
}

describe('training', () => {
  it('keeps the tensor count flat over a training loop', () => {
    manualSeed(3);
    const model = new MLP(8, () => new ReLU());
    const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
    const y = tensor([0, 1, 1, 0], undefined, 'int32');
    const optimizer = new Adam(model.parameters());
    train(model, optimizer, x, y, 2);
    const before = memory().numTensors;
    train(model, optimizer, x, y, 50);
    expect(memory().numTensors).toBe(before);
  });

  it("runs the README's example: summary, training, save and load", async () => {
    manualSeed(0);
    const model = new MLP(16, () => new ReLU());
    const s = summary(model, [4, 2], { print: false });
    expect(s.totalParams).toBe(2 * 16 + 16 + 16 * 16 + 16 + 16 * 2 + 2);
    const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
    const y = tensor([0, 1, 1, 0], undefined, 'int32');
    train(model, new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 }), x, y, 300);
    const path = join(mkdtempSync(join(tmpdir(), 'nn-layers-')), 'mlp.safetensors');
    await save(model.stateDict(), path);
    const restored = new MLP(16, () => new ReLU());
    restored.loadStateDict(await load(path));
    expect(restored.forward(x).toArray()).toEqual(model.forward(x).toArray());
    expect(restored.forward(x).argmax(1).toArray()).toEqual([0, 1, 1, 0]);
  });
});
