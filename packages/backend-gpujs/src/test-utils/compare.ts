/** Runs the same computation on cpu and on gpujs and returns both results' values. */
import { dispose, setBackend, tidy, type Tensor } from '@nn/tensor';

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
