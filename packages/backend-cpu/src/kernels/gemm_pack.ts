/**
 * Packing for the blocked GEMM (gemm_js.ts, gemm_wasm.ts): copies a block of op(A) or op(B)
 * into the panel layout the micro-kernels stream through, zero-padding the last panel so
 * every tile is full. The destination is a Float64Array for the JS kernel and a view on
 * WebAssembly memory for the SIMD one.
 */

type Panels = Float32Array | Float64Array;

/**
 * op(B)[pc:pc+kc, jc:jc+nc] as nr-wide column panels from dst[start]: panel q holds, for
 * each depth step p, the nr values B[pc+p, jc+q*nr ..], so element (p, j) of panel q is at
 * start + q*nr*kc + p*nr + j.
 */
export function packB(b: Float32Array, bOffset: number, ldb: number, transB: boolean, pc: number, kc: number, jc: number, nc: number, nr: number, dst: Panels, start: number): void {
  let o = start;
  for (let jr = 0; jr < nc; jr += nr) {
    const w = Math.min(nr, nc - jr);
    if (!transB) {
      // Rows of B are contiguous: copy nr at a time.
      let src = bOffset + pc * ldb + jc + jr;
      for (let p = 0; p < kc; p++, src += ldb, o += nr) {
        let j = 0;
        for (; j < w; j++) dst[o + j] = b[src + j];
        for (; j < nr; j++) dst[o + j] = 0;
      }
    } else {
      // Bᵀ stored: column j of op(B) is a contiguous row of b; read each one straight through.
      for (let j = 0; j < nr; j++) {
        if (j < w) {
          const src = bOffset + (jc + jr + j) * ldb + pc;
          for (let p = 0; p < kc; p++) dst[o + p * nr + j] = b[src + p];
        } else {
          for (let p = 0; p < kc; p++) dst[o + p * nr + j] = 0;
        }
      }
      o += kc * nr;
    }
  }
}

/**
 * op(A)[ic:ic+mc, pc:pc+kc] as mr-tall row panels from dst[start]: element (i, p) of panel
 * q is at start + q*mr*kc + p*mr + i.
 */
export function packA(a: Float32Array, aOffset: number, lda: number, transA: boolean, ic: number, mc: number, pc: number, kc: number, mr: number, dst: Panels, start: number): void {
  let o = start;
  for (let ir = 0; ir < mc; ir += mr) {
    const h = Math.min(mr, mc - ir);
    if (!transA) {
      // Rows of A are contiguous: read each straight through, writing with stride mr.
      for (let r = 0; r < mr; r++) {
        if (r < h) {
          const src = aOffset + (ic + ir + r) * lda + pc;
          for (let p = 0; p < kc; p++) dst[o + p * mr + r] = a[src + p];
        } else {
          for (let p = 0; p < kc; p++) dst[o + p * mr + r] = 0;
        }
      }
      o += kc * mr;
    } else {
      let src = aOffset + pc * lda + ic + ir;
      for (let p = 0; p < kc; p++, src += lda, o += mr) {
        let r = 0;
        for (; r < h; r++) dst[o + r] = a[src + r];
        for (; r < mr; r++) dst[o + r] = 0;
      }
    }
  }
}

export function roundUp(x: number, multiple: number): number {
  return Math.ceil(x / multiple) * multiple;
}

/** dst[dstOffset ..] = src[srcOffset .. + length]: a plain loop for short runs, where a subarray per call costs more than the copy. */
export function copyRun(src: Float32Array, srcOffset: number, dst: Float32Array, dstOffset: number, length: number): void {
  if (length >= 64) dst.set(src.subarray(srcOffset, srcOffset + length), dstOffset);
  else for (let i = 0; i < length; i++) dst[dstOffset + i] = src[srcOffset + i];
}
