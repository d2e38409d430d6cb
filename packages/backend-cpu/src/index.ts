/**
 * Importing this package registers the CPU backend as 'cpu'. With nothing else chosen it is
 * the default backend.
 */
import { registerBackend } from '@nn/tensor';
import { CpuBackend } from './backend_cpu.js';

export { CpuBackend };
export { kernels } from './kernels/index.js';
export { getNumThreads, setNumThreads, type NumThreadsOptions } from './threads/threads.js';
export { measureGemmPeak, type GemmPeak } from './kernels/gemm_peak.js';

registerBackend('cpu', () => new CpuBackend(), 1);
