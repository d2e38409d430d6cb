import type { KernelFunc } from '@nn/tensor';
import type { GpujsBackend } from '../backend_gpujs.js';

/** A gpu.js kernel function: sees the backend as GpujsBackend to generate and run sources. */
export type GpujsKernel<A = unknown> = KernelFunc<GpujsBackend, A>;

export interface KernelConfig {
  kernelName: string;
  kernelFunc: GpujsKernel<never>;
}
