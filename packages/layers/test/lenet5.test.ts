// Acceptance (issue 3): LeNet-5 built from these layers, from the same starting weights and
// batch as a float64 reference (test/fixtures/make_lenet_reference.py, checked against
// finite differences), matches its logits, loss, every gradient, and the parameters after
// two SGD steps (lr 0.1, momentum 0.9) and after two Adam steps (lr 1e-3).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import '@nn/backend-cpu';
import { engine, maxPool2d, relu, tensor, tidy, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { Adam, Conv2d, crossEntropy, fromBytes, Linear, Module, SGD, type Optimizer, type OptimizerOptions, type StateDict } from '../src/index.js';

class LeNet5 extends Module {
  conv1 = new Conv2d(1, 6, 5);
  conv2 = new Conv2d(6, 16, 5);
  fc1 = new Linear(400, 120);
  fc2 = new Linear(120, 84);
  fc3 = new Linear(84, 10);
  forward(x: Tensor): Tensor {
    let y = maxPool2d(relu(this.conv1.forward(x)), 2);
    y = maxPool2d(relu(this.conv2.forward(y)), 2).flatten(1);
    return this.fc3.forward(relu(this.fc2.forward(relu(this.fc1.forward(y)))));
  }
}

/** The reference's 32-bit LCG: x ← (1664525·x + 1013904223) mod 2³², value ((x >> 8)/2²⁴·2 − 1)·bound. */
class LCG {
  constructor(private x: number) {}
  uniform(n: number, bound: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      this.x = (Math.imul(1664525, this.x) + 1013904223) >>> 0;
      out[i] = ((this.x >>> 8) / 2 ** 24 * 2 - 1) * bound;
    }
    return out;
  }
}

const reference = fromBytes(readFileSync(join(import.meta.dirname, 'fixtures/lenet5_reference.safetensors')));
const target = tensor([3, 7, 0, 9], undefined, 'int32');

function setUp(): { model: LeNet5; x: Tensor } {
  const model = new LeNet5();
  const gen = new LCG(12345);
  const fanIn: Record<string, number> = { conv1: 25, conv2: 150, fc1: 400, fc2: 120, fc3: 84 };
  const weights: StateDict = {};
  for (const [name, p] of Object.entries(model.stateDict())) {
    weights[name] = engine().makeTensor(gen.uniform(p.size, 1 / Math.sqrt(fanIn[name.split('.')[0]])), p.shape, 'float32');
  }
  model.loadStateDict(weights);
  const x = engine().makeTensor(gen.uniform(4 * 32 * 32, 1), [4, 1, 32, 32], 'float32');
  return { model, x };
}

/** |a − b| <= atol + rtol·|b| elementwise. */
function expectClose(actual: Tensor | Float32Array, expected: Tensor, atol: number, rtol: number, what: string): void {
  const a = actual instanceof Float32Array ? actual : actual.dataSync();
  const b = expected.dataSync();
  expect(a.length, what).toBe(b.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < b.length; i++) {
    const excess = Math.abs(a[i] - b[i]) - (atol + rtol * Math.abs(b[i]));
    if (excess > worst) [worst, at] = [excess, i];
  }
  expect(at, `${what}: element ${at} is ${a[at]}, expected ${b[at]}`).toBe(-1);
}

function trainSteps(model: LeNet5, x: Tensor, optimizer: Optimizer<OptimizerOptions>, steps: number): void {
  for (let i = 0; i < steps; i++) {
    tidy(() => {
      optimizer.zeroGrad();
      crossEntropy(model.forward(x), target).backward();
      optimizer.step();
    });
  }
}

describe('LeNet-5 against a float64 reference', () => {
  it('matches the logits, the loss and every gradient', () => {
    const { model, x } = setUp();
    const logits = model.forward(x);
    expectClose(logits, reference.logits, 1e-5, 1e-4, 'logits');
    const loss = crossEntropy(logits, target);
    expect(Math.abs(loss.item() - reference.loss.item())).toBeLessThan(1e-5);
    loss.backward();
    for (const [name, p] of model.namedParameters()) expectClose(p.grad!, reference[`grad.${name}`], 1e-6, 1e-4, `grad ${name}`);
  });

  it('matches the parameters after two SGD steps (lr 0.1, momentum 0.9)', () => {
    const { model, x } = setUp();
    trainSteps(model, x, new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 }), 2);
    for (const [name, p] of model.namedParameters()) expectClose(p, reference[`sgd2.${name}`], 1e-5, 1e-4, `SGD ${name}`);
  });

  it('matches the parameters, and their change, after two Adam steps (lr 1e-3)', () => {
    const { model, x } = setUp();
    const before = Object.fromEntries(model.namedParameters().map(([k, p]) => [k, Float32Array.from(p.dataSync())]));
    trainSteps(model, x, new Adam(model.parameters(), { lr: 1e-3 }), 2);
    for (const [name, p] of model.namedParameters()) {
      expectClose(p, reference[`adam2.${name}`], 1e-5, 1e-4, `Adam ${name}`);
      // The change is ~2e-3 per element: compare it on its own scale too.
      const change = Float32Array.from(p.dataSync(), (v, i) => v - before[name][i]);
      const expected = reference[`adam2.${name}`].sub(tensor(before[name], p.shape));
      expectClose(change, expected, 2e-6, 1e-2, `Adam change ${name}`);
    }
  });
});
