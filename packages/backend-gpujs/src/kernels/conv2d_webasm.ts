/**
 * Conv2D forward on webasm as direct convolutions: no im2col copy, the input read in place
 * through flat indices with integer expressions (see the webasm notes in gemm_tiled.ts: a
 * read that varies along this.thread.x costs four loads, one that does not costs one, and
 * index arithmetic is cheap only in i32). Threads run along output columns (the SIMD lanes),
 * so each tap is one four-lane read of x; the filter values are uniform reads.
 *  - deep patches (Cin·kH·kW of at least DEEP_PATCH): four output channels per thread, so each
 *    read of x feeds four multiply-adds; a four-channel buffer, then an unpack pass;
 *  - shallow ones (LeNet's 25 taps): one output per thread, written straight into an output
 *    laid out in rows of output columns. A four-channel result costs gpu.js a small array per
 *    texel to hand over, more than a shallow patch's arithmetic.
 * Padding is applied first by a copy into a zero-bordered input, so no read needs a bounds test.
 * A batch whose buffers would pass 2^24 elements (float32 indices) or the texture side runs a
 * chunk of images at a time, the chunks joined along the batch axis.
 */
import type { ConvGeometry, TensorInfo } from '@nn/tensor';
import type { GpujsBackend } from '../backend_gpujs.js';
import { lit, type KernelSource } from '../codegen.js';
import { MAX_EXACT_INDEX, type Layout } from '../layout.js';
import { concatInfos } from './concat.js';
import { unpackRows } from './gemm_tiled.js';

/** Patch depth from which four channels per thread pay for the four-channel hand-over. */
const DEEP_PATCH = 64;

/**
 * Images [first, first + g.batch) of x with the padding applied: [g.batch, inChannels, padH, padW];
 * x itself when there is no padding (the caller then reads x from image `first` on).
 */
export function padded(backend: GpujsBackend, x: TensorInfo, g: ConvGeometry, padH: number, padW: number, first = 0): TensorInfo {
  if (g.padTop === 0 && g.padLeft === 0 && padH === g.inH && padW === g.inW) return x;
  const shape = [g.batch, g.inChannels, padH, padW];
  const firstPlane = first * g.inChannels;
  return backend.compute({
    label: 'Conv2D pad',
    shape,
    dtype: 'float32',
    inputs: [x],
    body: (src, [ref]) => {
      const [plane, h, w] = src.coords('i', [g.batch * g.inChannels, padH, padW]);
      const r = src.let(`${h} - ${lit(g.padTop)}`);
      const c = src.let(`${w} - ${lit(g.padLeft)}`);
      const inside = src.let(`${r} >= 0.0 && ${r} < ${lit(g.inH)} && ${c} >= 0.0 && ${c} < ${lit(g.inW)} ? 1.0 : 0.0`);
      const at = src.let(`${inside} == 1.0 ? ((${plane} + ${lit(firstPlane)}) * ${lit(g.inH)} + ${r}) * ${lit(g.inW)} + ${c} : 0.0`);
      return `${inside} == 1.0 ? ${ref.name}[${at}] : 0.0`;
    },
  });
}

/** The padded input's extent: the input after the leading padding, or as far as the windows reach if further. */
export function paddedSize(g: ConvGeometry): [number, number] {
  return [
    Math.max(g.padTop + g.inH, (g.outH - 1) * g.strideH + (g.kH - 1) * g.dilationH + 1),
    Math.max(g.padLeft + g.inW, (g.outW - 1) * g.strideW + (g.kW - 1) * g.dilationW + 1),
  ];
}

/**
 * Emits the sum over channels and taps. Per channel, `channel(c)` may emit the channel's
 * setup (c an f32 name or '0'); then per tap, `use(xRead, tap)` where xRead is this lane's x
 * value and tap the filter offset ki·kW + kj within the channel. The channel's lane offset
 * into x is computed once per channel, so each read is that offset (converted) plus a literal.
 */
function eachTap(
  src: KernelSource,
  x: string,
  g: ConvGeometry,
  padH: number,
  padW: number,
  channels: number,
  xBase: string,
  channel: (c: string) => void,
  use: (xv: string, tap: number) => void,
): void {
  const plane = padH * padW;
  const lane = g.strideW === 1 ? 'this.thread.x' : `this.thread.x * ${g.strideW}`;
  const body = (c: string): void => {
    const xc = src.name('xc');
    src.line(`const ${xc} = ${xBase} + ${c === '0' ? '' : `${c} * ${lit(plane)} + `}${lane};`);
    channel(c);
    for (let ki = 0; ki < g.kH; ki++) {
      for (let kj = 0; kj < g.kW; kj++) {
        const xv = src.name('x');
        src.line(`const ${xv} = ${x}[(${xc} | 0) + ${ki * g.dilationH * padW + kj * g.dilationW}];`);
        use(xv, ki * g.kW + kj);
      }
    }
  };
  if (channels === 1) {
    body('0');
    return;
  }
  src.loopMax = Math.max(src.loopMax, channels);
  src.line(`for (let c = 0; c < ${channels}; c++) {`);
  body('c');
  src.line('}');
}

/** A direct convolution for webasm (groups of one for the four-channel form), or null when it does not apply or fit. */
export function conv2dWebasm(backend: GpujsBackend, x: TensorInfo, weight: TensorInfo, g: ConvGeometry): TensorInfo | null {
  const depth = g.groupIn * g.kH * g.kW;
  if (depth === 0 || g.outH * g.outW === 0) return null;
  if (g.batch * g.outChannels * g.outH * g.outW > MAX_EXACT_INDEX) return null; // the output itself cannot be held
  const [padH, padW] = paddedSize(g);
  const deep = depth >= DEEP_PATCH && g.groups === 1 && g.outChannels >= 4;
  const perChunk = imagesPerChunk(g, padH, padW, deep, backend.device.maxTextureSize);
  if (perChunk === 0) return null;
  const chunks: TensorInfo[] = [];
  for (let first = 0; first < g.batch; first += perChunk) {
    const chunk: ConvGeometry = { ...g, batch: Math.min(perChunk, g.batch - first) };
    const input = padded(backend, x, chunk, padH, padW, first);
    const offset = input === x ? first : 0;
    chunks.push(deep ? fourChannels(backend, input, weight, chunk, padH, padW, offset) : oneChannel(backend, input, weight, chunk, padH, padW, offset));
    if (input !== x) backend.release(input);
  }
  if (chunks.length === 1) return chunks[0];
  const out = concatInfos(backend, chunks, 0);
  for (const c of chunks) backend.release(c);
  return out;
}

/**
 * Images per pass: the whole batch, or as many as keep the padded input and the output buffer
 * within 2^24 elements (float32 indices) and the buffer's rows within the texture side; 0 when
 * not even one image fits.
 */
function imagesPerChunk(g: ConvGeometry, padH: number, padW: number, deep: boolean, maxTextureSize: number): number {
  if (g.outW > maxTextureSize) return 0;
  const rows = deep ? g.outH * Math.ceil(g.outChannels / 4) : g.outChannels * g.outH;
  const elements = (deep ? 4 : 1) * g.outW * rows;
  const most = Math.min(MAX_EXACT_INDEX / (g.inChannels * padH * padW), maxTextureSize / rows, MAX_EXACT_INDEX / elements);
  return Math.min(g.batch, Math.floor(most));
}

/** One output per thread, in an output laid out as rows of outW: thread.y = (n·outChannels + o)·outH + oh. */
function oneChannel(backend: GpujsBackend, x: TensorInfo, weight: TensorInfo, g: ConvGeometry, padH: number, padW: number, firstImage: number): TensorInfo {
  const rows = g.batch * g.outChannels * g.outH;
  const layout: Layout = { width: g.outW, height: rows, size: g.outW * rows };
  return backend.compute({
    label: 'Conv2D direct',
    shape: [g.batch, g.outChannels, g.outH, g.outW],
    dtype: 'float32',
    inputs: [x, weight],
    layout,
    body: (src, [rx, rw]) => {
      const [rest, oh] = src.divmod('this.thread.y', g.outH);
      const [n, o] = src.divmod(rest, g.outChannels);
      const [grp] = src.divmod(o, g.groupOut);
      const xBase = src.let(`(((${n} + ${lit(firstImage)}) * ${lit(g.inChannels)} + ${grp} * ${lit(g.groupIn)}) * ${lit(padH)} + ${oh} * ${lit(g.strideH)}) * ${lit(padW)}`);
      const wBase = src.let(`${o} * ${lit(g.groupIn * g.kH * g.kW)}`);
      src.line('let s = 0.0;');
      const taps = g.kH * g.kW;
      let wc = '';
      const channel = (c: string): void => {
        wc = src.name('wc');
        src.line(`const ${wc} = ${wBase}${c === '0' ? '' : ` + ${c} * ${lit(taps)}`};`);
      };
      eachTap(src, rx.name, g, padH, padW, g.groupIn, xBase, channel, (xv, tap) => src.line(`s += ${rw.name}[(${wc} | 0) + ${tap}] * ${xv};`));
      return 's';
    },
  });
}

/**
 * Four output channels per thread: a four-channel buffer [batch · outH · groups4 rows, outW],
 * thread.y = (n·outH + oh)·groups4 + group. The last group starts at outChannels - 4 (it
 * overlaps the one before when outChannels is not a multiple of 4), so every read is in range.
 */
function fourChannels(backend: GpujsBackend, x: TensorInfo, weight: TensorInfo, g: ConvGeometry, padH: number, padW: number, firstImage: number): TensorInfo {
  const groups4 = Math.ceil(g.outChannels / 4);
  const depth = g.inChannels * g.kH * g.kW;
  const rows = g.batch * g.outH * groups4;
  const layout: Layout = { width: g.outW, height: rows, size: g.outW * rows };
  const tiles = backend.compute({
    label: 'Conv2D direct, 4 channels',
    shape: [layout.size],
    dtype: 'float32',
    inputs: [x, weight],
    layout,
    vec4: true,
    body: (src, [rx, rw]) => {
      const [rest, group] = src.divmod('this.thread.y', groups4);
      const [n, oh] = src.divmod(rest, g.outH);
      const xBase = src.let(`((${n} + ${lit(firstImage)}) * ${lit(g.inChannels * padH)} + ${oh} * ${lit(g.strideH)}) * ${lit(padW)}`);
      const wBase = src.let(`Math.min(${group} * 4.0, ${lit(g.outChannels - 4)}) * ${lit(depth)}`);
      src.line('let s0 = 0.0; let s1 = 0.0; let s2 = 0.0; let s3 = 0.0;');
      const taps = g.kH * g.kW;
      let wc = '';
      const channel = (c: string): void => {
        wc = src.name('wc');
        src.line(`const ${wc} = ${wBase}${c === '0' ? '' : ` + ${c} * ${lit(taps)}`};`);
      };
      eachTap(src, rx.name, g, padH, padW, g.inChannels, xBase, channel, (xv, tap) => {
        const sums = [0, 1, 2, 3].map((j) => `s${j} += ${rw.name}[(${wc} | 0) + ${j * depth + tap}] * ${xv};`);
        src.line(sums.join(' '));
      });
      return '[s0, s1, s2, s3]';
    },
  });
  const out = unpackRows(backend, 'Conv2D unpack', tiles, [g.batch, g.outChannels, g.outH, g.outW], [g.batch, g.outChannels, g.outH], (src, [n, o, oh], ow) => {
    const group = src.let(`Math.min(Math.floor(${o} / 4.0), ${lit(groups4 - 1)})`);
    const channel = `${o} - Math.min(${group} * 4.0, ${lit(g.outChannels - 4)})`;
    const texel = src.let(`((${n} * ${lit(g.outH)} + ${oh}) * ${lit(groups4)} + ${group}) * ${lit(g.outW)} * 4.0 + ${channel}`);
    return `(${texel} | 0) + ${ow} * 4`;
  });
  backend.release(tiles);
  return out;
}
