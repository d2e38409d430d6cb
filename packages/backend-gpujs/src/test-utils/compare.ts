/** Runs the same computation on cpu and on gpujs and returns both results' values. */
import { dispose, engine, setBackend, tidy, type Tensor } from '@nn/tensor';
import { vi } from 'vitest';
import type { GpujsBackend } from '../backend_gpujs.js';

async function valuesOn(backend: string, make: () => Tensor): Promise<Float32Array> {
  await setBackend(backend);
  const t = tidy(make);
  const values = t.dataSync() as Float32Array;
  dispose(t);
  return values;
}

export async function onBothBackends(make: () => Tensor): Promise<{ cpu: Float32Array; gpujs: Float32Array }> {
  const cpu = await valuesOn('cpu', make);
  const gpujs = await valuesOn('gpujs', make);
  await setBackend('cpu');
  return { cpu, gpujs };
}

/** Largest |a - b| / (1 + |b|). */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return a.length === b.length ? worst : Infinity;
}

/**
 * Runs `make` on cpu and gpujs: the largest relative error of gpujs against cpu, and the
 * labels of the gpujs kernels it ran (to check which path took the work). Callers restore the
 * spy with `vi.restoreAllMocks()`.
 */
export async function compareWithLabels(make: () => Tensor): Promise<{ error: number; labels: string[]; backend: GpujsBackend }> {
  await setBackend('gpujs');
  const backend = engine().findBackend('gpujs') as GpujsBackend;
  await setBackend('cpu');
  const labels: string[] = [];
  const original = backend.compute.bind(backend);
  vi.spyOn(backend, 'compute').mockImplementation((spec) => {
    labels.push(spec.label);
    return original(spec);
  });
  const { cpu, gpujs } = await onBothBackends(make);
  return { error: maxRelativeError(gpujs, cpu), labels, backend };
}
