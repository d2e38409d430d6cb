// End-to-end: small networks built from these layers learn, the loop does not leak, and a
// checkpoint round-trips through a file. This is also the README's example.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@nn/backend-cpu';
import { getGenerator, manualSeed, memory, tensor, tidy, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { Adam, CrossEntropyLoss, Linear, Module, ReLU, SGD, Tanh, summary, type Optimizer, type OptimizerOptions } from '../src/index.js';
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

function accuracy(model: Module, x: Tensor, y: Tensor): number {
  return tidy(() => model.forward(x).argmax(1).eq(y).cast('float32').mean().item());
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

/** Two concentric noisy circles (scikit-learn's make_circles, factor 0.5, noise 0.05). */
function twoCircles(n: number): { x: Tensor; y: Tensor } {
  const gen = getGenerator();
  const points: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const inner = i % 2;
    const angle = 2 * Math.PI * gen.nextFloat();
    const r = inner ? 0.5 : 1;
    points.push([r * Math.cos(angle) + 0.05 * gen.nextNormal(), r * Math.sin(angle) + 0.05 * gen.nextNormal()]);
    labels.push(inner);
  }
  return { x: tensor(points), y: tensor(labels, undefined, 'int32') };
}

describe('training', () => {
  it('an MLP learns XOR to 100 % accuracy within 300 seeded SGD steps', () => {
    manualSeed(1);
    const model = new MLP(8, () => new Tanh());
    const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
    const y = tensor([0, 1, 1, 0], undefined, 'int32');
    const losses = train(model, new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 }), x, y, 300);
    expect(losses.at(-1)!).toBeLessThan(0.05);
    expect(losses.at(-1)!).toBeLessThan(losses[0] / 10);
    expect(accuracy(model, x, y)).toBe(1);
  });

  it('an MLP separates two circles to 100 % training accuracy within 400 seeded Adam steps', () => {
    manualSeed(2);
    const { x, y } = twoCircles(200);
    const model = new MLP(16, () => new ReLU());
    const losses = train(model, new Adam(model.parameters(), { lr: 0.02 }), x, y, 400);
    expect(losses.at(-1)!).toBeLessThan(losses[0] / 10);
    expect(accuracy(model, x, y)).toBe(1);
  });

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
