import { CpuBackend } from '@nn/backend-cpu';
import { dispose, engine, registerBackend, setBackend, tensor, type Tensor } from '@nn/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { parameter } from '../module.js';
import { Adam, AdamW } from './adam.js';
import type { Optimizer, OptimizerOptions } from './optimizer.js';
import { SGD } from './sgd.js';

// A CPU backend without the fused kernels: the optimizers must fall back to the op composition.
class PlainCpuBackend extends CpuBackend {
  override readonly kernels = new Map([...new CpuBackend().kernels].filter(([name]) => !name.endsWith('Update')));
}
registerBackend('cpu-plain', () => new PlainCpuBackend(), -10);
afterAll(() => setBackend('cpu'));

type Make = (params: Tensor[]) => Optimizer<OptimizerOptions>;
const cases: [string, Make][] = [
  ['SGD', (p) => new SGD(p, { lr: 0.1 })],
  ['SGD weight decay, maximize', (p) => new SGD(p, { lr: 0.03, weightDecay: 0.01, maximize: true })],
  ['SGD momentum, dampening', (p) => new SGD(p, { lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 1e-3 })],
  ['SGD nesterov', (p) => new SGD(p, { lr: 0.05, momentum: 0.8, nesterov: true })],
  ['Adam', (p) => new Adam(p, { lr: 0.01 })],
  ['Adam weight decay, amsgrad, maximize', (p) => new Adam(p, { lr: 0.02, weightDecay: 0.1, amsgrad: true, maximize: true, betas: [0.8, 0.99] })],
  ['AdamW', (p) => new AdamW(p, { lr: 0.01, eps: 1e-6 })],
  ['AdamW amsgrad', (p) => new AdamW(p, { lr: 0.003, weightDecay: 0.05, amsgrad: true })],
];

/** Five steps on two parameters with awkward values (zeros of both signs, tiny and large numbers); every parameter and state tensor after each. */
async function run(make: Make, backend: string, fused: boolean): Promise<number[][]> {
  await setBackend(backend);
  const params = [parameter(tensor([0.5, -0, 0, 1e-30, -3.25, 7e5], [2, 3])), parameter(tensor([0.1, -0.2, 0.3], [3]))];
  const opt = make(params);
  opt.fused = fused;
  const seen: number[][] = [];
  for (let step = 0; step < 5; step++) {
    params.forEach((p, i) => {
      p.grad?.dispose();
      p.grad = tensor(Array.from({ length: p.size }, (_, j) => (j === 1 ? -0 : Math.sin(step * 7 + i * 3 + j) * 10 ** ((j % 3) - 1))), p.shape);
    });
    opt.step();
    for (const p of params) seen.push([...p.dataSync()]);
    for (const s of opt.state.values()) for (const v of Object.values(s)) if (typeof v !== 'number') seen.push([...v.dataSync()]);
  }
  opt.dispose();
  dispose(params.map((p) => p.grad!));
  dispose(params);
  return seen;
}

const bits = (rows: number[][]): string[][] => rows.map((r) => [...new Uint32Array(new Float32Array(r).buffer)].map((b) => b.toString(16)));

describe('fused optimizer updates', () => {
  for (const [name, make] of cases) {
    it(`${name}: the fused kernel gives the op composition's float32 bits`, async () => {
      const composed = await run(make, 'cpu', false);
      expect(bits(await run(make, 'cpu', true))).toEqual(bits(composed));
      expect(bits(await run(make, 'cpu-plain', true))).toEqual(bits(composed));
    });
  }

  it('runs one kernel per parameter on a backend that has it, the composition elsewhere', async () => {
    const count = async (backend: string): Promise<number> => {
      await setBackend(backend);
      const p = parameter(tensor([1, 2, 3]));
      const opt = new Adam([p], { lr: 0.1 });
      p.grad = tensor([0.1, 0.2, 0.3]);
      let runs = 0;
      const stop = engine().onKernelRun(() => runs++);
      opt.step();
      stop();
      opt.dispose();
      dispose([p, p.grad]);
      return runs;
    };
    expect(await count('cpu')).toBe(1);
    expect(await count('cpu-plain')).toBeGreaterThan(5);
  });
});
