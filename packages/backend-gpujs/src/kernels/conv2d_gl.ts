/**
 * Shallow one-group convolutions (patches under conv2d.ts's im2col threshold, LeNet's first
 * layer) in the GL modes: a direct kernel computing four output channels of one output pixel
 * per thread, as a four-channel result. The filter is packed four output channels per texel,
 * so each tap costs one input fetch and one vec4 filter fetch for four multiply-adds (the
 * one-output kernel: two fetches per multiply-add). The input is first copied zero-padded, one
 * image plane per block of rows, so the loop reads it without bounds checks or index division;
 * an unpack pass writes the NCHW output.
 */
import type { ConvGeometry, TensorInfo } from '@nn/tensor';
import type { GpujsBackend } from '../backend_gpujs.js';
import { lit, type KernelSource } from '../codegen.js';
import { fits, type Layout } from '../layout.js';
import { channel, texel } from './gemm_tiled.js';

/** Taps unrolled along a filter row up to this width; wider rows loop. */
const MAX_UNROLL = 8;

/** The convolution, or null when a buffer would not fit the device (the caller runs the plain kernel). */
export function conv2dChannelTiles(backend: GpujsBackend, x: TensorInfo, weight: TensorInfo, g: ConvGeometry): TensorInfo | null {
  const patch = g.inChannels * g.kH * g.kW;
  const area = g.outH * g.outW;
  const groups4 = Math.ceil(g.outChannels / 4);
  // The padded image holds exactly the rows and columns that the windows reach.
  const hp = (g.outH - 1) * g.strideH + (g.kH - 1) * g.dilationH + 1;
  const wp = (g.outW - 1) * g.strideW + (g.kW - 1) * g.dilationW + 1;
  const max = backend.device.maxTextureSize;
  if (!fits(wp, g.batch * g.inChannels * hp, max) || !fits(patch, groups4, max) || !fits(area, g.batch * groups4, max)) return null;

  const padLayout: Layout = { width: wp, height: g.batch * g.inChannels * hp, size: wp * g.batch * g.inChannels * hp };
  const padded = backend.compute({
    label: 'Conv2D pad',
    shape: [padLayout.size],
    dtype: 'float32',
    inputs: [x],
    layout: padLayout,
    body: (src, [ref]) => {
      const [plane, r] = src.divmod('this.thread.y', hp);
      const h = src.let(`${r} - ${lit(g.padTop)}`);
      const w = src.let(`this.thread.x - ${lit(g.padLeft)}`);
      const inside = src.let(`${h} >= 0.0 && ${h} < ${lit(g.inH)} && ${w} >= 0.0 && ${w} < ${lit(g.inW)} ? 1.0 : 0.0`);
      return src.readIf(ref, inside, `${plane} * ${lit(g.inH * g.inW)} + ${h} * ${lit(g.inW)} + ${w}`);
    },
  });

  // Filter texel (group of four output channels, tap) holds the four channels' weights.
  const filterLayout: Layout = { width: patch, height: groups4, size: patch * groups4 };
  const filter = backend.compute({
    label: 'Conv2D pack filter ×4',
    shape: [filterLayout.size],
    dtype: 'float32',
    inputs: [weight],
    layout: filterLayout,
    vec4: true,
    body: (src, [ref]) => {
      const channels = [0, 1, 2, 3].map((u) => {
        const o = src.let(`this.thread.y * 4.0 + ${lit(u)}`);
        if (4 * (groups4 - 1) + u < g.outChannels) return src.read(ref, `${o} * ${lit(patch)} + this.thread.x`);
        const ok = src.let(`${o} < ${lit(g.outChannels)} ? 1.0 : 0.0`);
        return src.readIf(ref, ok, `${o} * ${lit(patch)} + this.thread.x`);
      });
      return `[${channels.join(', ')}]`;
    },
  });

  const tileLayout: Layout = { width: area, height: g.batch * groups4, size: area * g.batch * groups4 };
  const tiles = backend.compute({
    label: 'Conv2D channel tiles',
    shape: [tileLayout.size],
    dtype: 'float32',
    inputs: [padded, filter],
    layout: tileLayout,
    vec4: true,
    body: (src, [X, W]) => {
      const [n, og] = src.divmod('this.thread.y', groups4);
      const [oh, ow] = src.divmod('this.thread.x', g.outW);
      const row0 = src.let(`${n} * ${lit(g.inChannels * hp)} + ${oh} * ${lit(g.strideH)}`);
      const col0 = src.let(`${ow} * ${lit(g.strideW)}`);
      src.line('let s0 = 0.0; let s1 = 0.0; let s2 = 0.0; let s3 = 0.0;');
      const c = src.loop(g.inChannels, 'c');
      const ki = src.loop(g.kH, 'y');
      const row = src.let(`${row0} + ${c} * ${lit(hp)} + ${ki} * ${lit(g.dilationH)}`);
      const tap0 = src.let(`(${c} * ${lit(g.kH)} + ${ki}) * ${lit(g.kW)}`);
      const step = (kj: string): void => {
        const xv = src.name('xv');
        const wv = src.name('wv');
        src.line(`const ${xv} = ${X.name}[${row}][${col0} + ${kj} * ${lit(g.dilationW)}]; const ${wv} = ${W.name}[${og}][${tap0} + ${kj}];`);
        src.line(`s0 += ${xv} * ${wv}[0]; s1 += ${xv} * ${wv}[1]; s2 += ${xv} * ${wv}[2]; s3 += ${xv} * ${wv}[3];`);
      };
      if (g.kW <= MAX_UNROLL) {
        for (let kj = 0; kj < g.kW; kj++) step(lit(kj));
      } else {
        step(src.loop(g.kW, 'x'));
        src.end();
      }
      src.end();
      src.end();
      return '[s0, s1, s2, s3]';
    },
  });
  backend.release(padded);
  backend.release(filter);

  // Output channel o of image n is channel o % 4 of texel (n · groups4 + o / 4, pixel).
  const out = unpack(backend, tiles, g, (src) => {
    const [n, o, pixel] = src.coords('i', [g.batch, g.outChannels, area]);
    const [og, u] = src.divmod(o, 4);
    return [src.let(`${n} * ${lit(groups4)} + ${og}`), pixel, u];
  });
  return out;
}

/**
 * Stride 1 and dilation 1 along the width (the usual shallow layer): four neighbouring output
 * pixels of one channel per thread, from the padded input packed four columns per texel and
 * the filter packed four taps of a filter row per texel. Each filter row then costs
 * ⌈(kW + 3) / 4⌉ input fetches and ⌈kW / 4⌉ filter fetches for 4·kW multiply-adds (5 × 5:
 * four fetches for twenty). Null when it does not apply or a buffer would not fit.
 */
export function conv2dPixelTiles(backend: GpujsBackend, x: TensorInfo, weight: TensorInfo, g: ConvGeometry): TensorInfo | null {
  if (g.strideW !== 1 || g.dilationW !== 1) return null;
  const quads = Math.ceil(g.outW / 4);
  const hp = (g.outH - 1) * g.strideH + (g.kH - 1) * g.dilationH + 1;
  // Texels of the padded row, and texels one quad of outputs reads.
  const reach = Math.ceil((g.kW + 3) / 4);
  const wq = quads - 1 + reach;
  const kq = Math.ceil(g.kW / 4);
  const planes = g.batch * g.inChannels;
  const rows = g.batch * g.outChannels * g.outH;
  const max = backend.device.maxTextureSize;
  if (!fits(wq, planes * hp, max) || !fits(kq, g.outChannels * g.inChannels * g.kH, max) || !fits(quads, rows, max)) return null;

  const padLayout: Layout = { width: wq, height: planes * hp, size: wq * planes * hp };
  const padded = backend.compute({
    label: 'Conv2D pad ×4',
    shape: [padLayout.size],
    dtype: 'float32',
    inputs: [x],
    layout: padLayout,
    vec4: true,
    body: (src, [ref]) => {
      const [plane, r] = src.divmod('this.thread.y', hp);
      const h = src.let(`${r} - ${lit(g.padTop)}`);
      const rowOk = src.let(`${h} >= 0.0 && ${h} < ${lit(g.inH)} ? 1.0 : 0.0`);
      const base = src.let(`${plane} * ${lit(g.inH * g.inW)} + ${h} * ${lit(g.inW)}`);
      const channels = [0, 1, 2, 3].map((u) => {
        const w = src.let(`this.thread.x * 4.0 + ${lit(u - g.padLeft)}`);
        const ok = src.let(`${rowOk} == 1.0 && ${w} >= 0.0 && ${w} < ${lit(g.inW)} ? 1.0 : 0.0`);
        return src.readIf(ref, ok, `${base} + ${w}`);
      });
      return `[${channels.join(', ')}]`;
    },
  });

  const filterLayout: Layout = { width: kq, height: g.outChannels * g.inChannels * g.kH, size: kq * g.outChannels * g.inChannels * g.kH };
  const filter = backend.compute({
    label: 'Conv2D pack filter rows ×4',
    shape: [filterLayout.size],
    dtype: 'float32',
    inputs: [weight],
    layout: filterLayout,
    vec4: true,
    body: (src, [ref]) => {
      const channels = [0, 1, 2, 3].map((u) => {
        const kj = src.let(`this.thread.x * 4.0 + ${lit(u)}`);
        const ok = src.let(`${kj} < ${lit(g.kW)} ? 1.0 : 0.0`);
        return src.readIf(ref, ok, `this.thread.y * ${lit(g.kW)} + ${kj}`);
      });
      return `[${channels.join(', ')}]`;
    },
  });

  const tileLayout: Layout = { width: quads, height: rows, size: quads * rows };
  const tiles = backend.compute({
    label: 'Conv2D pixel tiles',
    shape: [tileLayout.size],
    dtype: 'float32',
    inputs: [padded, filter],
    layout: tileLayout,
    vec4: true,
    body: (src, [X, W]) => {
      const [no, oh] = src.divmod('this.thread.y', g.outH);
      const [n, o] = src.divmod(no, g.outChannels);
      const row0 = src.let(`${n} * ${lit(g.inChannels * hp)} + ${oh} * ${lit(g.strideH)}`);
      const wRow0 = src.let(`${o} * ${lit(g.inChannels * g.kH)}`);
      src.line('let s0 = 0.0; let s1 = 0.0; let s2 = 0.0; let s3 = 0.0;');
      const c = src.loop(g.inChannels, 'c');
      const ki = src.loop(g.kH, 'y');
      const row = src.let(`${row0} + ${c} * ${lit(hp)} + ${ki} * ${lit(g.dilationH)}`);
      const wRow = src.let(`${wRow0} + ${c} * ${lit(g.kH)} + ${ki}`);
      const xs = Array.from({ length: reach }, (_, t) => {
        const name = src.name('xv');
        src.line(`const ${name} = ${X.name}[${row}][this.thread.x + ${t}];`);
        return name;
      });
      const ws = Array.from({ length: kq }, (_, t) => {
        const name = src.name('wv');
        src.line(`const ${name} = ${W.name}[${wRow}][${t}];`);
        return name;
      });
      // Output pixel j, tap kj reads padded column 4·quad + j + kj: texel (j + kj) >> 2, channel (j + kj) & 3.
      for (let j = 0; j < 4; j++) {
        const terms = Array.from({ length: g.kW }, (_, kj) => `${xs[(j + kj) >> 2]}[${(j + kj) & 3}] * ${ws[kj >> 2]}[${kj & 3}]`);
        src.line(`s${j} += ${terms.join(' + ')};`);
      }
      src.end();
      src.end();
      return '[s0, s1, s2, s3]';
    },
  });
  backend.release(padded);
  backend.release(filter);

  // Output pixel ow of row r is channel ow % 4 of texel (r, ow / 4).
  return unpack(backend, tiles, g, (src) => {
    const [r, ow] = src.coords('i', [rows, g.outW]);
    const [q, j] = src.divmod(ow, 4);
    return [r, q, j];
  });
}

/**
 * The NCHW output from a four-channel buffer: `where` names, for flat output index i, the
 * texel's row and column and the channel (0–3) that hold it. Releases the buffer.
 */
function unpack(backend: GpujsBackend, tiles: TensorInfo, g: ConvGeometry, where: (src: KernelSource) => [string, string, string]): TensorInfo {
  const out = backend.compute({
    label: 'Conv2D unpack',
    shape: [g.batch, g.outChannels, g.outH, g.outW],
    dtype: 'float32',
    inputs: [tiles],
    body: (src, [ref]) => {
      const [row, col, u] = where(src);
      return channel(src, texel(src, ref, row, col), u);
    },
  });
  backend.release(tiles);
  return out;
}
