import type { KernelFunc } from '@nn/tensor';
import type { CpuBackend } from '../backend_cpu.js';

/** A CPU kernel: sees the backend as CpuBackend to reach the arrays. */
export type CpuKernel<A = unknown> = KernelFunc<CpuBackend, A>;

export interface KernelConfig {
  kernelName: string;
  kernelFunc: CpuKernel<never>;
}
