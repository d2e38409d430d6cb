/**
 * Where the tensors live: 'cpu' (@nn/backend-cpu, always there) or 'gpujs' (@nn/backend-gpujs,
 * loaded only when asked for, since gpu.js and its GL bindings are heavy and may be missing).
 */
import '@nn/backend-cpu';
import { engine, setBackend } from '@nn/tensor';
import type * as GpujsModule from '@nn/backend-gpujs';

export const BACKENDS = ['cpu', 'gpujs'] as const;
export type BackendName = (typeof BACKENDS)[number];

const reason = (error: unknown): string => (error instanceof Error ? error.message.split('\n')[0] : String(error));

/** Activates the backend; returns how to name it to the user (gpujs with the gpu.js mode that `auto` chose). */
export async function useBackend(name: BackendName): Promise<string> {
  if (name === 'gpujs') {
    let gpujs: typeof GpujsModule;
    try {
      gpujs = await import('@nn/backend-gpujs');
    } catch (error) {
      throw new Error(`--backend gpujs: the package @nn/backend-gpujs cannot be loaded here (${reason(error)}); use --backend cpu`);
    }
    try {
      await setBackend('gpujs');
    } catch (error) {
      throw new Error(`--backend gpujs: the gpu.js backend did not start (${reason(error)}); use --backend cpu`);
    }
    const backend = engine().backend;
    return backend instanceof gpujs.GpujsBackend ? `gpujs (gpu.js mode ${backend.mode})` : 'gpujs';
  }
  await setBackend('cpu');
  return 'cpu';
}
