/**
 * Fused optimizer steps: one pass over a parameter instead of eight to fifteen elementwise
 * ops, each with its own output array. Every intermediate is rounded to float32 (fround)
 * where the op composition in @nn/layers stores a float32 tensor, and every hyperparameter
 * is rounded as the scalar tensor the composition makes of it, so results agree bit for bit.
 */
import { KernelName, type AdamUpdateAttrs, type SgdUpdateAttrs, type TensorInfo } from '@nn/tensor';
import { adamWasm, type AdamArrays, type AdamConstants } from './small_wasm.js';
import type { CpuKernel, KernelConfig } from './types.js';

const f = Math.fround;

/**
 * Parameters from this many values take Adam's WebAssembly twin (small_wasm.ts), the same bits
 * at a fraction of the cost: this loop spends about 30 ns a value on its float64 divisions and
 * square root, 0.5 s a step on a 2^19 × 32 embedding table. Below it the call and the copies
 * are not worth it.
 */
export const ADAM_WASM_MIN = 1024;

const sgdUpdate: CpuKernel<SgdUpdateAttrs> = ({ inputs: { param, grad, momentumBuffer }, attrs, backend }) => {
  const { maximize, nesterov, firstStep } = attrs;
  const lr = f(attrs.lr);
  const decays = attrs.weightDecay !== 0;
  const wd = f(attrs.weightDecay);
  const momentum = f(attrs.momentum);
  const keep = f(1 - attrs.dampening);
  const p = backend.values(param.dataId);
  const gr = backend.values(grad.dataId);
  const out = backend.allocate(param.shape, 'float32', false);
  const np = out.values;
  if (attrs.momentum === 0) {
    for (let i = 0; i < p.length; i++) {
      let g = maximize ? -gr[i] : gr[i];
      if (decays) g = f(g + f(p[i] * wd));
      np[i] = p[i] - f(g * lr);
    }
    return [out.info];
  }
  const buf = firstStep ? p : backend.values(momentumBuffer.dataId);
  const nb = backend.allocate(param.shape, 'float32', false);
  const b = nb.values;
  for (let i = 0; i < p.length; i++) {
    let g = maximize ? -gr[i] : gr[i];
    if (decays) g = f(g + f(p[i] * wd));
    const m = firstStep ? g + 0 : f(f(buf[i] * momentum) + f(g * keep));
    b[i] = m;
    g = nesterov ? f(g + f(m * momentum)) : m;
    np[i] = p[i] - f(g * lr);
  }
  return [out.info, nb.info];
};

const adamUpdate: CpuKernel<AdamUpdateAttrs> = ({ inputs: { param, grad, expAvg, expAvgSq, maxExpAvgSq }, attrs, backend }) => {
  const { maximize, amsgrad, decoupledWeightDecay } = attrs;
  const constants: AdamConstants = {
    maximize,
    amsgrad,
    decoupled: decoupledWeightDecay,
    decays: attrs.weightDecay !== 0,
    beta2: f(attrs.beta2),
    oneMinusBeta1: f(1 - attrs.beta1),
    oneMinusBeta2: f(1 - attrs.beta2),
    wd: f(attrs.weightDecay),
    decay: f(attrs.decayFactor),
    eps: f(attrs.eps),
    stepSize: f(attrs.stepSize),
    bc2: f(attrs.biasCorrection2Sqrt),
  };
  const outs: TensorInfo[] = [];
  const take = (): Float32Array => {
    const { info, values } = backend.allocate(param.shape, 'float32', false);
    outs.push(info);
    return values;
  };
  const arrays: AdamArrays = {
    param: backend.values(param.dataId),
    grad: backend.values(grad.dataId),
    expAvg: backend.values(expAvg.dataId),
    expAvgSq: backend.values(expAvgSq.dataId),
    maxExpAvgSq: amsgrad ? backend.values(maxExpAvgSq.dataId) : null,
    nextParam: take(),
    nextAvg: take(),
    nextAvgSq: take(),
    nextMax: amsgrad ? take() : null,
  };
  if (!(arrays.param.length >= ADAM_WASM_MIN && adamWasm(arrays, constants))) adamLoop(arrays, constants);
  return outs;
};

/** Adam's step in JavaScript, each step rounded to float32 (small.wat's `adam` gives the same bits). */
export function adamLoop(x: AdamArrays, k: AdamConstants): void {
  const { maximize, decays, decoupled, amsgrad, beta2, oneMinusBeta1, oneMinusBeta2, wd, decay, eps, stepSize, bc2 } = k;
  const { param: p, grad: gr, expAvg: m0, expAvgSq: v0, nextParam: np, nextAvg: m, nextAvgSq: v } = x;
  const vmax0 = x.maxExpAvgSq ?? v0;
  const vmax = x.nextMax ?? v;
  for (let i = 0; i < p.length; i++) {
    let g = maximize ? -gr[i] : gr[i];
    let pi = p[i];
    if (decays) {
      if (decoupled) pi = f(pi * decay);
      else g = f(g + f(p[i] * wd));
    }
    const mi = f(m0[i] + f(f(g - m0[i]) * oneMinusBeta1));
    const vi = f(f(v0[i] * beta2) + f(f(g * g) * oneMinusBeta2));
    m[i] = mi;
    v[i] = vi;
    let second = vi;
    if (amsgrad) {
      const old = vmax0[i];
      second = old > vi || old !== old ? old : vi; // NaN wins, as torch.maximum
      vmax[i] = second;
    }
    const denom = f(f(f(Math.sqrt(second)) / bc2) + eps);
    np[i] = pi - f(f(mi / denom) * stepSize);
  }
}

export const optimizerUpdateKernels: KernelConfig[] = [
  { kernelName: KernelName.SgdUpdate, kernelFunc: sgdUpdate },
  { kernelName: KernelName.AdamUpdate, kernelFunc: adamUpdate },
];
