/**
 * Nearest and bilinear resizing of NCHW planes and their gradients. Which source rows and
 * columns an output reads depends only on the sizes and scales, so it is computed on the
 * host (in float32, as PyTorch's CPU kernels do, so ties agree) and passed to the kernel
 * as small tables. The gradients gather: for each input row the tables give the range of
 * output rows that read it, and the kernel adds those outputs' shares.
 */
import { KernelName, type ImageGradAttrs, type ResizeAttrs } from '@nn/tensor';
import { lit } from '../codegen.js';
import type { GpujsKernel, KernelConfig } from './types.js';

const f32 = Math.fround;

/** PyTorch's legacy 'nearest': src = min(floor(dst * scale), in - 1). */
function nearestIndices(outSize: number, inSize: number, scale: number): Float32Array {
  const src = new Float32Array(outSize);
  const s = f32(scale);
  for (let i = 0; i < outSize; i++) src[i] = Math.min(Math.floor(f32(i * s)), inSize - 1);
  return src;
}

/** Per output position: the two source indices and their weights, as [i0, i1, w0, w1] rows. */
function linearTaps(outSize: number, inSize: number, scale: number, alignCorners: boolean): Float32Array {
  const taps = new Float32Array(outSize * 4);
  const s = f32(scale);
  for (let i = 0; i < outSize; i++) {
    let real = alignCorners ? f32(s * i) : f32(s * (i + 0.5) - 0.5);
    if (real < 0) real = 0;
    const lo = Math.min(Math.floor(real), inSize - 1);
    const lambda = Math.min(Math.max(f32(real - lo), 0), 1);
    taps[4 * i] = lo;
    taps[4 * i + 1] = lo < inSize - 1 ? lo + 1 : lo;
    taps[4 * i + 2] = f32(1 - lambda);
    taps[4 * i + 3] = lambda;
  }
  return taps;
}

/**
 * For each input position, the first output position that reads it and how many follow
 * ([first, count] rows; source indices never decrease along an axis), and the largest count.
 */
function readers(inSize: number, sources: (o: number) => number[], outSize: number): { table: Float32Array; span: number } {
  const first = new Float64Array(inSize).fill(-1);
  const last = new Float64Array(inSize).fill(-1);
  for (let o = 0; o < outSize; o++) {
    for (const s of sources(o)) {
      if (first[s] < 0) first[s] = o;
      last[s] = o;
    }
  }
  const table = new Float32Array(inSize * 2);
  let span = 1;
  for (let s = 0; s < inSize; s++) {
    table[2 * s] = Math.max(first[s], 0);
    table[2 * s + 1] = first[s] < 0 ? 0 : last[s] - first[s] + 1;
    span = Math.max(span, table[2 * s + 1]);
  }
  return { table, span };
}

const resizeNearest: GpujsKernel<ResizeAttrs> = ({ inputs: { x }, attrs: { outputSize, scales }, backend }) => {
  const [n, c, inH, inW] = x.shape;
  const [outH, outW] = outputSize;
  const rowTable = nearestIndices(outH, inH, scales[0]);
  const colTable = nearestIndices(outW, inW, scales[1]);
  return backend.compute({
    label: 'ResizeNearest',
    shape: [n, c, outH, outW],
    dtype: 'float32',
    inputs: [x],
    body: (src, [rx]) => {
      const rows = src.table(rowTable);
      const cols = src.table(colTable);
      const [plane, oh, ow] = src.coords('i', [n * c, outH, outW]);
      return src.read(rx, `${plane} * ${lit(inH * inW)} + ${rows}[${oh}] * ${lit(inW)} + ${cols}[${ow}]`);
    },
  });
};

const resizeNearestGrad: GpujsKernel<ResizeAttrs & ImageGradAttrs> = ({ inputs: { dy }, attrs: { outputSize, scales, inputShape }, backend }) => {
  const [n, c, inH, inW] = inputShape;
  const [outH, outW] = outputSize;
  const rowSources = nearestIndices(outH, inH, scales[0]);
  const colSources = nearestIndices(outW, inW, scales[1]);
  const rowReaders = readers(inH, (o) => [rowSources[o]], outH);
  const colReaders = readers(inW, (o) => [colSources[o]], outW);
  return backend.compute({
    label: 'ResizeNearestGrad',
    shape: inputShape,
    dtype: 'float32',
    inputs: [dy],
    body: (src, [rd]) => {
      const rows = src.table(rowReaders.table);
      const cols = src.table(colReaders.table);
      const [plane, h, w] = src.coords('i', [n * c, inH, inW]);
      const base = src.let(`${plane} * ${lit(outH * outW)}`);
      const acc = src.let('0.0');
      const a = src.loop(rowReaders.span, 'y');
      src.open(`if (${a} < ${rows}[${h} * 2.0 + 1.0])`);
      const oh = src.let(`${rows}[${h} * 2.0] + ${a}`);
      const b = src.loop(colReaders.span, 'x');
      src.open(`if (${b} < ${cols}[${w} * 2.0 + 1.0])`);
      const ow = src.let(`${cols}[${w} * 2.0] + ${b}`);
      src.line(`${acc} = ${acc} + ${src.read(rd, `${base} + ${oh} * ${lit(outW)} + ${ow}`)};`);
      for (let k = 0; k < 4; k++) src.end();
      return acc;
    },
  });
};

const resizeBilinear: GpujsKernel<ResizeAttrs> = ({ inputs: { x }, attrs: { outputSize, scales, alignCorners }, backend }) => {
  const [n, c, inH, inW] = x.shape;
  const [outH, outW] = outputSize;
  const rowTaps = linearTaps(outH, inH, scales[0], alignCorners);
  const colTaps = linearTaps(outW, inW, scales[1], alignCorners);
  return backend.compute({
    label: 'ResizeBilinear',
    shape: [n, c, outH, outW],
    dtype: 'float32',
    inputs: [x],
    body: (src, [rx]) => {
      const rows = src.table(rowTaps);
      const cols = src.table(colTaps);
      const [plane, oh, ow] = src.coords('i', [n * c, outH, outW]);
      const base = src.let(`${plane} * ${lit(inH * inW)}`);
      const r = src.let(`${oh} * 4.0`);
      const q = src.let(`${ow} * 4.0`);
      const top = src.let(`${base} + ${rows}[${r}] * ${lit(inW)}`);
      const bottom = src.let(`${base} + ${rows}[${r} + 1.0] * ${lit(inW)}`);
      const l = src.let(`${cols}[${q}]`);
      const rt = src.let(`${cols}[${q} + 1.0]`);
      const wl = src.let(`${cols}[${q} + 2.0]`);
      const wr = src.let(`${cols}[${q} + 3.0]`);
      const upper = `${wl} * ${src.read(rx, `${top} + ${l}`)} + ${wr} * ${src.read(rx, `${top} + ${rt}`)}`;
      const lower = `${wl} * ${src.read(rx, `${bottom} + ${l}`)} + ${wr} * ${src.read(rx, `${bottom} + ${rt}`)}`;
      return `${rows}[${r} + 2.0] * (${upper}) + ${rows}[${r} + 3.0] * (${lower})`;
    },
  });
};

const resizeBilinearGrad: GpujsKernel<ResizeAttrs & ImageGradAttrs> = ({ inputs: { dy }, attrs, backend }) => {
  const { outputSize, scales, alignCorners, inputShape } = attrs;
  const [n, c, inH, inW] = inputShape;
  const [outH, outW] = outputSize;
  const rowTaps = linearTaps(outH, inH, scales[0], alignCorners);
  const colTaps = linearTaps(outW, inW, scales[1], alignCorners);
  const rowReaders = readers(inH, (o) => [rowTaps[4 * o], rowTaps[4 * o + 1]], outH);
  const colReaders = readers(inW, (o) => [colTaps[4 * o], colTaps[4 * o + 1]], outW);
  return backend.compute({
    label: 'ResizeBilinearGrad',
    shape: inputShape,
    dtype: 'float32',
    inputs: [dy],
    body: (src, [rd]) => {
      const rowR = src.table(rowReaders.table);
      const colR = src.table(colReaders.table);
      const rows = src.table(rowTaps);
      const cols = src.table(colTaps);
      const [plane, h, w] = src.coords('i', [n * c, inH, inW]);
      const base = src.let(`${plane} * ${lit(outH * outW)}`);
      const acc = src.let('0.0');
      const a = src.loop(rowReaders.span, 'y');
      src.open(`if (${a} < ${rowR}[${h} * 2.0 + 1.0])`);
      const oh = src.let(`${rowR}[${h} * 2.0] + ${a}`);
      // The weight of input row h in output row oh: each of its two taps that is h adds its weight.
      const wh = src.let(
        `(${rows}[${oh} * 4.0] == ${h} ? ${rows}[${oh} * 4.0 + 2.0] : 0.0) + (${rows}[${oh} * 4.0 + 1.0] == ${h} ? ${rows}[${oh} * 4.0 + 3.0] : 0.0)`,
      );
      const b = src.loop(colReaders.span, 'x');
      src.open(`if (${b} < ${colR}[${w} * 2.0 + 1.0])`);
      const ow = src.let(`${colR}[${w} * 2.0] + ${b}`);
      const ww = src.let(
        `(${cols}[${ow} * 4.0] == ${w} ? ${cols}[${ow} * 4.0 + 2.0] : 0.0) + (${cols}[${ow} * 4.0 + 1.0] == ${w} ? ${cols}[${ow} * 4.0 + 3.0] : 0.0)`,
      );
      src.line(`${acc} = ${acc} + ${wh} * ${ww} * ${src.read(rd, `${base} + ${oh} * ${lit(outW)} + ${ow}`)};`);
      for (let k = 0; k < 4; k++) src.end();
      return acc;
    },
  });
};

export const resizeKernels: KernelConfig[] = [
  { kernelName: KernelName.ResizeNearest, kernelFunc: resizeNearest },
  { kernelName: KernelName.ResizeNearestGrad, kernelFunc: resizeNearestGrad },
  { kernelName: KernelName.ResizeBilinear, kernelFunc: resizeBilinear },
  { kernelName: KernelName.ResizeBilinearGrad, kernelFunc: resizeBilinearGrad },
];
