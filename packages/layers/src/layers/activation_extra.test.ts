// The activations of issue 15 as modules and ops: values against PyTorch's formulas (float64
// here), the tails where a naive formula overflows, the learnable PReLU slope, and errors.
import '@nn/backend-cpu';
import { celu, hardtanh, logSigmoid, mish, prelu, selu, silu, softsign, tensor, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { expectClose } from '../test-utils/vectors.js';
import { CELU, Hardtanh, LogSigmoid, Mish, PReLU, ReLU6, SELU, SiLU, Softsign } from './activation.js';

const xs = [-30, -3, -1, -0.25, 0, 0.5, 2, 25];
const softplus64 = (x: number): number => (x > 20 ? x : Math.log1p(Math.exp(x)));
const ALPHA = 1.6732632423543772;
const SCALE = 1.0507009873554805;
const references: [string, { forward(x: Tensor): Tensor }, (x: number) => number][] = [
  ['SiLU', new SiLU(), (x) => x / (1 + Math.exp(-x))],
  ['Mish', new Mish(), (x) => x * Math.tanh(softplus64(x))],
  ['Softsign', new Softsign(), (x) => x / (1 + Math.abs(x))],
  ['LogSigmoid', new LogSigmoid(), (x) => Math.min(x, 0) - Math.log1p(Math.exp(-Math.abs(x)))],
  ['SELU', new SELU(), (x) => SCALE * (x > 0 ? x : ALPHA * Math.expm1(x))],
  ['CELU(alpha=1.5)', new CELU(1.5), (x) => Math.max(0, x) + Math.min(0, 1.5 * Math.expm1(x / 1.5))],
  ['Hardtanh(-0.5, 2)', new Hardtanh(-0.5, 2), (x) => Math.min(Math.max(x, -0.5), 2)],
  ['ReLU6', new ReLU6(), (x) => Math.min(Math.max(x, 0), 6)],
];

describe('activation modules match PyTorch formulas', () => {
  for (const [name, module, reference] of references) {
    it(name, () => {
      expectClose(module.forward(tensor(xs)), tensor(xs.map(reference)), 1e-6, 1e-6, name);
    });
  }
});

describe('activation tails stay finite and exact', () => {
  it('logSigmoid is x far left and −exp(−x) far right, never −Infinity or NaN', () => {
    const y = logSigmoid(tensor([-200, -90, 90])).dataSync();
    expect(y[0]).toBe(-200);
    expect(y[1]).toBe(-90);
    expect(y[2]).toBeLessThanOrEqual(0);
    expect(y[2]).toBeGreaterThan(-1e-30);
  });
  it('silu, mish, selu and softsign of ±1e4 are finite', () => {
    const big = tensor([-1e4, 1e4]);
    for (const f of [silu, mish, selu, softsign, (t: Tensor) => celu(t, { alpha: 0.5 })]) {
      for (const v of f(big).dataSync()) expect(Number.isFinite(v)).toBe(true);
    }
    expect(Array.from(mish(big).dataSync())).toEqual([-0, 1e4]);
  });
  it('hardtanh keeps NaN (like clamp), and int32 input computes in float32', () => {
    expect(Number.isNaN(hardtanh(tensor([Number.NaN])).dataSync()[0])).toBe(true);
    const y = silu(tensor([1, 2], [2], 'int32'));
    expect(y.dtype).toBe('float32');
  });
});

describe('PReLU', () => {
  it('has one learnable slope named weight, 0.25 at first, as PyTorch', () => {
    const m = new PReLU();
    expect([...m.namedParameters()].map(([k, p]) => [k, Array.from(p.dataSync())])).toEqual([['weight', [0.25]]]);
    expectClose(m.forward(tensor([-2, 3])), tensor([-0.5, 3]), 0, 0, 'shared slope');
  });
  it('with numParameters = C, each channel (axis 1) has its own slope', () => {
    const m = new PReLU(2);
    m.loadStateDict({ weight: tensor([0.1, 0.5]) });
    const x = tensor([-1, -1, -1, -1, 2, 2], [1, 2, 3]);
    expectClose(m.forward(x), tensor([-0.1, -0.1, -0.1, -0.5, 2, 2], [1, 2, 3]), 1e-7, 0, 'per channel');
  });
  it('names the counts when weight does not fit the channels', () => {
    expect(() => prelu(tensor([[1, 2, 3]]), tensor([0.1, 0.2]))).toThrow('prelu: weight has 2 values but input [1,3] has 3 channels (axis 1); give 1 or 3');
  });
});

describe('activation options are checked', () => {
  it('celu: alpha 0 divides by zero', () => {
    expect(() => celu(tensor([1]), { alpha: 0 })).toThrow('celu: alpha must not be 0');
    expect(() => new CELU(0)).toThrow('CELU: alpha must be a finite non-zero number, got 0');
  });
  it('hardtanh: bounds in order, options in an object', () => {
    expect(() => hardtanh(tensor([1]), { minVal: 1, maxVal: 0 })).toThrow('hardtanh: maxVal (0) must not be below minVal (1)');
    expect(() => hardtanh(tensor([1]), { min: 0 } as never)).toThrow(/hardtanh/);
    expect(() => (hardtanh as (...a: unknown[]) => Tensor)(tensor([1]), -1, 1)).toThrow(/hardtanh/);
  });
  it('the option-free activations refuse extra arguments instead of dropping them', () => {
    for (const [name, f] of [['silu', silu], ['mish', mish], ['softsign', softsign], ['logSigmoid', logSigmoid], ['selu', selu]] as const) {
      expect(() => (f as (...a: unknown[]) => Tensor)(tensor([1]), { beta: 2 })).toThrow(`${name}: unexpected extra argument`);
    }
    expect(() => (prelu as (...a: unknown[]) => Tensor)(tensor([1]), tensor([0.1]), 0.2)).toThrow('prelu: unexpected extra argument 0.2');
  });
});
