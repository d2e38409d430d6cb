/**
 * Conv2D forward as a GEMM whose B operand is never materialised: the input is copied once
 * into WebAssembly memory, zero-padded, and the module's `pack_im2col` writes each depth
 * slice of B straight into the 8-wide panels the micro-kernel reads (gemm.wat), so the
 * im2col matrix and the JavaScript packing pass of the plain GEMM path are gone. The weight
 * is the A operand ([Cout/groups, Cin/groups·kH·kW], copied in and packed by the module's
 * `pack_a4` once per group: packed in JavaScript it was a third of ResNet's 512-channel
 * layers, whose 7×7 maps reuse each weight only 49 times). The C buffer stays in module
 * memory across depth slices (`block_acc` adds the later ones there), and each finished
 * block is copied into the NCHW output row by row.
 *
 * The GEMM's N runs over the output pixels of several images at once, so small images
 * (LeNet's 10×10 maps) still make long panels.
 */
import { copyPlanes, jobRunner, type JobRunner } from '../threads/jobs.js';
import { threadRuntime } from '../threads/runtime.js';
import { copyRun, roundUp } from './gemm_pack.js';
import { gemmKernel } from './gemm.js';
import { RECORD_WORDS } from './gemm_wasm.js';
import { paddedExtent, type ConvGeometry } from './im2col.js';

const { layout: jobs, convParams: CV, packParams: PK } = threadRuntime();

/** Micro-kernel tile (gemm.wat). */
const MR = 4;
const NR = 8;
/**
 * Block sizes as the plain GEMM's (gemm_wasm.ts): KC deep slices, MC rows of A per `block`
 * call; NC output pixels per column block, fewer when many output channels would make the
 * C buffer outgrow L2.
 */
const KC = 512;
const MC = 64;
const NC = 512;
const C_BUDGET = 1 << 16;
/** MC in MR-row tiles. */
const MC_TILES = MC / MR;
/** Tasks per thread in a wave, so that a thread the OS delays leaves little for the others to wait on. */
const TASKS_PER_THREAD = 4;
/** Narrowest task, in NR-column panels. */
const MIN_TASK_COLS = 2;
/** Floats of C (4 MiB) per wave of tasks on several threads, copied out after each. */
const WAVE_BUDGET = 1 << 20;
/** Floats of padded input per chunk of images (8 MiB): at least one image, however large. */
export const INPUT_BUDGET = 1 << 21;
/** Floats (64 MiB) that one image and the weight of a conv may take in module memory; larger convs keep the im2col tiles. */
export const MODULE_BUDGET = 1 << 24;
/** pack_im2col's mode 2 reads up to 16 floats past a panel's first pixel. */
export const SLACK = 16;

/**
 * The WebAssembly path (conv2d_packed.ts) wherever the SIMD kernel runs, except for convs
 * with one input channel and fewer than 4 filters per group (depthwise), which would leave
 * most of the kernel's 4-row tile empty, and for an image or weight too large for
 * MODULE_BUDGET (module memory never shrinks). Measured by CPU time against the paths it
 * replaces (Node 20, AMD EPYC VM shared with other jobs, single thread): LeNet's 1→6 5×5 on
 * 64 images 3.6 → 1.4 ms (direct loop before), 64→64 3×3 on 56² 15.8 → 6.7 ms, 3→64 7×7
 * stride 2 on 8×224² 124 → 72 ms (im2col).
 */
export function prefersPacked(g: ConvGeometry): boolean {
  const [paddedH, paddedW] = paddedExtent(g);
  const floats = g.inChannels * paddedH * paddedW + 2 * roundUp(g.groupOut, MR) * g.patchSize;
  return gemmKernel() === 'wasm' && (g.groupIn > 1 || g.groupOut >= 4) && floats <= MODULE_BUDGET;
}

/**
 * How a packed conv's C is cut into tasks for `threads` threads, in MR-row tiles and NR-column
 * panels, and how many panels one job (a wave) covers. One thread: one task per wave of `nc`
 * pixels, as the C block has always been (waves of several tasks, copied out in longer runs,
 * measured no faster: 69–76 against 69–75 ms on conv (c); the C block then leaves L2).
 * Several: tasks of MC rows and at most `nc` pixels,
 * about TASKS_PER_THREAD per thread in a wave, and waves up to WAVE_BUDGET floats of C, so a
 * large output needs few jobs and a small one (ResNet's 7² maps) still splits, by rows.
 */
export function taskShape(rowTiles: number, chunkPanels: number, ncPanels: number, threads: number): { taskRows: number; taskCols: number; wavePanels: number } {
  if (threads === 1) return { taskRows: rowTiles, taskCols: ncPanels, wavePanels: ncPanels };
  const rowChunks = Math.ceil(rowTiles / MC_TILES);
  const wanted = Math.ceil((TASKS_PER_THREAD * threads) / rowChunks);
  const taskCols = Math.max(MIN_TASK_COLS, Math.min(ncPanels, Math.ceil(chunkPanels / wanted)));
  const budgetPanels = Math.floor(WAVE_BUDGET / (rowTiles * MR * NR * taskCols)) * taskCols;
  return { taskRows: MC_TILES, taskCols, wavePanels: Math.max(1, Math.min(chunkPanels, Math.max(taskCols * wanted, budgetPanels))) };
}

export function forwardPacked(x: Float32Array, w: Float32Array, y: Float32Array, g: ConvGeometry): void {
  const { groupOut, patchSize, outArea, inChannels } = g;
  const [paddedH, paddedW] = paddedExtent(g);
  const paddedArea = paddedH * paddedW;
  const imageFloats = inChannels * paddedArea;
  const chunkImages = Math.max(1, Math.min(g.batch, Math.floor(INPUT_BUDGET / imageFloats)));
  const rowsPadded = roundUp(groupOut, MR);
  const maxPixels = chunkImages * outArea;
  const nc = Math.min(roundUp(maxPixels, NR), Math.max(NR * 8, Math.floor(C_BUDGET / rowsPadded / NR) * NR), NC);
  const kcMax = Math.min(KC, patchSize);
  const shape = (threads: number) => taskShape(rowsPadded / MR, Math.ceil(maxPixels / NR), nc / NR, threads);

  // Memory, in 4-byte words: the weight of one group as it lies and packed, the padded input
  // chunk, taps, panel records, a B slice per thread, the C block of a wave (two on several
  // threads: the caller copies one wave out while the workers start on the next).
  const wStart = 0;
  const aStart = wStart + rowsPadded * patchSize;
  const xStart = aStart + rowsPadded * patchSize;
  const tapStart = xStart + chunkImages * imageFloats + SLACK;
  const recordStart = tapStart + patchSize;
  const layout = (threads: number) => {
    const { taskCols, wavePanels } = shape(threads);
    const bFloats = kcMax * taskCols * NR;
    const bStart = roundUp(recordStart + wavePanels * RECORD_WORDS, 4);
    const cStart = bStart + threads * bFloats;
    const cFloats = rowsPadded * wavePanels * NR;
    // Then a chunk of images as it lies, to pad on every thread (padded inputs only).
    const stageStart = cStart + (threads > 1 ? 2 : 1) * cFloats;
    return { bFloats, bStart, cStart, cFloats, stageStart, end: stageStart + (isPadded(g, paddedH, paddedW) ? chunkImages * g.inChannels * g.inArea : 0) };
  };
  const runner = jobRunner(g.outChannels * patchSize * g.batch * outArea, (threads) => layout(threads).end);
  const { taskRows, taskCols, wavePanels } = shape(runner.threads);
  const { bFloats, bStart, cStart, cFloats, stageStart, end } = layout(runner.threads);
  const heap = runner.heap(end)!;
  const words = new Int32Array(heap.buffer);
  const stepH = g.strideH * paddedW;
  const params = new Map([
    [CV.ROW_TILES, rowsPadded / MR], [CV.DEPTH, patchSize], [CV.A, aStart * 4], [CV.B, bStart * 4], [CV.B_STRIDE, bFloats * 4],
    [CV.RECORDS, recordStart * 4], [CV.OFFSETS, tapStart * 4], [CV.TASK_ROWS, taskRows], [CV.TASK_COLS, taskCols], [CV.ACCUMULATE, 0],
  ]);
  // The weight's A panels, by ranges of rows on every thread (ResNet's 512-channel layers
  // reuse each weight only 49 times per image: packing them is not small there).
  const rowTiles = rowsPadded / MR;
  const packPanels = Math.ceil(rowTiles / (runner.threads === 1 ? 1 : Math.min(rowTiles, 2 * runner.threads)));
  const packTasks = Math.ceil(rowTiles / packPanels);
  const packWeight = new Map([
    [PK.A_TASKS, packTasks], [PK.A_PANELS, packPanels], [PK.B_PANELS, 1], [PK.ROW_TILES, rowTiles], [PK.COL_TILES, 0], [PK.DEPTH, patchSize],
    [PK.A_SOURCE, wStart * 4], [PK.A_PACKED, aStart * 4], [PK.B_PACKED, 0], [PK.RECORDS, 0], [PK.OFFSETS, 0],
  ]);
  let wave = 0;
  let copyPrevious: (() => void) | undefined;

  for (let n0 = 0; n0 < g.batch; n0 += chunkImages) {
    const images = Math.min(chunkImages, g.batch - n0);
    const pixels = images * outArea;
    if (isPadded(g, paddedH, paddedW)) padOnThreads(runner, x, n0, images, g, heap, xStart, stageStart, paddedH, paddedW);
    else padImages(x, n0, images, g, heap, xStart, paddedH, paddedW);
    for (let grp = 0; grp < g.groups; grp++) {
      // The weight rows, zero rows up to a whole panel, then each depth slice packed by the module.
      const wGroup = grp * groupOut * patchSize;
      heap.set(w.subarray(wGroup, wGroup + groupOut * patchSize), wStart);
      heap.fill(0, wStart + groupOut * patchSize, wStart + rowsPadded * patchSize);
      runner.run(jobs.PACK, packWeight, packTasks, 'conv2d packing');
      writeTaps(g, grp, paddedH, paddedW, words, tapStart);
      for (let jc = 0; jc < pixels; jc += wavePanels * NR) {
        const width = Math.min(wavePanels * NR, pixels - jc);
        const panels = Math.ceil(width / NR);
        writeRecords(jc, panels, pixels, g, stepH, imageFloats, xStart, words, recordStart);
        const ldc = panels * NR;
        const c = runner.threads > 1 ? cStart + (wave++ % 2) * cFloats : cStart;
        params.set(CV.COL_TILES, panels).set(CV.LDC, ldc).set(CV.C, c * 4);
        runner.run(jobs.CONV, params, Math.ceil(rowsPadded / MR / taskRows) * Math.ceil(panels / taskCols), 'conv2d', copyPrevious);
        copyPrevious = copyOut.bind(null, heap, c, ldc, jc, width, n0, grp, g, y);
      }
    }
  }
  copyPrevious?.();
}

/** Whether the padded chunk differs from the input as it lies (padding, or rows and columns no output reads). */
function isPadded(g: ConvGeometry, paddedH: number, paddedW: number): boolean {
  return !(g.padTop === 0 && g.padLeft === 0 && paddedH === g.inH && paddedW === g.inW);
}

/** padImages as a job: the images copied in as they lie (one memcpy), then padded by the runner's threads. */
function padOnThreads(runner: JobRunner, x: Float32Array, n0: number, images: number, g: ConvGeometry, heap: Float32Array, start: number, stage: number, paddedH: number, paddedW: number): void {
  const { inH, inW, padTop, padLeft, inChannels, inArea } = g;
  const planes = images * inChannels, paddedArea = paddedH * paddedW;
  heap.set(x.subarray(n0 * inChannels * inArea, (n0 + images) * inChannels * inArea), stage);
  heap.fill(0, start + planes * paddedArea, start + planes * paddedArea + SLACK);
  copyPlanes(runner, {
    planes, rows: Math.min(inH, paddedH - padTop), width: Math.min(inW, paddedW - padLeft), src: stage, srcRow: inW, srcPlane: inArea,
    dst: start + padTop * paddedW + padLeft, dstRow: paddedW, dstPlane: paddedArea, zeroAt: start, zero: paddedArea,
  }, 'conv2d padding');
}

/** Images [n0, n0 + images) of x into the chunk at heap[start] (and SLACK zeros after it), each channel a zero-padded paddedH × paddedW plane. */
export function padImages(x: Float32Array, n0: number, images: number, g: ConvGeometry, heap: Float32Array, start: number, paddedH: number, paddedW: number): void {
  const { inH, inW, padTop, padLeft, inChannels, inArea } = g;
  const planes = images * inChannels;
  heap.fill(0, start, start + planes * paddedH * paddedW + SLACK);
  // Rows and columns past the last tap that any output reads are left out (a stride that does not divide evenly).
  const rows = Math.min(inH, paddedH - padTop);
  const cols = Math.min(inW, paddedW - padLeft);
  if (padTop === 0 && padLeft === 0 && rows === inH && cols === inW && paddedH === inH && paddedW === inW) {
    // Unpadded and read to the last row and column (LeNet's convs): the chunk is the input as it lies.
    copyRun(x, n0 * inChannels * inArea, heap, start, planes * inArea);
    return;
  }
  for (let plane = 0; plane < planes; plane++) {
    const src = (n0 * inChannels + plane) * inArea;
    const dst = start + plane * paddedH * paddedW + padTop * paddedW + padLeft;
    for (let r = 0; r < rows; r++) copyRun(x, src + r * inW, heap, dst + r * paddedW, cols);
  }
}


/** Byte offset, from a pixel's top-left tap, of every depth row (c, ki, kj) of group grp. */
function writeTaps(g: ConvGeometry, grp: number, paddedH: number, paddedW: number, words: Int32Array, start: number): void {
  let o = start;
  for (let c = 0; c < g.groupIn; c++) {
    const plane = (grp * g.groupIn + c) * paddedH * paddedW;
    for (let ki = 0; ki < g.kH; ki++) {
      for (let kj = 0; kj < g.kW; kj++) words[o++] = (plane + ki * g.dilationH * paddedW + kj * g.dilationW) * 4;
    }
  }
}

/**
 * One pack_im2col record per panel of 8 output pixels from chunk pixel jc on: the byte
 * address of each pixel's top-left tap in the padded chunk (pixels past the end repeat the
 * last one; their columns of C are never read), and the mode that says how they lie.
 */
function writeRecords(jc: number, panels: number, pixels: number, g: ConvGeometry, stepH: number, imageFloats: number, xStart: number, words: Int32Array, start: number): void {
  const { outArea, outW, outH, strideW } = g;
  const sideBySide = strideW === 1 ? 1 : strideW === 2 ? 2 : 0;
  // Walk the pixels with counters (no division per pixel: LeNet-sized maps have thousands of panels).
  let image = Math.floor(jc / outArea);
  let oh = Math.floor((jc - image * outArea) / outW);
  let ow = jc - image * outArea - oh * outW;
  let address = (xStart + image * imageFloats + oh * stepH + ow * strideW) * 4;
  for (let panel = 0, o = start, q = jc; panel < panels; panel++, o += RECORD_WORDS) {
    words[o] = q + NR <= pixels && ow + NR <= outW ? sideBySide : 0;
    for (let j = 0; j < NR; j++) {
      words[o + 4 + j] = address;
      // Pixels past the end repeat the last one.
      if (++q >= pixels) continue;
      if (++ow < outW) {
        address += strideW * 4;
        continue;
      }
      ow = 0;
      if (++oh === outH) {
        oh = 0;
        image++;
      }
      address = (xStart + image * imageFloats + oh * stepH) * 4;
    }
  }
}

/** Columns [0, width) of the C block (chunk pixels jc..) into y's planes of group grp, one run per image row of C. */
function copyOut(heap: Float32Array, cStart: number, ldc: number, jc: number, width: number, n0: number, grp: number, g: ConvGeometry, y: Float32Array): void {
  const { outArea, outChannels, groupOut } = g;
  for (let q = jc; q < jc + width; ) {
    const image = Math.floor(q / outArea);
    const p = q - image * outArea;
    const run = Math.min(outArea - p, jc + width - q);
    const src = cStart + (q - jc);
    const dst = ((n0 + image) * outChannels + grp * groupOut) * outArea + p;
    for (let o = 0; o < groupOut; o++) copyRun(heap, src + o * ldc, y, dst + o * outArea, run);
    q += run;
  }
}
