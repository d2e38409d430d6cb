/**
 * Freed float32 arrays by length, for the CPU backend to reuse: allocating a fresh typed
 * array per op (and collecting it later) was most of a small training step's cost.
 * The backend decides what may come here (see CpuBackend.dispose): only arrays it allocated
 * itself, never one also written from outside. The pool is bounded in bytes; past the
 * bound a freed array is left to the garbage collector.
 */

/**
 * Bytes the pool keeps at most: the arrays a few steps of a mid-sized model free, or one Adam
 * step over a 2^19 × 32 embedding table (three 64 MiB arrays, which fresh from the system
 * cost 120 ms of page faults a step).
 */
export const POOL_MAX_BYTES = 256 * 1024 * 1024;
/** Arrays of one length kept at most. */
const PER_LENGTH = 64;

export class BufferPool {
  private readonly free = new Map<number, Float32Array[]>();
  /** Bytes held by pooled (free) arrays. */
  bytes = 0;

  constructor(readonly maxBytes = POOL_MAX_BYTES) {}

  /** A pooled array of `length`, no longer pooled, or undefined. Its contents are stale. */
  take(length: number): Float32Array | undefined {
    const list = this.free.get(length);
    if (list === undefined || list.length === 0) return undefined;
    const values = list.pop()!;
    this.bytes -= values.byteLength;
    return values;
  }

  /** Keeps a freed array if there is room. */
  release(values: Float32Array): void {
    if (values.length === 0 || this.bytes + values.byteLength > this.maxBytes) return;
    let list = this.free.get(values.length);
    if (list === undefined) {
      list = [];
      this.free.set(values.length, list);
    }
    if (list.length >= PER_LENGTH) return;
    list.push(values);
    this.bytes += values.byteLength;
  }

  clear(): void {
    this.free.clear();
    this.bytes = 0;
  }
}
