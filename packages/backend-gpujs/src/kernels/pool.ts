/**
 * Pooling over NCHW planes and the gradients, all as gathers (one output element per
 * thread, no scatter):
 *  - MaxPool2D / AdaptiveMaxPool2D give values and PyTorch's flat per-plane indices h*W + w
 *    (first maximum wins, NaN propagates);
 *  - MaxPool2DGrad sums, for each input element, the dy entries whose index names it. It
 *    is given only the indices, so it looks up how they were made: indices from this
 *    backend's pool kernels carry their window geometry (the backend records it), and
 *    the gradient then visits only the windows that can cover the element; indices from
 *    anywhere else are matched against the whole output plane;
 *  - AvgPool2D with PyTorch's divisor (countIncludePad clips the window to the padded
 *    input), AvgPool2DGrad spreading each dy over the window the forward averaged;
 *  - adaptive windows [floor(i·In/Out), ceil((i+1)·In/Out)).
 */
import {
  KernelName,
  type AdaptivePool2DAttrs,
  type AvgPool2DAttrs,
  type ImageGradAttrs,
  type MaxPool2DAttrs,
  type TensorInfo,
} from '@nn/tensor';
import type { GpujsBackend } from '../backend_gpujs.js';
import { constant, lit, type KernelSource } from '../codegen.js';
import type { GpujsKernel, KernelConfig } from './types.js';

/** What MaxPool2DGrad learns from the indices' origin. */
type PoolOrigin = { kind: 'window'; attrs: MaxPool2DAttrs } | { kind: 'adaptive' };

/** The largest adaptive window along an axis of `inSize` split into `outSize` cells. */
function maxAdaptiveSpan(inSize: number, outSize: number): number {
  let span = 0;
  for (let i = 0; i < outSize; i++) span = Math.max(span, Math.ceil(((i + 1) * inSize) / outSize) - Math.floor((i * inSize) / outSize));
  return span;
}

/** The adaptive cells [lo, hi] whose windows contain position `pos` of an axis (inSize -> outSize). */
function maxAdaptiveCover(inSize: number, outSize: number): number {
  let span = 0;
  for (let pos = 0; pos < inSize; pos++) {
    const lo = Math.floor((pos * outSize) / inSize);
    const hi = Math.ceil(((pos + 1) * outSize) / inSize) - 1;
    span = Math.max(span, hi - lo + 1);
  }
  return span;
}

/** floor(a * b / c) for integers, exactly (a * b < 2^24). */
function mulDivFloor(src: KernelSource, a: string, b: number, c: number): string {
  return src.divmod(`${a} * ${lit(b)}`, c)[0];
}

/** Emits the window of adaptive cell `o` along an axis: returns [start, end) names. */
function adaptiveWindow(src: KernelSource, o: string, inSize: number, outSize: number): [string, string] {
  const start = mulDivFloor(src, o, inSize, outSize);
  const end = src.divmod(`(${o} + 1.0) * ${lit(inSize)} + ${lit(outSize - 1)}`, outSize)[0];
  return [start, end];
}

/** Max over a window, as value or index; `taps` emits the loops and calls visit(h, w) inside them. */
function maxPoolCompute(
  backend: GpujsBackend,
  label: string,
  x: TensorInfo,
  outHW: [number, number],
  output: 'values' | 'indices',
  window: (src: KernelSource, oh: string, ow: string, visit: (h: string, w: string) => void) => [string, string],
): TensorInfo {
  const [n, c, inH, inW] = x.shape;
  const outShape = [n, c, outHW[0], outHW[1]];
  return backend.compute({
    label: `${label} ${output}`,
    shape: outShape,
    dtype: output === 'values' ? 'float32' : 'int32',
    inputs: [x],
    body: (src, [rx]) => {
      const [plane, oh, ow] = src.coords('i', [n * c, outHW[0], outHW[1]]);
      const base = src.let(`${plane} * ${lit(inH * inW)}`);
      const best = src.let(constant(-Infinity));
      const at = src.let('0.0');
      const [h0, w0] = window(src, oh, ow, (h, w) => {
        const v = src.read(rx, `${base} + ${h} * ${lit(inW)} + ${w}`);
        src.line(`if (${v} > ${best} || ${v} != ${v}) { ${best} = ${v}; ${at} = ${h} * ${lit(inW)} + ${w}; }`);
      });
      // With no tap taken (all padding), the index is the first tap's, as backend-cpu gives it.
      if (output === 'values') return best;
      return `${best} == ${constant(-Infinity)} ? ${h0} * ${lit(inW)} + ${w0} : ${at}`;
    },
  });
}

/** First in-image tap of a dilated window starting at s (keeps the dilation phase). */
function firstTap(src: KernelSource, s: string, dilation: number): string {
  if (dilation === 1) return src.let(`Math.max(${s}, 0.0)`);
  const [q] = src.divmod(`${lit(dilation - 1)} - ${s}`, dilation);
  return src.let(`${s} < 0.0 ? ${s} + ${q} * ${lit(dilation)} : ${s}`);
}

const maxPool2d: GpujsKernel<MaxPool2DAttrs> = ({ inputs: { x }, attrs, backend }) => {
  const [, , inH, inW] = x.shape;
  const [kH, kW] = attrs.kernelSize;
  const [sH, sW] = attrs.stride;
  const [dH, dW] = attrs.dilation;
  const window = (src: KernelSource, oh: string, ow: string, visit: (h: string, w: string) => void): [string, string] => {
    const hs = src.let(`${oh} * ${lit(sH)} - ${lit(attrs.padding[0])}`);
    const ws = src.let(`${ow} * ${lit(sW)} - ${lit(attrs.padding[2])}`);
    const ki = src.loop(kH, 'y');
    const h = src.let(`${hs} + ${ki} * ${lit(dH)}`);
    src.open(`if (${h} >= 0.0 && ${h} < ${lit(inH)})`);
    const kj = src.loop(kW, 'x');
    const w = src.let(`${ws} + ${kj} * ${lit(dW)}`);
    src.open(`if (${w} >= 0.0 && ${w} < ${lit(inW)})`);
    visit(h, w);
    for (let k = 0; k < 4; k++) src.end();
    return [firstTap(src, hs, dH), firstTap(src, ws, dW)];
  };
  const values = maxPoolCompute(backend, 'MaxPool2D', x, attrs.outputSize, 'values', window);
  const indices = maxPoolCompute(backend, 'MaxPool2D', x, attrs.outputSize, 'indices', window);
  backend.setOrigin(indices, { kind: 'window', attrs } satisfies PoolOrigin);
  return [values, indices];
};

const adaptiveMaxPool2d: GpujsKernel<AdaptivePool2DAttrs> = ({ inputs: { x }, attrs: { outputSize }, backend }) => {
  const [, , inH, inW] = x.shape;
  const [outH, outW] = outputSize;
  const window = (src: KernelSource, oh: string, ow: string, visit: (h: string, w: string) => void): [string, string] => {
    const [h0, h1] = adaptiveWindow(src, oh, inH, outH);
    const [w0, w1] = adaptiveWindow(src, ow, inW, outW);
    const a = src.loop(maxAdaptiveSpan(inH, outH), 'y');
    const h = src.let(`${h0} + ${a}`);
    src.open(`if (${h} < ${h1})`);
    const b = src.loop(maxAdaptiveSpan(inW, outW), 'x');
    const w = src.let(`${w0} + ${b}`);
    src.open(`if (${w} < ${w1})`);
    visit(h, w);
    for (let k = 0; k < 4; k++) src.end();
    return [h0, w0];
  };
  const values = maxPoolCompute(backend, 'AdaptiveMaxPool2D', x, outputSize, 'values', window);
  const indices = maxPoolCompute(backend, 'AdaptiveMaxPool2D', x, outputSize, 'indices', window);
  backend.setOrigin(indices, { kind: 'adaptive' } satisfies PoolOrigin);
  return [values, indices];
};

/** For input position `pos` (name), emits a loop over the output cells along one axis whose window may hold it. */
function coveringCells(src: KernelSource, pos: string, inSize: number, outSize: number, origin: PoolOrigin | undefined, axis: 0 | 1): string {
  if (origin?.kind === 'window') {
    const { kernelSize, stride, padding, dilation } = origin.attrs;
    const k = src.loop(kernelSize[axis], axis === 0 ? 'y' : 'x');
    const t = src.let(`${pos} + ${lit(padding[axis * 2])} - ${k} * ${lit(dilation[axis])}`);
    if (stride[axis] === 1) {
      src.open(`if (${t} >= 0.0 && ${t} < ${lit(outSize)})`);
      return t;
    }
    const [q, r] = src.divmod(`Math.max(${t}, 0.0)`, stride[axis]);
    src.open(`if (${t} >= 0.0 && ${r} == 0.0 && ${q} < ${lit(outSize)})`);
    return q;
  }
  if (origin?.kind === 'adaptive') {
    const lo = mulDivFloor(src, pos, outSize, inSize);
    const j = src.loop(maxAdaptiveCover(inSize, outSize), axis === 0 ? 'y' : 'x');
    const o = src.let(`${lo} + ${j}`);
    src.open(`if (${o} < ${lit(outSize)})`);
    return o;
  }
  const o = src.loop(outSize, axis === 0 ? 'y' : 'x');
  src.open(`if (${o} < ${lit(outSize)})`);
  return o;
}

const maxPool2dGrad: GpujsKernel<ImageGradAttrs> = ({ inputs: { dy, indices }, attrs: { inputShape }, backend }) => {
  const [n, c, inH, inW] = inputShape;
  const [, , outH, outW] = dy.shape;
  const origin = backend.originOf(indices) as PoolOrigin | undefined;
  return backend.compute({
    label: `MaxPool2DGrad(${origin?.kind ?? 'scan'})`,
    shape: inputShape,
    dtype: 'float32',
    inputs: outH * outW === 0 ? [] : [dy, indices],
    body: (src, refs) => {
      if (refs.length === 0) return '0.0';
      const [rd, ri] = refs;
      const [plane, h, w] = src.coords('i', [n * c, inH, inW]);
      const base = src.let(`${plane} * ${lit(outH * outW)}`);
      const target = src.let(`${h} * ${lit(inW)} + ${w}`);
      const acc = src.let('0.0');
      const oh = coveringCells(src, h, inH, outH, origin, 0);
      const ow = coveringCells(src, w, inW, outW, origin, 1);
      const at = src.let(`${base} + ${oh} * ${lit(outW)} + ${ow}`);
      src.open(`if (${src.read(ri, at)} == ${target})`);
      src.line(`${acc} = ${acc} + ${src.read(rd, at)};`);
      for (let k = 0; k < 5; k++) src.end();
      return acc;
    },
  });
};

/** Emits the clipped avg-pool window of output cell `o` along an axis: [start, end) and the divisor extent. */
function avgWindow(src: KernelSource, o: string, inSize: number, kernel: number, stride: number, padBefore: number, padAfter: number): { start: string; end: string; padded: string } {
  const s = src.let(`${o} * ${lit(stride)} - ${lit(padBefore)}`);
  const e = src.let(`Math.min(${s} + ${lit(kernel)}, ${lit(inSize + padAfter)})`);
  return { start: src.let(`Math.max(${s}, 0.0)`), end: src.let(`Math.min(${e}, ${lit(inSize)})`), padded: src.let(`${e} - ${s}`) };
}

function avgDivisor(src: KernelSource, attrs: AvgPool2DAttrs, inH: number, inW: number, oh: string, ow: string): { rows: ReturnType<typeof avgWindow>; cols: ReturnType<typeof avgWindow>; divisor: string } {
  const rows = avgWindow(src, oh, inH, attrs.kernelSize[0], attrs.stride[0], attrs.padding[0], attrs.padding[1]);
  const cols = avgWindow(src, ow, inW, attrs.kernelSize[1], attrs.stride[1], attrs.padding[2], attrs.padding[3]);
  const divisor =
    attrs.divisorOverride !== null
      ? lit(attrs.divisorOverride)
      : attrs.countIncludePad
        ? src.let(`${rows.padded} * ${cols.padded}`)
        : src.let(`(${rows.end} - ${rows.start}) * (${cols.end} - ${cols.start})`);
  return { rows, cols, divisor };
}

const avgPool2d: GpujsKernel<AvgPool2DAttrs> = ({ inputs: { x }, attrs, backend }) => {
  const [n, c, inH, inW] = x.shape;
  const [outH, outW] = attrs.outputSize;
  return backend.compute({
    label: 'AvgPool2D',
    shape: [n, c, outH, outW],
    dtype: 'float32',
    inputs: [x],
    body: (src, [rx]) => {
      const [plane, oh, ow] = src.coords('i', [n * c, outH, outW]);
      const { rows, cols, divisor } = avgDivisor(src, attrs, inH, inW, oh, ow);
      const base = src.let(`${plane} * ${lit(inH * inW)}`);
      const sum = src.let('0.0');
      const a = src.loop(attrs.kernelSize[0], 'y');
      const h = src.let(`${rows.start} + ${a}`);
      src.open(`if (${h} < ${rows.end})`);
      const b = src.loop(attrs.kernelSize[1], 'x');
      const w = src.let(`${cols.start} + ${b}`);
      src.open(`if (${w} < ${cols.end})`);
      src.line(`${sum} = ${sum} + ${src.read(rx, `${base} + ${h} * ${lit(inW)} + ${w}`)};`);
      for (let k = 0; k < 4; k++) src.end();
      // An empty window (it lies in the padding) gives 0, as in PyTorch.
      return `${rows.start} < ${rows.end} && ${cols.start} < ${cols.end} ? ${sum} / ${divisor} : 0.0`;
    },
  });
};

const avgPool2dGrad: GpujsKernel<AvgPool2DAttrs & ImageGradAttrs> = ({ inputs: { dy }, attrs, backend }) => {
  const [n, c, inH, inW] = attrs.inputShape;
  const [outH, outW] = attrs.outputSize;
  const origin: PoolOrigin = { kind: 'window', attrs: { ...attrs, dilation: [1, 1] } };
  return backend.compute({
    label: 'AvgPool2DGrad',
    shape: attrs.inputShape,
    dtype: 'float32',
    inputs: outH * outW === 0 ? [] : [dy],
    body: (src, refs) => {
      if (refs.length === 0) return '0.0';
      const [plane, h, w] = src.coords('i', [n * c, inH, inW]);
      const base = src.let(`${plane} * ${lit(outH * outW)}`);
      const acc = src.let('0.0');
      const oh = coveringCells(src, h, inH, outH, origin, 0);
      const ow = coveringCells(src, w, inW, outW, origin, 1);
      // The element lies inside the clipped window whenever the window covers it, so only the divisor is needed.
      const { divisor } = avgDivisor(src, attrs, inH, inW, oh, ow);
      src.line(`${acc} = ${acc} + ${src.read(refs[0], `${base} + ${oh} * ${lit(outW)} + ${ow}`)} / ${divisor};`);
      for (let k = 0; k < 4; k++) src.end();
      return acc;
    },
  });
};

const adaptiveAvgPool2d: GpujsKernel<AdaptivePool2DAttrs> = ({ inputs: { x }, attrs: { outputSize }, backend }) => {
  const [n, c, inH, inW] = x.shape;
  const [outH, outW] = outputSize;
  return backend.compute({
    label: 'AdaptiveAvgPool2D',
    shape: [n, c, outH, outW],
    dtype: 'float32',
    inputs: [x],
    body: (src, [rx]) => {
      const [plane, oh, ow] = src.coords('i', [n * c, outH, outW]);
      const [h0, h1] = adaptiveWindow(src, oh, inH, outH);
      const [w0, w1] = adaptiveWindow(src, ow, inW, outW);
      const base = src.let(`${plane} * ${lit(inH * inW)}`);
      const sum = src.let('0.0');
      const a = src.loop(maxAdaptiveSpan(inH, outH), 'y');
      const h = src.let(`${h0} + ${a}`);
      src.open(`if (${h} < ${h1})`);
      const b = src.loop(maxAdaptiveSpan(inW, outW), 'x');
      const w = src.let(`${w0} + ${b}`);
      src.open(`if (${w} < ${w1})`);
      src.line(`${sum} = ${sum} + ${src.read(rx, `${base} + ${h} * ${lit(inW)} + ${w}`)};`);
      for (let k = 0; k < 4; k++) src.end();
      return `${sum} / ((${h1} - ${h0}) * (${w1} - ${w0}))`;
    },
  });
};

const adaptiveAvgPool2dGrad: GpujsKernel<ImageGradAttrs> = ({ inputs: { dy }, attrs: { inputShape }, backend }) => {
  const [n, c, inH, inW] = inputShape;
  const [, , outH, outW] = dy.shape;
  return backend.compute({
    label: 'AdaptiveAvgPool2DGrad',
    shape: inputShape,
    dtype: 'float32',
    inputs: [dy],
    body: (src, [rd]) => {
      const [plane, h, w] = src.coords('i', [n * c, inH, inW]);
      const base = src.let(`${plane} * ${lit(outH * outW)}`);
      const acc = src.let('0.0');
      const oh = coveringCells(src, h, inH, outH, { kind: 'adaptive' }, 0);
      const [h0, h1] = adaptiveWindow(src, oh, inH, outH);
      src.open(`if (${h} >= ${h0} && ${h} < ${h1})`);
      const ow = coveringCells(src, w, inW, outW, { kind: 'adaptive' }, 1);
      const [w0, w1] = adaptiveWindow(src, ow, inW, outW);
      src.open(`if (${w} >= ${w0} && ${w} < ${w1})`);
      const g = src.read(rd, `${base} + ${oh} * ${lit(outW)} + ${ow}`);
      src.line(`${acc} = ${acc} + ${g} / ((${h1} - ${h0}) * (${w1} - ${w0}));`);
      for (let k = 0; k < 6; k++) src.end();
      return acc;
    },
  });
};

export const poolKernels: KernelConfig[] = [
  { kernelName: KernelName.MaxPool2D, kernelFunc: maxPool2d },
  { kernelName: KernelName.MaxPool2DGrad, kernelFunc: maxPool2dGrad },
  { kernelName: KernelName.AdaptiveMaxPool2D, kernelFunc: adaptiveMaxPool2d },
  { kernelName: KernelName.AvgPool2D, kernelFunc: avgPool2d },
  { kernelName: KernelName.AvgPool2DGrad, kernelFunc: avgPool2dGrad },
  { kernelName: KernelName.AdaptiveAvgPool2D, kernelFunc: adaptiveAvgPool2d },
  { kernelName: KernelName.AdaptiveAvgPool2DGrad, kernelFunc: adaptiveAvgPool2dGrad },
];

