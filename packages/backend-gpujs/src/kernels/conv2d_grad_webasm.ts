/**
 * The convolution gradients on webasm (see the webasm notes in gemm_tiled.ts: a read that
 * varies along this.thread.x costs four loads, a uniform one costs one, and indices must be
 * i32 expressions).
 *  - Input gradient, stride 1, one group: a forward convolution (conv2d_webasm.ts) of dy,
 *    padded by dilation·(k - 1) - padding, with the filter flipped and its in/out channels
 *    swapped (one small rearranging pass).
 *  - Filter gradient, one group: a GEMM dW[o, (c, ki, kj)] = Σ_(n, oh, ow) dy[n, o, oh, ow] ·
 *    x[n, c, oh·s - p + ki·d, ow·s - p + kj·d] over the zero-padded input. The taps (c, ki, kj)
 *    are the SIMD lanes, four output channels per thread are the uniform axis, so per term one
 *    four-lane read of x and four uniform reads of dy feed four multiply-adds. K is split into
 *    parts of at most K_PART terms per thread (whole images, or blocks of rows of one image),
 *    summed afterwards.
 */
import { convGeometry, type ConvGeometry, type TensorInfo } from '@nn/tensor';
import type { GpujsBackend } from '../backend_gpujs.js';
import { lit } from '../codegen.js';
import { fits, MAX_EXACT_INDEX, type Layout } from '../layout.js';
import { conv2dWebasm, padded, paddedSize } from './conv2d_webasm.js';
import { unpackRows } from './gemm_tiled.js';
import { reduceView } from './reduce.js';

/** The input gradient as a forward convolution, or null when the stride is not 1 or it does not fit. */
export function conv2dBackpropInputWebasm(backend: GpujsBackend, dy: TensorInfo, weight: TensorInfo, g: ConvGeometry): TensorInfo | null {
  if (g.strideH !== 1 || g.strideW !== 1 || g.groups !== 1) return null;
  const padTop = g.dilationH * (g.kH - 1) - g.padTop;
  const padLeft = g.dilationW * (g.kW - 1) - g.padLeft;
  if (padTop < 0 || padLeft < 0 || g.outChannels * g.kH * g.kW === 0 || g.inH * g.inW === 0) return null;
  const flippedShape = [g.inChannels, g.outChannels, g.kH, g.kW];
  const flipped = backend.compute({
    label: 'Conv2DBackpropInput flip filter',
    shape: flippedShape,
    dtype: 'float32',
    inputs: [weight],
    body: (src, [ref]) => {
      const [c, o, ki, kj] = src.coords('i', flippedShape);
      return src.read(ref, `((${o} * ${lit(g.inChannels)} + ${c}) * ${lit(g.kH)} + ${lit(g.kH - 1)} - ${ki}) * ${lit(g.kW)} + ${lit(g.kW - 1)} - ${kj}`);
    },
  });
  // dx[n, c, h, w] = Σ_o,ki,kj flipped[c, o, ki, kj] · dy[n, o, h - padTop + ki·d, w - padLeft + kj·d].
  // (Only padTop and padLeft reach the geometry: the forward kernel's output size is given.)
  const transposed = convGeometry([g.batch, g.outChannels, g.outH, g.outW], flippedShape, g.inH, g.inW, {
    stride: [1, 1],
    padding: [padTop, padTop, padLeft, padLeft],
    dilation: [g.dilationH, g.dilationW],
    groups: 1,
  });
  const dx = conv2dWebasm(backend, dy, flipped, transposed);
  backend.release(flipped);
  return dx;
}

/** Terms of K one thread adds up before K is split into parts. */
const K_PART = 1024;

/** Output columns up to which the loop over them is written out (their offsets become literals). */
const UNROLL_COLUMNS = 32;

/** The filter gradient as a GEMM with the taps on the lanes, or null when it does not apply or fit. */
export function conv2dBackpropFilterWebasm(backend: GpujsBackend, x: TensorInfo, dy: TensorInfo, g: ConvGeometry): TensorInfo | null {
  const taps = g.inChannels * g.kH * g.kW;
  const area = g.outH * g.outW;
  if (g.groups !== 1 || g.outChannels < 4 || taps === 0 || area === 0 || g.batch === 0) return null;
  const [padH, padW] = paddedSize(g);
  if (g.batch * g.inChannels * padH * padW > MAX_EXACT_INDEX) return null;
  // Parts of K: whole images while an image has at most K_PART terms, else blocks of rows of one image.
  const images = area <= K_PART ? Math.min(g.batch, Math.floor(K_PART / area)) : 1;
  const rowsPerPart = area <= K_PART ? g.outH : Math.max(1, Math.floor(K_PART / g.outW));
  const rowBlocks = Math.ceil(g.outH / rowsPerPart);
  const parts = Math.ceil(g.batch / images) * rowBlocks;
  const groups4 = Math.ceil(g.outChannels / 4);
  const rows = parts * groups4;
  if (!fits(taps, rows, backend.device.maxTextureSize) || 4 * taps * rows > MAX_EXACT_INDEX) return null;
  if (parts * g.outChannels * taps > MAX_EXACT_INDEX) return null;

  const input = padded(backend, x, g, padH, padW);
  const layout: Layout = { width: taps, height: rows, size: taps * rows };
  const plane = padH * padW;
  const rowStep = g.strideH * padW;
  const tiles = backend.compute({
    label: 'Conv2DBackpropFilter, 4 channels',
    shape: [layout.size],
    dtype: 'float32',
    inputs: [input, dy],
    layout,
    vec4: true,
    body: (src, [rx, rd]) => {
      const X = rx.name;
      const D = rd.name;
      const [part, group] = src.divmod('this.thread.y', groups4);
      const [imagePart, block] = src.divmod(part, rowBlocks);
      // This lane's tap, as an offset into an image of the padded input.
      const [c, tap] = src.divmod('this.thread.x', g.kH * g.kW);
      const [ki, kj] = src.divmod(tap, g.kW);
      const xTap = src.let(`${c} * ${lit(plane)} + ${ki} * ${lit(g.dilationH * padW)} + ${kj} * ${lit(g.dilationW)}`);
      // The last group starts at outChannels - 4 (overlapping the one before), so every read is in range.
      const o0 = src.let(`Math.min(${group} * 4.0, ${lit(g.outChannels - 4)})`);
      const row0 = src.let(`${block} * ${lit(rowsPerPart)}`);
      src.line('let s0 = 0.0; let s1 = 0.0; let s2 = 0.0; let s3 = 0.0;');
      src.loopMax = Math.max(src.loopMax, images, rowsPerPart, g.outW);
      src.line(`for (let b = 0; b < ${images}; b++) {`);
      src.line(`  const n = ${imagePart} * ${lit(images)} + b;`);
      const lastPartial = Math.ceil(g.batch / images) * images > g.batch;
      if (lastPartial) src.line(`  if (n < ${lit(g.batch)}) {`);
      src.line(`  const xImage = ${xTap} + n * ${lit(g.inChannels * plane)} + ${row0} * ${lit(rowStep)};`);
      src.line(`  const dImage = (n * ${lit(g.outChannels)} + ${o0}) * ${lit(area)} + ${row0} * ${lit(g.outW)};`);
      src.line(`  for (let r = 0; r < ${rowsPerPart}; r++) {`);
      if (rowBlocks * rowsPerPart > g.outH) src.line(`    if (${row0} + r < ${lit(g.outH)}) {`);
      src.line(`    const xRow = xImage + r * ${lit(rowStep)};`);
      src.line(`    const dRow = dImage + r * ${lit(g.outW)};`);
      const term = (ow: string, xOffset: string): void => {
        const v = src.name('x');
        const sums = [0, 1, 2, 3].map((j) => `s${j} += ${D}[(dRow | 0) + ${ow}${j === 0 ? '' : ` + ${j * area}`}] * ${v};`);
        src.line(`    const ${v} = ${X}[(xRow | 0) + ${xOffset}]; ${sums.join(' ')}`);
      };
      if (g.outW <= UNROLL_COLUMNS) {
        for (let ow = 0; ow < g.outW; ow++) term(String(ow), String(ow * g.strideW));
      } else {
        src.line(`    for (let w = 0; w < ${g.outW}; w++) {`);
        term('(w | 0)', g.strideW === 1 ? '(w | 0)' : `(w | 0) * ${g.strideW}`);
        src.line('    }');
      }
      if (rowBlocks * rowsPerPart > g.outH) src.line('    }');
      src.line('  }');
      if (lastPartial) src.line('  }');
      src.line('}');
      return '[s0, s1, s2, s3]';
    },
  });
  if (input !== x) backend.release(input);

  // Channel o of part p lies in texel (p·groups4 + its group, tap), in the lane the group gives it.
  const unpacked = unpackRows(backend, 'Conv2DBackpropFilter unpack', tiles, [parts, g.outChannels, taps], [parts, g.outChannels], (src, [p, o], tap) => {
    const group = src.let(`Math.min(Math.floor(${o} / 4.0), ${lit(groups4 - 1)})`);
    const lane = `${o} - Math.min(${group} * 4.0, ${lit(g.outChannels - 4)})`;
    const texel = src.let(`(${p} * ${lit(groups4)} + ${group}) * ${lit(taps * 4)} + ${lane}`);
    return `(${texel} | 0) + ${tap} * 4`;
  });
  backend.release(tiles);
  const filterShape = [g.outChannels, g.inChannels, g.kH, g.kW];
  if (parts === 1) return { ...unpacked, shape: filterShape };
  const total = reduceView(backend, 'sum', unpacked, 1, parts, g.outChannels * taps, filterShape);
  backend.release(unpacked);
  return total;
}
