import '@nn/backend-cpu';
import { requiresGrad } from '@nn/autograd';
import { tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import type { Module } from '../module.js';
import { expectClose, loadVector } from '../test-utils/vectors.js';
import { ELU, GELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Softplus, Tanh } from './activation.js';

describe('activation modules', () => {
  const cases: [string, Module][] = [
    ['sigmoid__basic', new Sigmoid()],
    ['tanh__basic', new Tanh()],
    ['relu__basic', new ReLU()],
    ['leaky_relu__slope_0_1', new LeakyReLU(0.1)],
    ['elu__alpha_1', new ELU()],
    ['gelu__erf', new GELU()],
    ['softmax__3d_last', new Softmax(-1)],
    ['log_softmax__2d_last', new LogSoftmax(-1)],
  ];
  for (const [name, layer] of cases) {
    it(`${layer.constructor.name} matches ${name}, forward and gradient`, () => {
      const v = loadVector(name);
      const x = requiresGrad(v.inputs.x);
      const y = layer.forward(x);
      expectClose(y, v.output, 1e-5, 1e-4, name);
      y.mul(v.G).sum().backward();
      expectClose(x.grad!, v.grads.x, 1e-5, 1e-4, `${name} grad`);
    });
  }

  it("use PyTorch's defaults: LeakyReLU slope 0.01, Softplus β 1 threshold 20", () => {
    expect(new LeakyReLU().forward(tensor([-2, 3])).toArray()).toEqual([Math.fround(-0.02), 3]);
    const sp = new Softplus().forward(tensor([0, 30]));
    expect(sp.dataSync()[0]).toBeCloseTo(Math.log(2), 6);
    expect(sp.dataSync()[1]).toBe(30);
    expect(new Softplus(2, 5).forward(tensor([1])).item()).toBeCloseTo(Math.log1p(Math.exp(2)) / 2, 6);
    expect(new GELU('tanh').forward(tensor([1])).item()).toBeCloseTo(0.5 * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (1 + 0.044715))), 6);
  });

  it('print and check their settings', () => {
    expect(new LeakyReLU(0.1).toString()).toBe('LeakyReLU(negativeSlope=0.1)');
    expect(new ReLU().toString()).toBe('ReLU()');
    expect(new Softmax(1).toString()).toBe('Softmax(dim=1)');
    expect(() => new LeakyReLU(NaN)).toThrow(/LeakyReLU: negativeSlope must be a finite number/);
    expect(() => new GELU('erf' as 'none')).toThrow(/GELU: approximate must be 'none' or 'tanh'/);
    expect(() => new Softmax(0.5)).toThrow(/Softmax: dim must be an integer/);
  });
});
