/**
 * Conv2D forward for 3×3, stride 1, undilated, ungrouped convs by Winograd's minimal
 * filtering F(2×2, 3×3) (Lavin & Gray 2015): each 2×2 output tile comes from a 4×4 input
 * tile with 16 multiplies per (input, output channel) pair instead of 36, as 16 GEMMs
 * U_ξ [Cout × Cin] · V_ξ [Cin × tiles] on the SIMD micro-kernel. The weight (U = G g Gᵀ),
 * input (V = Bᵀ d B) and output (Y = Aᵀ M A) transforms are WebAssembly too (gemm.wat),
 * so JavaScript only copies the image in and the result out. A block of tiles (input
 * transform, 16 products, output transform) is one task of the worker pool's (runtime.ts).
 *
 * The transforms add and subtract tile values, so the float32 error grows a little over the
 * direct sum's: about 1e-6 relative to the output's scale on ResNet-sized layers (the
 * tests check it against a float64 reference, within the conformance tolerances).
 */
import { copyPlanes, jobRunner } from '../threads/jobs.js';
import { threadRuntime } from '../threads/runtime.js';
import { roundUp } from './gemm_pack.js';
import { MODULE_BUDGET } from './conv2d_packed.js';
import { gemmKernel } from './gemm.js';
import type { ConvGeometry } from './im2col.js';

const { layout: jobs, winogradParams: WG } = threadRuntime();
const MR = 4;
const NR = 8;
/** Blocks of tiles per thread on several threads, so that a thread the OS delays leaves little for the others. */
const TASKS_PER_THREAD = 4;
/** Floats of V and C buffers per block of tiles (1 MiB, about L2): 128 tiles at 64 channels; 4 MiB measured 5-10% slower. */
const TILE_BUDGET = 1 << 18;
/** winograd_input reads three floats of slack past a row's last tile group. */
const SLACK = 16;

/**
 * Where Winograd wins over the packed im2col GEMM (conv2d_packed.ts), measured by CPU time
 * (Node 20, AMD EPYC, one thread, ResNet-18's layers on one image): 64→64 on 56² 7.4 → 4.6 ms,
 * 128→128 on 28² 8.8 → 5.0 ms; 256→256 on 14² (49 tiles) 7.0 → 6.8 ms, a wash; 512→512
 * on 7² (16 tiles) 9.6 → 17 ms, where the weight transform is not repaid. Hence at least
 * 64 tiles. Few input channels would not repay the input transform; at most 512 keep V_ξ
 * one depth slice of the GEMM.
 */
export function prefersWinograd(g: ConvGeometry): boolean {
  return (
    g.kH === 3 && g.kW === 3 && g.strideH === 1 && g.strideW === 1 && g.dilationH === 1 && g.dilationW === 1 &&
    g.groups === 1 && g.inChannels >= 8 && g.inChannels <= 512 && g.outChannels >= 8 && Math.ceil(g.outH / 2) * Math.ceil(g.outW / 2) >= 64 &&
    gemmKernel() === 'wasm' && moduleFloats(g) <= MODULE_BUDGET
  );
}

/** One image in and out, the weight and U: what must fit in module memory at once. */
function moduleFloats(g: ConvGeometry): number {
  const tilesH = Math.ceil(g.outH / 2);
  const tilesW = roundUp(Math.ceil(g.outW / 2), 4);
  return g.inChannels * (2 * tilesH + 2) * (2 * tilesW + 4) + g.outChannels * 4 * tilesH * tilesW + 25 * roundUp(g.outChannels, MR) * g.inChannels;
}

export function forwardWinograd(x: Float32Array, w: Float32Array, y: Float32Array, g: ConvGeometry): void {
  const { inChannels, outChannels, outH, outW } = g;
  const tilesH = Math.ceil(outH / 2);
  // Tile rows are whole groups of four tiles, the unit of the transforms' SIMD lanes.
  const tilesW = roundUp(Math.ceil(outW / 2), 4);
  const perRow = tilesW / 4;
  const tiles = tilesH * tilesW;
  const paddedH = 2 * tilesH + 2;
  const paddedW = 2 * tilesW + 4;
  const planeArea = paddedH * paddedW;
  const rowsPadded = roundUp(outChannels, MR);
  // One thread: blocks of tiles sized for L2. Several: also at least TASKS_PER_THREAD blocks a thread.
  const budgetTiles = Math.max(NR, Math.floor(TILE_BUDGET / (16 * (inChannels + rowsPadded)) / NR) * NR);
  const blockTilesFor = (threads: number) => Math.min(roundUp(tiles, NR), budgetTiles, threads === 1 ? Infinity : roundUp(Math.ceil(tiles / (TASKS_PER_THREAD * threads)), NR));
  const outPlane = 2 * tilesH * 2 * tilesW;

  // Memory, in 4-byte words: weight, U, padded image, output planes, then a V block and a C block per thread.
  const wStart = 0;
  const uStart = wStart + outChannels * inChannels * 9;
  const xStart = uStart + 16 * rowsPadded * inChannels;
  const outStart = roundUp(xStart + inChannels * planeArea + SLACK, 4);
  const vStart = outStart + outChannels * outPlane;
  const layout = (threads: number) => {
    const blockTiles = blockTilesFor(threads);
    const vFloats = 16 * inChannels * blockTiles;
    const cFloats = 16 * rowsPadded * blockTiles;
    const cStart = vStart + threads * vFloats;
    // Then one image as it lies, and later its output as y holds it: each crosses in one copy.
    const stageStart = cStart + threads * cFloats;
    return { blockTiles, vFloats, cFloats, cStart, stageStart, end: stageStart + Math.max(inChannels * g.inArea, outChannels * g.outArea) };
  };
  const runner = jobRunner(outChannels * inChannels * 9 * g.batch * g.outArea, (threads) => layout(threads).end);
  const { blockTiles, vFloats, cFloats, cStart, stageStart, end } = layout(runner.threads);
  const heap = runner.heap(end)!;
  const module = runner.kernels;

  heap.set(w.subarray(0, outChannels * inChannels * 9), wStart);
  if (rowsPadded > outChannels) heap.fill(0, uStart, xStart);
  module.winograd_weights(outChannels, inChannels, wStart * 4, uStart * 4, rowsPadded * inChannels * 4);
  const params = new Map([
    [WG.TILES, tiles], [WG.BLOCK_TILES, blockTiles], [WG.PER_ROW, perRow], [WG.CHANNELS, inChannels], [WG.ROWS, outChannels],
    [WG.ROWS_PADDED, rowsPadded], [WG.X, xStart * 4], [WG.ROW_BYTES, paddedW * 4], [WG.PLANE_BYTES, planeArea * 4], [WG.U, uStart * 4],
    [WG.V, vStart * 4], [WG.V_STRIDE, vFloats * 4], [WG.CB, cStart * 4], [WG.CB_STRIDE, cFloats * 4], [WG.OUT, outStart * 4],
    [WG.OUT_ROW_BYTES, 2 * tilesW * 4], [WG.OUT_PLANE_BYTES, outPlane * 4],
  ]);

  const { inH, inW, padTop, padLeft, inArea, outArea } = g;
  heap.fill(0, xStart + inChannels * planeArea, xStart + inChannels * planeArea + SLACK);
  for (let n = 0; n < g.batch; n++) {
    // Image n into the stage, then into zero-padded paddedH × paddedW planes.
    heap.set(x.subarray(n * inChannels * inArea, (n + 1) * inChannels * inArea), stageStart);
    const pad = { planes: inChannels, rows: Math.min(inH, paddedH - padTop), width: Math.min(inW, paddedW - padLeft), src: stageStart, srcRow: inW, srcPlane: inArea };
    copyPlanes(runner, { ...pad, dst: xStart + padTop * paddedW + padLeft, dstRow: paddedW, dstPlane: planeArea, zeroAt: xStart, zero: planeArea }, 'conv2d padding');
    runner.run(jobs.WINOGRAD, params, Math.ceil(tiles / blockTiles), 'conv2d winograd');
    // The output planes hold whole tiles: the outH × outW corner of each, gathered in the stage, then out.
    copyPlanes(runner, { planes: outChannels, rows: outH, width: outW, src: outStart, srcRow: 2 * tilesW, srcPlane: outPlane, dst: stageStart, dstRow: outW, dstPlane: outArea }, 'conv2d output');
    y.set(heap.subarray(stageStart, stageStart + outChannels * outArea), n * outChannels * outArea);
  }
}
