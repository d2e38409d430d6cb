/**
 * The filter gradient on the WebAssembly micro-kernel: per group,
 *
 *   dW [Cout/groups × Cin/groups·kH·kW] = Σ over images and pixels of dy · colᵀ,
 *
 * a GEMM whose depth runs over the output pixels of a chunk of images. A is dy (its rows
 * gathered side by side for the chunk's images, packed by `pack_a4`); B is colᵀ, built by
 * the forward path's `pack_im2col` with the roles of its two offset lists swapped: the 8
 * columns of a panel are 8 taps (channel, ki, kj) and each depth row is one pixel, so no
 * column matrix is written and no col2im-like pass runs. The sums stay in module memory
 * across chunks and depth slices (`block_acc`). It replaces the direct float64 loop (LeNet's
 * 1→6 5×5, the largest kernel of its training step) and im2col + GEMM (6→16 5×5): with the
 * input gradient of conv2d_backprop_input_conv.ts, LeNet-5's training step (batch 64, CPU
 * time, loaded VM) went from 27–28 to 22–24 ms. On several threads the tasks split dW by
 * tiles (conv2d_packed.ts's taskShape), each over the whole depth, so the sums keep their order.
 */
import { jobRunner } from '../threads/jobs.js';
import { threadRuntime } from '../threads/runtime.js';
import { copyRun, roundUp } from './gemm_pack.js';
import { RECORD_WORDS } from './gemm_wasm.js';
import { INPUT_BUDGET, padImages, SLACK, taskShape } from './conv2d_packed.js';
import { paddedExtent, type ConvGeometry } from './im2col.js';

const { layout: jobs, convParams: CV } = threadRuntime();

const MR = 4;
const NR = 8;
const KC = 512;
/** Floats of gathered dy per chunk (4 MiB). */
const DY_BUDGET = 1 << 20;

/** Writes the filter gradient of the conv with geometry g into dw; requires the SIMD kernel. */
export function backpropFilterPacked(x: Float32Array, dy: Float32Array, dw: Float32Array, g: ConvGeometry): void {
  const { groupIn, groupOut, patchSize, outArea, outW, inChannels, outChannels, kH, kW } = g;
  const [paddedH, paddedW] = paddedExtent(g);
  const paddedArea = paddedH * paddedW;
  const imageFloats = inChannels * paddedArea;
  const rowsPadded = roundUp(groupOut, MR);
  const chunkImages = Math.max(1, Math.min(g.batch, Math.floor(INPUT_BUDGET / imageFloats), Math.floor(DY_BUDGET / (rowsPadded * outArea))));
  const depthMax = chunkImages * outArea;
  const panels = Math.ceil(patchSize / NR);
  const ldc = panels * NR;
  const kcMax = Math.min(KC, depthMax);

  // Memory, in 4-byte words: padded input chunk, gathered dy, dy packed as A (every depth
  // slice), pixel offsets, tap records, a B slice per thread, sums per group.
  const xStart = 0;
  const dyStart = roundUp(xStart + chunkImages * imageFloats + SLACK, 4);
  const aStart = dyStart + rowsPadded * depthMax;
  const pixelStart = aStart + rowsPadded * depthMax;
  const recordStart = pixelStart + depthMax;
  const bStart = roundUp(recordStart + panels * RECORD_WORDS, 4);
  const layout = (threads: number) => {
    const { taskCols } = taskShape(rowsPadded / MR, panels, panels, threads);
    const cStart = bStart + threads * kcMax * taskCols * NR;
    return { taskCols, cStart, end: cStart + g.groups * rowsPadded * ldc };
  };
  const runner = jobRunner(g.outChannels * patchSize * g.batch * outArea, (threads) => layout(threads).end);
  const { taskRows } = taskShape(rowsPadded / MR, panels, panels, runner.threads);
  const { taskCols, cStart, end } = layout(runner.threads);
  const heap = runner.heap(end)!;
  const module = runner.kernels;
  const words = new Int32Array(heap.buffer);
  heap.fill(0, cStart, cStart + g.groups * rowsPadded * ldc);
  const params = new Map([
    [CV.ROW_TILES, rowsPadded / MR], [CV.COL_TILES, panels], [CV.A, aStart * 4], [CV.B, bStart * 4], [CV.B_STRIDE, kcMax * taskCols * NR * 4],
    [CV.RECORDS, recordStart * 4], [CV.OFFSETS, pixelStart * 4], [CV.LDC, ldc], [CV.TASK_ROWS, taskRows], [CV.TASK_COLS, taskCols], [CV.ACCUMULATE, 1],
  ]);
  const tasks = Math.ceil(rowsPadded / MR / taskRows) * Math.ceil(panels / taskCols);

  for (let n0 = 0; n0 < g.batch; n0 += chunkImages) {
    const images = Math.min(chunkImages, g.batch - n0);
    const depth = images * outArea;
    padImages(x, n0, images, g, heap, xStart, paddedH, paddedW);
    // Depth row q (pixel p of chunk image t): byte offset of its top-left tap in the chunk.
    for (let t = 0, q = pixelStart; t < images; t++) {
      for (let p = 0; p < outArea; p++, q++) {
        const oh = Math.floor(p / outW);
        words[q] = (t * imageFloats + oh * g.strideH * paddedW + (p - oh * outW) * g.strideW) * 4;
      }
    }
    for (let grp = 0; grp < g.groups; grp++) {
      // dy rows of the group, each image's plane after the other, and zero rows up to a whole panel.
      for (let o = 0; o < groupOut; o++) {
        for (let t = 0; t < images; t++) copyRun(dy, ((n0 + t) * outChannels + grp * groupOut + o) * outArea, heap, dyStart + o * depth + t * outArea, outArea);
      }
      heap.fill(0, dyStart + groupOut * depth, dyStart + rowsPadded * depth);
      for (let pc = 0; pc < depth; pc += KC) {
        module.pack_a4(rowsPadded / MR, Math.min(KC, depth - pc), (aStart + rowsPadded * pc) * 4, (dyStart + pc) * 4, depth * 4);
      }
      // Column j of the panels is tap r = (c, ki, kj) of the group's channels; columns past the last repeat it.
      for (let j = 0, o = recordStart; j < ldc; j++) {
        const r = Math.min(j, patchSize - 1);
        const c = Math.floor(r / (kH * kW));
        const ki = Math.floor((r - c * kH * kW) / kW);
        const kj = r - c * kH * kW - ki * kW;
        if (j % NR === 0) {
          if (j > 0) o += RECORD_WORDS;
          words[o] = 0;
        }
        words[o + 4 + (j % NR)] = (xStart + (grp * groupIn + c) * paddedArea + ki * g.dilationH * paddedW + kj * g.dilationW) * 4;
      }
      params.set(CV.DEPTH, depth).set(CV.C, (cStart + grp * rowsPadded * ldc) * 4);
      runner.run(jobs.CONV, params, tasks, 'conv2d filter gradient');
    }
  }
  for (let grp = 0; grp < g.groups; grp++) {
    for (let o = 0; o < groupOut; o++) copyRun(heap, cStart + (grp * rowsPadded + o) * ldc, dw, (grp * groupOut + o) * patchSize, patchSize);
  }
}
