/**
 * The tiled GEMM under matmul and convolution, its tile shaped for the mode. In the GL modes
 * (both operands are texture fetches): C[b] = A[b] · B[b] with each thread computing a 2 × 2
 * tile of C from operands packed four k-values per texel (as TensorFlow.js's packed WebGL
 * textures do), so one vec4 fetch per operand row brings four k and every four fetches feed
 * sixteen multiply-adds (one thread per output: two fetches per multiply-add). On webasm:
 * four rows of one column per thread (see "webasm" below).
 *
 * The GL operands are first packed into rows of K, zero-padded to even row counts and to K a
 * multiple of 4, four k per texel: A as [batchesA · mPad rows, kPad / 4], B transposed as
 * [batchesB · nPad rows, kPad / 4]. The kernel returns the four sums of its tile at once (a
 * four-channel output), and an unpack pass writes them out in whatever order the caller's
 * output needs.
 */
import { sizeFromShape, type DType, type TensorInfo } from '@nn/tensor';
import type { GpujsBackend } from '../backend_gpujs.js';
import { lit, type KernelSource, type TensorRef } from '../codegen.js';
import { fits, MAX_EXACT_INDEX, type Layout } from '../layout.js';

export interface GemmShape {
  /** Output matrices (the tiled kernel's batch). */
  batch: number;
  m: number;
  n: number;
  k: number;
  /** Whether A (or B) has one matrix per batch entry, or one shared by all. */
  batchedA: boolean;
  batchedB: boolean;
}

export interface GemmPlan extends GemmShape {
  mPad: number;
  nPad: number;
  kPad: number;
}

const roundUp = (value: number, step: number): number => Math.ceil(value / step) * step;

/**
 * The padded sizes, or null when a packed operand or the tile buffer would not fit the
 * device. (The caller also keeps WebGPU off this path: gpu.js cannot pass its four-channel
 * results to another kernel.)
 */
export function planGemm(shape: GemmShape, maxTextureSize: number): GemmPlan | null {
  const plan = { ...shape, mPad: roundUp(shape.m, 2), nPad: roundUp(shape.n, 2), kPad: roundUp(Math.max(shape.k, 1), 4) };
  const ok =
    fits(plan.kPad / 4, (plan.batchedA ? plan.batch : 1) * plan.mPad, maxTextureSize) &&
    fits(plan.kPad / 4, (plan.batchedB ? plan.batch : 1) * plan.nPad, maxTextureSize) &&
    fits(plan.nPad / 2, (plan.batch * plan.mPad) / 2, maxTextureSize);
  return ok ? plan : null;
}

/** Where a packed element comes from: emits the reads and returns the value (only for r < rows and c < k). */
export type PackElement = (src: KernelSource, ref: TensorRef, b: string, r: string, c: string) => string;

/** The shape of a row packing: `matrices` stacks of `rows` rows of K, padded to rowsPad × kPad. */
export interface RowPacking {
  matrices: number;
  rows: number;
  rowsPad: number;
  k: number;
  kPad: number;
  /** 1, or 4 for the GL tiles: channel u of texel (row, q) holds column 4·q + u. */
  perTexel: 1 | 4;
}

/** Packs rows of K, zero-padded: [matrices · rowsPad rows, kPad / perTexel] texels. */
export function packRows(backend: GpujsBackend, label: string, input: TensorInfo, packing: RowPacking, element: PackElement): TensorInfo {
  const { matrices, rows, rowsPad, k, kPad, perTexel } = packing;
  const width = kPad / perTexel;
  const layout: Layout = { width, height: matrices * rowsPad, size: width * matrices * rowsPad };
  return backend.compute({
    label,
    shape: [layout.size],
    dtype: 'float32',
    inputs: [input],
    layout,
    vec4: perTexel === 4,
    body: (src, [ref]) => {
      const [b, r] = src.divmod('this.thread.y', rowsPad);
      // Floats: GL has no ternary between the thread's int index and a float.
      const c0 = src.let(`this.thread.x * ${lit(perTexel)}`);
      const rowOk = rows < rowsPad ? src.let(`${r} < ${lit(rows)} ? 1.0 : 0.0`) : '';
      // Rows past the end read row 0 of their matrix, so every read stays in range.
      const rr = rowOk ? src.let(`${rowOk} == 1.0 ? ${r} : 0.0`) : r;
      const values = Array.from({ length: perTexel }, (_, u) => {
        const c = u === 0 ? c0 : src.let(`${c0} + ${lit(u)}`);
        const inside = [rowOk ? `${rowOk} == 1.0` : '', kPad - perTexel + u >= k ? `${c} < ${lit(k)}` : ''].filter(Boolean);
        if (inside.length === 0) return src.bind(element(src, ref, b, rr, c));
        const ok = src.let(`${inside.join(' && ')} ? 1.0 : 0.0`);
        const value = element(src, ref, b, rr, src.let(`${ok} == 1.0 ? ${c} : 0.0`));
        return src.let(`${ok} == 1.0 ? ${value} : 0.0`);
      });
      return perTexel === 1 ? values[0] : `[${values.join(', ')}]`;
    },
  });
}

/** The four-channel tile buffer of C = A · Bᵀ from operands packed four k per texel: [batch · mPad / 2 rows, nPad / 2]. */
export function tiledGemm(backend: GpujsBackend, plan: GemmPlan, aPacked: TensorInfo, bPacked: TensorInfo): TensorInfo {
  const halfM = plan.mPad / 2;
  const layout: Layout = { width: plan.nPad / 2, height: plan.batch * halfM, size: (plan.nPad / 2) * plan.batch * halfM };
  return backend.compute({
    label: 'GEMM 2×2 tiles',
    shape: [layout.size],
    dtype: 'float32',
    inputs: [aPacked, bPacked],
    layout,
    vec4: true,
    body: (src, [a, b]) => {
      src.line('const y = this.thread.y;');
      src.line(`const batch = Math.floor(y / ${halfM});`);
      src.line(plan.batchedA ? 'const ar = y * 2;' : `const ar = (y - batch * ${halfM}) * 2;`);
      src.line(plan.batchedB ? `const br = batch * ${plan.nPad} + this.thread.x * 2;` : 'const br = this.thread.x * 2;');
      src.line('let s0 = 0.0; let s1 = 0.0; let s2 = 0.0; let s3 = 0.0;');
      const texels = plan.kPad / 4;
      src.loopMax = Math.max(src.loopMax, texels);
      src.line(`for (let q = 0; q < ${texels}; q++) {`);
      // One vec4 fetch per operand row: four k each, sixteen multiply-adds per four fetches.
      src.line(`  const a0 = ${a.name}[ar][q]; const a1 = ${a.name}[ar + 1][q]; const b0 = ${b.name}[br][q]; const b1 = ${b.name}[br + 1][q];`);
      const sum = (p: string, r: string): string => [0, 1, 2, 3].map((u) => `${p}[${u}] * ${r}[${u}]`).join(' + ');
      src.line(`  s0 += ${sum('a0', 'b0')}; s1 += ${sum('a0', 'b1')}; s2 += ${sum('a1', 'b0')}; s3 += ${sum('a1', 'b1')};`);
      src.line('}');
      return '[s0, s1, s2, s3]';
    },
  });
}

/** C[b][r][c] from the tile buffer, as source: the caller gives batch, row and column names. */
export function readTile(src: KernelSource, tiles: TensorRef, plan: GemmPlan, b: string, r: string, c: string): string {
  const [pr, jr] = src.divmod(r, 2);
  const [q, jc] = src.divmod(c, 2);
  const p = src.let(`${b} * ${lit(plan.mPad / 2)} + ${pr}`);
  const t = texel(src, tiles, p, q);
  return src.let(`${jr} == 0.0 ? (${jc} == 0.0 ? ${t}[0] : ${t}[1]) : (${jc} == 0.0 ? ${t}[2] : ${t}[3])`);
}

/** Texel [row][col] of a four-channel buffer, as source to index with [0]..[3]. */
export function texel(src: KernelSource, buffer: TensorRef, row: string, col: string): string {
  if (!src.glVectors) return `${buffer.name}[${row}][${col}]`;
  // GL reads the texel into a vec4 local first: GLSL cannot index a texture read directly.
  const t = src.name('tile');
  src.line(`const ${t} = ${buffer.name}[${row}][${col}];`);
  return t;
}

/** Channel `u` (a float 0–3) of the texel `t`. */
export function channel(src: KernelSource, t: string, u: string): string {
  return src.let(`${u} < 2.0 ? (${u} == 0.0 ? ${t}[0] : ${t}[1]) : (${u} == 2.0 ? ${t}[2] : ${t}[3])`);
}

/** An output tensor of `shape` whose element at flat index i is C at where(i) = [batch, row, column]. */
export function unpackTiles(
  backend: GpujsBackend,
  label: string,
  tiles: TensorInfo,
  plan: GemmPlan,
  shape: readonly number[],
  dtype: DType,
  where: (src: KernelSource) => [string, string, string],
): TensorInfo {
  return backend.compute({
    label,
    shape,
    dtype,
    inputs: [tiles],
    body: (src, [ref]) => {
      const [b, r, c] = where(src);
      return readTile(src, ref, plan, b, r, c);
    },
  });
}

/*
 * webasm: gpu.js runs four neighbouring threads along this.thread.x as one SIMD quad. A read
 * whose index is the same for the four (it depends on thread.y, loop counters and literals
 * only) is one load; a read that varies along x is four scalar loads. So there each thread
 * computes four rows of one column: per k, four uniform loads of the row operand and one
 * four-lane load of the column operand feed four vector multiply-adds (the 2 × 2 tile spends
 * two four-lane loads on as many). Operands are read through flat indices (on webasm a buffer
 * is its layout's rows back to back), written as integer expressions (`(k | 0)`, thread ids,
 * integer literals, `|`, `>>`, `&`), which gpu.js computes in i32: it keeps every declared
 * variable in f32, and converting an index back on each read costs more than the read.
 */

export interface RowTilePlan {
  batch: number;
  /** The uniform axis, four per thread. */
  rows: number;
  /** One per thread: the SIMD lanes. */
  cols: number;
  k: number;
  rowGroups: number;
}

/** The plan, or null when the tile buffer would not fit (its flat four-channel index must stay below 2^24). */
export function planRowTiles(batch: number, rows: number, cols: number, k: number, maxTextureSize: number): RowTilePlan | null {
  const rowGroups = Math.ceil(rows / 4);
  const ok = fits(cols, batch * rowGroups, maxTextureSize) && 4 * cols * batch * rowGroups <= MAX_EXACT_INDEX;
  return ok ? { batch, rows, cols, k, rowGroups } : null;
}

/** `index * stride` as an integer expression. */
export function scaled(index: string, stride: number): string {
  if (stride === 0) return '0';
  return stride === 1 ? `(${index})` : `(${index}) * ${stride}`;
}

/** Where a thread reads: integer expressions for element k = 0 of its rows and of its lane's column. */
export interface RowTileReads {
  /** Flat index of row 4·group + j (j = 0..3) at k = 0. */
  row: (j: number) => string;
  rowKStride: number;
  /**
   * When the four rows lie `rowStride` apart from `rowStart` with k contiguous, the k loop runs
   * over row 0's own index, so the four uniform reads are that index plus a literal.
   */
  rowStart?: string;
  rowStride?: number;
  /** Flat index of this lane's column at k = 0. */
  col: string;
  colKStride: number;
}

/** K is unrolled by four: the loop's f32 counter and compare cost as much as a load. */
const UNROLL = 4;

/**
 * The four-channel tile buffer of C = rows · cols: [batch · rowGroups rows, cols], channel j of
 * (group, column) holding row 4·group + j. `reads` emits any per-thread setup and says where to read.
 */
export function rowTileGemm(
  backend: GpujsBackend,
  label: string,
  plan: RowTilePlan,
  rowInput: TensorInfo,
  colInput: TensorInfo,
  reads: (src: KernelSource) => RowTileReads,
): TensorInfo {
  const layout: Layout = { width: plan.cols, height: plan.batch * plan.rowGroups, size: plan.cols * plan.batch * plan.rowGroups };
  return backend.compute({
    label,
    shape: [layout.size],
    dtype: 'float32',
    inputs: [rowInput, colInput],
    layout,
    vec4: true,
    body: (src, [rowRef, colRef]) => {
      const at = reads(src);
      const { rowStart, rowStride = 0 } = at;
      const runsOverRow = rowStart !== undefined && at.rowKStride === 1;
      src.line('let s0 = 0.0; let s1 = 0.0; let s2 = 0.0; let s3 = 0.0;');
      // One step of k: `k` is k itself, or row 0's index at k when the loop runs over the row.
      const step = (k: string, offset: number): void => {
        const v = src.name('c');
        const kk = runsOverRow ? `${k} - ${rowStart} + ${offset}` : `${k} + ${offset}`;
        const rowAt = (j: number): string => (runsOverRow ? `${k} + ${j * rowStride + offset}` : `${at.row(j)} + ${scaled(kk, at.rowKStride)}`);
        const sums = [0, 1, 2, 3].map((j) => `s${j} += ${rowRef.name}[${rowAt(j)}] * ${v};`);
        src.line(`const ${v} = ${colRef.name}[${at.col} + ${scaled(kk, at.colKStride)}]; ${sums.join(' ')}`);
      };
      const main = plan.k - (plan.k % UNROLL);
      if (main > 0) {
        src.loopMax = Math.max(src.loopMax, main / UNROLL);
        src.line(runsOverRow ? `for (let k = ${rowStart}; k < ${rowStart} + ${main}; k += ${UNROLL}) {` : `for (let k = 0; k < ${main}; k += ${UNROLL}) {`);
        for (let u = 0; u < UNROLL; u++) step('(k | 0)', u);
        src.line('}');
      }
      for (let k = main; k < plan.k; k++) step(runsOverRow ? `(${rowStart})` : '0', k);
      return '[s0, s1, s2, s3]';
    },
  });
}

/**
 * The unpack pass after a four-channel kernel on webasm: an output tensor of `shape` whose
 * element is the buffer's value at `index(lead, last)`, an integer expression of the output's
 * coordinates: `lead` over leadShape (the leading axes, flattened as the caller likes) as f32
 * names, `last` along the last axis as an integer expression. When it fits, the output is laid
 * out in rows of its last axis, so `last` is this.thread.x and the lead coordinates are the same
 * for a whole SIMD quad (computed once, not per lane).
 */
export function unpackRows(
  backend: GpujsBackend,
  label: string,
  tiles: TensorInfo,
  shape: readonly number[],
  leadShape: readonly number[],
  index: (src: KernelSource, lead: string[], last: string) => string,
  dtype: DType = 'float32',
): TensorInfo {
  const width = shape[shape.length - 1];
  const size = sizeFromShape(shape);
  const rows = fits(width, size / width, backend.device.maxTextureSize);
  return backend.compute({
    label,
    shape,
    dtype,
    inputs: [tiles],
    ...(rows ? { layout: { width, height: size / width, size } } : {}),
    body: (src, [ref]) => {
      if (rows) return src.let(`${ref.name}[${index(src, src.coords('this.thread.y', leadShape), 'this.thread.x')}]`);
      const coords = src.coords('i', [...leadShape, width]);
      return src.let(`${ref.name}[${index(src, coords.slice(0, -1), `(${coords[coords.length - 1]} | 0)`)}]`);
    },
  });
}
