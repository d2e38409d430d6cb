import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import '@nn/backend-cpu';
import { dispose, memory, tensor, zeros, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { parameter } from '../module.js';
import { Adagrad } from './adagrad.js';
import { Adam, AdamW } from './adam.js';
import { clipGradNorm, clipGradValue } from './clip_grad.js';
import type { Optimizer, OptimizerOptions, OptimizerStateDict } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

interface Reference {
  shapes: number[][];
  init: number[][];
  grads: number[][][];
  cases: { name: string; optimizer: string; options: Record<string, unknown>; params: number[][][] }[];
}
const reference = JSON.parse(readFileSync(join(import.meta.dirname, '../../test/fixtures/optim_reference.json'), 'utf8')) as Reference;

const classes: Record<string, new (params: Tensor[], options: never) => Optimizer<OptimizerOptions>> = { SGD, Adam, AdamW, RMSprop, Adagrad };

function setGrad(p: Tensor, values: number[]): void {
  p.grad?.dispose();
  p.grad = tensor(values, p.shape);
}

describe('optimizers match a float64 reimplementation of torch.optim', () => {
  for (const c of reference.cases) {
    it(c.name, () => {
      const params = reference.init.map((v, i) => parameter(tensor(v, reference.shapes[i])));
      const opt = new classes[c.optimizer](params, c.options as never);
      for (let step = 0; step < reference.grads.length; step++) {
        params.forEach((p, i) => setGrad(p, reference.grads[step][i]));
        opt.step();
        params.forEach((p, i) => {
          const got = p.dataSync();
          const want = c.params[step][i];
          for (let j = 0; j < want.length; j++) {
            expect(Math.abs(got[j] - want[j]), `step ${step + 1}, param ${i}[${j}]: ${got[j]} vs ${want[j]}`).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(want[j]));
          }
        });
      }
      opt.dispose();
      dispose(params.map((p) => p.grad!));
      dispose(params);
    });
  }
});

describe('Optimizer', () => {
  it('updates parameters in place and keeps the tensor count flat across steps', () => {
    const p = parameter(tensor([1, 2, 3]));
    const opt = new Adam([p], { lr: 0.1 });
    setGrad(p, [1, 1, 1]);
    opt.step();
    const after1 = memory().numTensors;
    for (let i = 0; i < 20; i++) {
      setGrad(p, [1, -1, 0.5]);
      opt.step();
    }
    expect(memory().numTensors).toBe(after1);
    expect(p.isDisposed).toBe(false);
  });

  it('skips parameters without gradients, and zeroGrad drops or zeroes them', () => {
    const a = parameter(tensor([1, 1]));
    const b = parameter(tensor([5]));
    const opt = new SGD([a, b], { lr: 0.5 });
    setGrad(a, [2, 4]);
    opt.step();
    expect(a.toArray()).toEqual([0, -1]);
    expect(b.toArray()).toEqual([5]);
    opt.zeroGrad(false);
    expect(a.grad!.toArray()).toEqual([0, 0]);
    opt.zeroGrad();
    expect(a.grad).toBeNull();
  });

  it('takes parameter groups with their own hyperparameters, and defaults for the rest', () => {
    const a = parameter(tensor([1]));
    const b = parameter(tensor([1]));
    const opt = new SGD([{ params: [a] }, { params: [b], lr: 0.5 }], { lr: 0.1 });
    setGrad(a, [1]);
    setGrad(b, [1]);
    opt.step();
    expect(a.item()).toBeCloseTo(0.9, 6);
    expect(b.item()).toBeCloseTo(0.5, 6);
    expect(opt.paramGroups[0].momentum).toBe(0);
  });

  it('saves and restores its state so that training resumes exactly', () => {
    const run = (steps: number[], opt: SGD | Adam, p: Tensor): void => {
      for (const g of steps) {
        setGrad(p, [g, -g]);
        opt.step();
      }
    };
    const p1 = parameter(tensor([1, 2]));
    const opt1 = new Adam([p1], { lr: 0.1 });
    run([1, 2, 3, 4], opt1, p1);

    const p2 = parameter(tensor([1, 2]));
    const opt2 = new Adam([p2], { lr: 0.1 });
    run([1, 2], opt2, p2);
    const saved = opt2.stateDict();
    expect(saved.paramGroups[0]).toMatchObject({ lr: 0.1, betas: [0.9, 0.999], params: [0] });
    expect(saved.state[0].step).toBe(2);
    expect(Object.keys(saved.state[0]).sort()).toEqual(['expAvg', 'expAvgSq', 'step']);

    const p3 = parameter(tensor([...p2.dataSync()]));
    const opt3 = new Adam([p3], { lr: 0.5 });
    opt3.loadStateDict(saved);
    expect(opt3.paramGroups[0].lr).toBe(0.1);
    run([3, 4], opt3, p3);
    expect([...p3.dataSync()]).toEqual([...p1.dataSync()]);
  });

  it('rejects a state dict for other parameters', () => {
    const p = parameter(tensor([1, 2]));
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    setGrad(p, [1, 1]);
    opt.step();
    const other = new SGD([parameter(tensor([1, 2, 3]))], { lr: 0.1 });
    expect(() => other.loadStateDict(opt.stateDict())).toThrow(/state 'momentumBuffer' of parameter 0 has shape \[2\], the parameter \[3\]/);
    const two = new SGD([{ params: [parameter(tensor([1]))] }, { params: [parameter(tensor([1]))] }], { lr: 0.1 });
    expect(() => two.loadStateDict(opt.stateDict())).toThrow(/has 1 parameter groups, this optimizer 2/);
  });

  it('loads a state dict parsed from JSON, where "__proto__" is a name, and says what is wrong with one that is not', () => {
    const p = parameter(tensor([1, 2]));
    const opt = new SGD([p], { lr: 0.1 });
    const parsed = JSON.parse('{"state":{"0":{"__proto__":{"polluted":1},"step":1}},"paramGroups":[{"params":[0],"lr":0.2,"__proto__":{"polluted":2}}]}') as OptimizerStateDict;
    opt.loadStateDict(parsed);
    const group = opt.paramGroups[0] as Record<string, unknown>;
    expect(group.lr).toBe(0.2);
    expect(Object.getPrototypeOf(group)).toBe(Object.prototype);
    expect(group.polluted).toBeUndefined();
    const state = opt.state.get(p)!;
    expect(Object.getPrototypeOf(state)).toBeNull();
    expect(Object.keys(state)).toEqual(['__proto__', 'step']);

    expect(() => opt.loadStateDict(null as unknown as OptimizerStateDict)).toThrow(/^SGD\.loadStateDict: expected \{ state, paramGroups \} from stateDict\(\), got null$/);
    expect(() => opt.loadStateDict(Promise.resolve(opt.stateDict()) as unknown as OptimizerStateDict)).toThrow(/got a Promise \(await it first\)/);
    const bad = (state: unknown): OptimizerStateDict => ({ state, paramGroups: [{ params: [0] }] }) as OptimizerStateDict;
    expect(() => opt.loadStateDict(bad(null))).toThrow(/state must be an object by parameter index, got null/);
    expect(() => opt.loadStateDict(bad({ 0: 5 }))).toThrow(/state of parameter 0 must be an object, got 5/);
    expect(() => opt.loadStateDict(bad({ '': {} }))).toThrow(/state for parameter "", but there are only 1/);
  });

  it('checks hyperparameters and parameters as PyTorch does', () => {
    const p = parameter(tensor([1]));
    expect(() => new SGD([p], { lr: -1 })).toThrow(/SGD: lr must be >= 0, got -1/);
    expect(() => new SGD([p], { nesterov: true })).toThrow(/SGD: nesterov needs momentum > 0 and dampening 0/);
    expect(() => new Adam([p], { betas: [1, 0.9] })).toThrow(/Adam: beta1 must be in \[0, 1\), got 1/);
    expect(() => new AdamW([p], { eps: -1 })).toThrow(/AdamW: eps must be >= 0/);
    expect(() => new RMSprop([p], { alpha: -0.5 })).toThrow(/RMSprop: alpha must be >= 0/);
    expect(() => new Adagrad([p], { lrDecay: -1 })).toThrow(/Adagrad: lrDecay must be >= 0/);
    expect(() => new SGD([])).toThrow(/SGD: got an empty parameter list/);
    expect(() => new SGD([p, p])).toThrow(/lists the same parameter twice/);
    expect(() => new SGD([{ params: [p] }, { params: [p] }])).toThrow(/more than one parameter group/);
    expect(() => new SGD([tensor([1], undefined, 'int32')])).toThrow(/can only optimize float32 tensors, got int32/);
    const opt = new SGD([p], { lr: 0.1 });
    p.grad = zeros([2]);
    expect(() => opt.step()).toThrow(/SGD.step: gradient of shape \[2\] does not match its parameter \[1\]/);
    p.grad = null;
  });
});

describe('clipGradNorm and clipGradValue', () => {
  it('scales all gradients together to the max norm and returns the norm before clipping', () => {
    const a = parameter(tensor([3, 0]));
    const b = parameter(tensor([4]));
    setGrad(a, [3, 0]);
    setGrad(b, [4]);
    const norm = clipGradNorm([a, b], 1);
    expect(norm).toBeCloseTo(5, 5);
    const scale = 1 / (5 + 1e-6);
    expect(a.grad!.dataSync()[0]).toBeCloseTo(3 * scale, 6);
    expect(b.grad!.dataSync()[0]).toBeCloseTo(4 * scale, 6);
    // Under the limit nothing changes.
    expect(clipGradNorm([a, b], 10)).toBeCloseTo(1, 5);
    expect(b.grad!.dataSync()[0]).toBeCloseTo(4 * scale, 6);
  });

  it('supports the infinity norm and other p, and can refuse a non-finite norm', () => {
    const a = parameter(tensor([1, -3]));
    setGrad(a, [1, -3]);
    expect(clipGradNorm([a], 100, { normType: Infinity })).toBe(3);
    expect(clipGradNorm([a], 100, { normType: 1 })).toBeCloseTo(4, 5);
    setGrad(a, [Infinity, 1]);
    expect(() => clipGradNorm([a], 1, { errorIfNonfinite: true })).toThrow(/total norm of order 2 of the gradients is Infinity/);
    expect(() => clipGradNorm([a], -1)).toThrow(/maxNorm must be >= 0/);
  });

  it('clamps values', () => {
    const a = parameter(tensor([1, 2, 3]));
    setGrad(a, [-5, 0.5, 5]);
    clipGradValue([a], 1);
    expect(a.grad!.toArray()).toEqual([-1, 0.5, 1]);
  });
});
