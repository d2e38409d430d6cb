/**
 * Where the tensors live: 'cpu' (@nn/backend-cpu, always there) or 'gpujs' (@nn/backend-gpujs,
 * loaded only when asked for, since gpu.js and its GL bindings are heavy and may be missing).
 */
import '@nn/backend-cpu';
import { setBackend } from '@nn/tensor';

export const BACKENDS = ['cpu', 'gpujs'] as const;
export type BackendName = (typeof BACKENDS)[number];

const reason = (error: unknown): string => (error instanceof Error ? error.message.split('\n')[0] : String(error));

export async function useBackend(name: BackendName): Promise<void> {
  if (name === 'gpujs') {
    try {
      await import('@nn/backend-gpujs');
    } catch (error) {
      throw new Error(`--backend gpujs: the package @nn/backend-gpujs cannot be loaded here (${reason(error)}); use --backend cpu`);
    }
    try {
      await setBackend('gpujs');
    } catch (error) {
      throw new Error(`--backend gpujs: the gpu.js backend did not start (${reason(error)}); use --backend cpu`);
    }
    return;
  }
  await setBackend('cpu');
}
