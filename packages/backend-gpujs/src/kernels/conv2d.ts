/**
 * Conv2D and its two gradients as gathers, one output element per thread:
 *  - forward: y[n,o,oh,ow] = Σ_c,ki,kj w[o,c,ki,kj] · x[n, g·Cg + c, oh·s - p + ki·d, ow·s - p + kj·d];
 *  - input gradient: each dx element sums the (o, tap) pairs whose window covers it: the
 *    tap's offset must land on the stride grid, which is tested, not scattered;
 *  - filter gradient: each dw element is a dot product of a dy plane with a strided window
 *    of x over the whole batch, split into partial sums over the batch when long.
 * A forward conv with one group and enough work runs instead as im2col + the tiled GEMM
 * (gemm_tiled.ts): the filter packed in rows of Cin·kH·kW, the input patches packed one
 * output pixel per row, a batch chunk at a time when the patches would not fit one buffer;
 * with shallower patches, as a direct kernel of four outputs per thread (conv2d_gl.ts).
 * On webasm the forward conv is a direct kernel read in place (conv2d_webasm.ts), and the
 * gradients of one-group convs have their own kernels there (conv2d_grad_webasm.ts).
 */
import {
  convGeometry,
  convOutputHW,
  KernelName,
  type ConvGeometry,
  type Conv2DAttrs,
  type Conv2DBackpropFilterAttrs,
  type Conv2DBackpropInputAttrs,
  type TensorInfo,
} from '@nn/tensor';
import type { GpujsBackend } from '../backend_gpujs.js';
import { lit, type KernelSource } from '../codegen.js';
import { concatInfos } from './concat.js';
import { conv2dChannelTiles, conv2dPixelTiles } from './conv2d_gl.js';
import { conv2dBackpropFilterWebasm, conv2dBackpropInputWebasm } from './conv2d_grad_webasm.js';
import { conv2dWebasm } from './conv2d_webasm.js';
import { packRows, planGemm, tiledGemm, unpackTiles, type GemmPlan } from './gemm_tiled.js';
import { reduceView } from './reduce.js';
import type { GpujsKernel, KernelConfig } from './types.js';

/** Emits: if (t is on the stride grid and t / stride < size) and returns the quotient's name. */
function onGrid(src: KernelSource, t: string, stride: number, size: number): { q: string; ok: string } {
  if (stride === 1) return { q: t, ok: `${t} >= 0.0 && ${t} < ${lit(size)}` };
  const [q, r] = src.divmod(`Math.max(${t}, 0.0)`, stride);
  return { q, ok: `${t} >= 0.0 && ${r} == 0.0 && ${q} < ${lit(size)}` };
}

export function conv2dPlain(backend: GpujsBackend, x: TensorInfo, weight: TensorInfo, g: ConvGeometry): TensorInfo {
  const outShape = [g.batch, g.outChannels, g.outH, g.outW];
  return backend.compute({
    label: 'Conv2D',
    shape: outShape,
    dtype: 'float32',
    inputs: g.groupIn * g.kH * g.kW === 0 ? [] : [x, weight],
    body: (src, refs) => {
      if (refs.length === 0) return '0.0';
      const [rx, rw] = refs;
      const [n, o, oh, ow] = src.coords('i', outShape);
      const [grp] = src.divmod(o, g.groupOut);
      const xBase = src.let(`(${n} * ${lit(g.inChannels)} + ${grp} * ${lit(g.groupIn)}) * ${lit(g.inH * g.inW)}`);
      const h0 = src.let(`${oh} * ${lit(g.strideH)} - ${lit(g.padTop)}`);
      const w0 = src.let(`${ow} * ${lit(g.strideW)} - ${lit(g.padLeft)}`);
      const acc = src.let('0.0');
      const c = src.loop(g.groupIn, 'c');
      const ki = src.loop(g.kH, 'y');
      const h = src.let(`${h0} + ${ki} * ${lit(g.dilationH)}`);
      src.open(`if (${h} >= 0.0 && ${h} < ${lit(g.inH)})`);
      const kj = src.loop(g.kW, 'x');
      const w = src.let(`${w0} + ${kj} * ${lit(g.dilationW)}`);
      src.open(`if (${w} >= 0.0 && ${w} < ${lit(g.inW)})`);
      const wv = src.read(rw, `((${o} * ${lit(g.groupIn)} + ${c}) * ${lit(g.kH)} + ${ki}) * ${lit(g.kW)} + ${kj}`);
      const xv = src.read(rx, `${xBase} + ${c} * ${lit(g.inH * g.inW)} + ${h} * ${lit(g.inW)} + ${w}`);
      src.line(`${acc} = ${acc} + ${wv} * ${xv};`);
      src.end();
      src.end();
      src.end();
      src.end();
      src.end();
      return acc;
    },
  });
}

/** Below this many multiply-adds the direct kernel wins: im2col costs extra launches. */
const TILED_MIN_WORK = 32 * 32 * 32;
/**
 * Below this patch depth (Cin·kH·kW) im2col does not pay: copying each patch costs about what
 * convolving it does (LeNet's first layer, 25 taps: 0.7× the plain kernel in headlessgl), so
 * those take the four-output direct kernels of conv2d_gl.ts.
 */
const TILED_MIN_PATCH = 64;

export function conv2dTiled(backend: GpujsBackend, x: TensorInfo, weight: TensorInfo, g: ConvGeometry): TensorInfo | null {
  const patch = g.groupIn * g.kH * g.kW;
  const area = g.outH * g.outW;
  if (g.groups !== 1 || g.batch * area * g.outChannels * patch < TILED_MIN_WORK) return null;
  if (backend.device.isAsync) return null; // WebGPU: four-channel results cannot be kernel arguments in gpu.js
  if (patch < TILED_MIN_PATCH) return conv2dPixelTiles(backend, x, weight, g) ?? conv2dChannelTiles(backend, x, weight, g);
  // Images per GEMM: all of them, or as many as the patch buffer holds.
  let perChunk = g.batch;
  let plan: GemmPlan | null = null;
  while (perChunk > 0) {
    plan = planGemm({ batch: 1, m: g.outChannels, n: perChunk * area, k: patch, batchedA: false, batchedB: false }, backend.device.maxTextureSize);
    if (plan) break;
    perChunk = Math.floor(perChunk / 2);
  }
  if (!plan) return null;
  const gemm = plan;
  const filter = packRows(backend, 'Conv2D pack filter', weight, { matrices: 1, rows: g.outChannels, rowsPad: gemm.mPad, k: patch, kPad: gemm.kPad, perTexel: 4 }, (src, ref, _b, o, p) =>
    src.read(ref, `${o} * ${lit(patch)} + ${p}`),
  );
  const chunks: TensorInfo[] = [];
  for (let first = 0; first < g.batch; first += perChunk) {
    const images = Math.min(perChunk, g.batch - first);
    const chunkPlan = images === perChunk ? gemm : planGemm({ ...gemm, n: images * area }, backend.device.maxTextureSize)!;
    // im2col, one output pixel per row: row r = (image, oh, ow), column p = (c, ki, kj).
    const patches = packRows(backend, 'Conv2D im2col', x, { matrices: 1, rows: images * area, rowsPad: chunkPlan.nPad, k: patch, kPad: chunkPlan.kPad, perTexel: 4 }, (src, ref, _b, r, p) => {
      const [image, pixel] = src.divmod(r, area);
      const [oh, ow] = src.divmod(pixel, g.outW);
      const [cq, kj] = src.divmod(p, g.kW);
      const [c, ki] = src.divmod(cq, g.kH);
      const h = src.let(`${oh} * ${lit(g.strideH)} - ${lit(g.padTop)} + ${ki} * ${lit(g.dilationH)}`);
      const w = src.let(`${ow} * ${lit(g.strideW)} - ${lit(g.padLeft)} + ${kj} * ${lit(g.dilationW)}`);
      const inside = src.let(`${h} >= 0.0 && ${h} < ${lit(g.inH)} && ${w} >= 0.0 && ${w} < ${lit(g.inW)} ? 1.0 : 0.0`);
      return src.readIf(ref, inside, `((${lit(first)} + ${image}) * ${lit(g.inChannels)} + ${c}) * ${lit(g.inH * g.inW)} + ${h} * ${lit(g.inW)} + ${w}`);
    });
    const tiles = tiledGemm(backend, chunkPlan, filter, patches);
    chunks.push(
      unpackTiles(backend, 'Conv2D unpack', tiles, chunkPlan, [images, g.outChannels, g.outH, g.outW], 'float32', (src) => {
        const [image, rest] = src.divmod('i', g.outChannels * area);
        const [o, pixel] = src.divmod(rest, area);
        return ['0.0', o, src.let(`${image} * ${lit(area)} + ${pixel}`)];
      }),
    );
    backend.release(patches);
    backend.release(tiles);
  }
  backend.release(filter);
  if (chunks.length === 1) return chunks[0];
  const out = concatInfos(backend, chunks, 0);
  for (const c of chunks) backend.release(c);
  return out;
}

const conv2d: GpujsKernel<Conv2DAttrs> = ({ inputs: { x, weight }, attrs, backend }) => {
  const [outH, outW] = convOutputHW(x.shape, weight.shape, attrs);
  const g = convGeometry(x.shape, weight.shape, outH, outW, attrs);
  // The tiled and tiles kernels are GL kernels (vec4 texels held in locals), which webasm cannot compile.
  const fast = backend.device.mode === 'webasm' ? conv2dWebasm(backend, x, weight, g) : conv2dTiled(backend, x, weight, g);
  return fast ?? conv2dPlain(backend, x, weight, g);
};

export function conv2dBackpropInputPlain(backend: GpujsBackend, dy: TensorInfo, weight: TensorInfo, g: ConvGeometry): TensorInfo {
  const inShape = [g.batch, g.inChannels, g.inH, g.inW];
  return backend.compute({
    label: 'Conv2DBackpropInput',
    shape: inShape,
    dtype: 'float32',
    inputs: g.groupOut * g.outH * g.outW === 0 ? [] : [dy, weight],
    body: (src, refs) => {
      if (refs.length === 0) return '0.0';
      const [rd, rw] = refs;
      const [n, c, h, w] = src.coords('i', inShape);
      const [grp, cl] = src.divmod(c, g.groupIn);
      const acc = src.let('0.0');
      const j = src.loop(g.groupOut, 'j');
      const o = src.let(`${grp} * ${lit(g.groupOut)} + ${j}`);
      const ki = src.loop(g.kH, 'y');
      const rows = onGrid(src, `${h} + ${lit(g.padTop)} - ${ki} * ${lit(g.dilationH)}`, g.strideH, g.outH);
      src.open(`if (${rows.ok})`);
      const kj = src.loop(g.kW, 'x');
      const cols = onGrid(src, `${w} + ${lit(g.padLeft)} - ${kj} * ${lit(g.dilationW)}`, g.strideW, g.outW);
      src.open(`if (${cols.ok})`);
      const wv = src.read(rw, `((${o} * ${lit(g.groupIn)} + ${cl}) * ${lit(g.kH)} + ${ki}) * ${lit(g.kW)} + ${kj}`);
      const dv = src.read(rd, `((${n} * ${lit(g.outChannels)} + ${o}) * ${lit(g.outH)} + ${rows.q}) * ${lit(g.outW)} + ${cols.q}`);
      src.line(`${acc} = ${acc} + ${wv} * ${dv};`);
      src.end();
      src.end();
      src.end();
      src.end();
      src.end();
      return acc;
    },
  });
}

const conv2dBackpropInput: GpujsKernel<Conv2DBackpropInputAttrs> = ({ inputs: { dy, weight }, attrs, backend }) => {
  const g = convGeometry(attrs.inputShape, weight.shape, dy.shape[2], dy.shape[3], attrs);
  const fast = backend.device.mode === 'webasm' ? conv2dBackpropInputWebasm(backend, dy, weight, g) : null;
  return fast ?? conv2dBackpropInputPlain(backend, dy, weight, g);
};

/** Terms one thread adds up before the batch is split into partial sums. */
const FILTER_SPLIT = 8192;

export function conv2dBackpropFilterPlain(backend: GpujsBackend, x: TensorInfo, dy: TensorInfo, g: ConvGeometry): TensorInfo {
  const filterShape = [g.outChannels, g.groupIn, g.kH, g.kW];
  const filterSize = g.outChannels * g.groupIn * g.kH * g.kW;
  const area = g.outH * g.outW;
  // Images per partial sum: the whole batch unless one thread would add too many terms.
  const perPart = Math.max(1, Math.min(g.batch, Math.floor(FILTER_SPLIT / Math.max(area, 1))));
  const parts = Math.ceil(g.batch / perPart);
  const partial = backend.compute({
    label: 'Conv2DBackpropFilter',
    shape: parts === 1 ? filterShape : [parts, ...filterShape],
    dtype: 'float32',
    inputs: g.batch * area === 0 ? [] : [x, dy],
    body: (src, refs) => {
      if (refs.length === 0) return '0.0';
      const [rx, rd] = refs;
      const [p, o, c, ki, kj] = src.coords('i', [parts, ...filterShape]);
      const [grp] = src.divmod(o, g.groupOut);
      const acc = src.let('0.0');
      const b = src.loop(perPart, 'b');
      const n = src.let(`${p} * ${lit(perPart)} + ${b}`);
      if (parts * perPart > g.batch) src.open(`if (${n} < ${lit(g.batch)})`);
      const xBase = src.let(`((${n} * ${lit(g.inChannels)} + ${grp} * ${lit(g.groupIn)} + ${c}) * ${lit(g.inH)}) * ${lit(g.inW)}`);
      const dBase = src.let(`(${n} * ${lit(g.outChannels)} + ${o}) * ${lit(area)}`);
      const oh = src.loop(g.outH, 'y');
      const h = src.let(`${oh} * ${lit(g.strideH)} - ${lit(g.padTop)} + ${ki} * ${lit(g.dilationH)}`);
      src.open(`if (${h} >= 0.0 && ${h} < ${lit(g.inH)})`);
      const ow = src.loop(g.outW, 'x');
      const w = src.let(`${ow} * ${lit(g.strideW)} - ${lit(g.padLeft)} + ${kj} * ${lit(g.dilationW)}`);
      src.open(`if (${w} >= 0.0 && ${w} < ${lit(g.inW)})`);
      const dv = src.read(rd, `${dBase} + ${oh} * ${lit(g.outW)} + ${ow}`);
      const xv = src.read(rx, `${xBase} + ${h} * ${lit(g.inW)} + ${w}`);
      src.line(`${acc} = ${acc} + ${dv} * ${xv};`);
      src.end();
      src.end();
      src.end();
      src.end();
      if (parts * perPart > g.batch) src.end();
      src.end();
      return acc;
    },
  });
  if (parts === 1) return partial;
  const total = reduceView(backend, 'sum', partial, 1, parts, filterSize, filterShape);
  backend.release(partial);
  return total;
}

const conv2dBackpropFilter: GpujsKernel<Conv2DBackpropFilterAttrs> = ({ inputs: { x, dy }, attrs, backend }) => {
  const g = convGeometry(x.shape, attrs.filterShape, dy.shape[2], dy.shape[3], attrs);
  const fast = backend.device.mode === 'webasm' ? conv2dBackpropFilterWebasm(backend, x, dy, g) : null;
  return fast ?? conv2dBackpropFilterPlain(backend, x, dy, g);
};

export const conv2dKernels: KernelConfig[] = [
  { kernelName: KernelName.Conv2D, kernelFunc: conv2d },
  { kernelName: KernelName.Conv2DBackpropInput, kernelFunc: conv2dBackpropInput },
  { kernelName: KernelName.Conv2DBackpropFilter, kernelFunc: conv2dBackpropFilter },
];
