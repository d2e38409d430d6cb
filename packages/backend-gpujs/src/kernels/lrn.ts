/**
 * Local response normalisation across channels (PyTorch's F.local_response_norm), x viewed
 * as [N, C, inner]:  y_c = x_c · D_c^-β,  D_c = k + α/size · Σ_{c' = c - size//2}^{c + (size-1)//2} x_c'².
 * The gradient first stores D, then each element gathers the windows that contain it:
 *   dx_j = dy_j D_j^-β - (2αβ/size) x_j Σ_{c : j ∈ window(c)} dy_c y_c / D_c.
 */
import { KernelName, sizeFromShape, type LRNAttrs, type Shape, type TensorInfo } from '@nn/tensor';
import type { GpujsBackend } from '../backend_gpujs.js';
import { lit, type KernelSource } from '../codegen.js';
import type { GpujsKernel, KernelConfig } from './types.js';

function lrnView(shape: Shape): [number, number, number] {
  return [shape[0], shape[1], sizeFromShape(shape.slice(2))];
}

/** d^-beta for d > 0. */
function powNeg(src: KernelSource, d: string, beta: number): string {
  if (beta === 0.5) return `1.0 / Math.sqrt(${d})`;
  if (beta === 1) return `1.0 / ${d}`;
  return `Math.exp(${lit(-beta)} * Math.log(${d}))`;
}

/** D for every element of x, laid out as x. */
function denominators(backend: GpujsBackend, x: TensorInfo, { size, alpha, k }: LRNAttrs): TensorInfo {
  const [n, c, inner] = lrnView(x.shape);
  const before = Math.floor(size / 2);
  return backend.compute({
    label: 'LRN denominator',
    shape: x.shape,
    dtype: 'float32',
    inputs: [x],
    body: (src, [rx]) => {
      const [b, ch, p] = src.coords('i', [n, c, inner]);
      const sum = src.let('0.0');
      const j = src.loop(size, 'j');
      const from = src.let(`${ch} - ${lit(before)} + ${j}`);
      src.open(`if (${from} >= 0.0 && ${from} < ${lit(c)})`);
      const v = src.read(rx, `(${b} * ${lit(c)} + ${from}) * ${lit(inner)} + ${p}`);
      src.line(`${sum} = ${sum} + ${v} * ${v};`);
      src.end();
      src.end();
      return `${lit(k)} + ${lit(alpha / size)} * ${sum}`;
    },
  });
}

const lrn: GpujsKernel<LRNAttrs> = ({ inputs: { x }, attrs, backend }) => {
  const d = denominators(backend, x, attrs);
  const y = backend.compute({
    label: 'LRN',
    shape: x.shape,
    dtype: 'float32',
    inputs: [x, d],
    body: (src, [rx, rd]) => `${src.readSame(rx)} * ${powNeg(src, src.let(src.readSame(rd)), attrs.beta)}`,
  });
  backend.release(d);
  return y;
};

const lrnGrad: GpujsKernel<LRNAttrs> = ({ inputs: { x, y, dy }, attrs, backend }) => {
  const [n, c, inner] = lrnView(x.shape);
  const { size, alpha, beta } = attrs;
  // Channel j lies in channel c's window when c runs from j - (size-1)//2 to j + size//2.
  const before = Math.floor((size - 1) / 2);
  const d = denominators(backend, x, attrs);
  const dx = backend.compute({
    label: 'LRNGrad',
    shape: x.shape,
    dtype: 'float32',
    inputs: [x, y, dy, d],
    body: (src, [rx, ry, rg, rd]) => {
      const [b, ch, p] = src.coords('i', [n, c, inner]);
      const acc = src.let('0.0');
      const j = src.loop(size, 'j');
      const from = src.let(`${ch} - ${lit(before)} + ${j}`);
      src.open(`if (${from} >= 0.0 && ${from} < ${lit(c)})`);
      const at = src.let(`(${b} * ${lit(c)} + ${from}) * ${lit(inner)} + ${p}`);
      src.line(`${acc} = ${acc} + ${src.read(rg, at)} * ${src.read(ry, at)} / ${src.read(rd, at)};`);
      src.end();
      src.end();
      const own = src.let(src.readSame(rd));
      return `${src.readSame(rg)} * ${powNeg(src, own, beta)} - ${lit((2 * alpha * beta) / size)} * ${src.readSame(rx)} * ${acc}`;
    },
  });
  backend.release(d);
  return dx;
};

export const lrnKernels: KernelConfig[] = [
  { kernelName: KernelName.LRN, kernelFunc: lrn },
  { kernelName: KernelName.LRNGrad, kernelFunc: lrnGrad },
];
