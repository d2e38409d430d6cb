/**
 * One benchmark case: the same work run by @nn and by each TensorFlow.js peer, in one
 * process, so the ratio is fair on a shared machine.
 */
import type * as tfjs from '@tensorflow/tfjs-core';

export interface BenchCase {
  /** Group shown as a table section, e.g. 'matmul', 'conv2d'. */
  group: string;
  /** Row label, e.g. '1024×1024'. */
  name: string;
  /** Floating-point operations per run (2 per multiply-add), for GFLOP/s; 0 to show times only. */
  flops: number;
  /**
   * Sets up inputs on our CPU backend and returns the function to time (it must read back or
   * sync its result). `run` may return a promise (a training loop such as tfjs `model.fit`),
   * which the timing awaits.
   */
  ours: () => { run: () => void | Promise<void>; dispose: () => void };
  /** The same on TensorFlow.js; `tf` is @tensorflow/tfjs-core with the backend already active. */
  peer: (tf: typeof tfjs) => { run: () => void | Promise<void>; dispose: () => void };
}
