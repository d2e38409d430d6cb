// Node ESM: train on cpu and on gpujs (webasm: no gl, no webgpu installed).
import { train } from './train.mjs';

for (const [backend, mode] of [['cpu'], ['gpujs', 'webasm']]) {
  const r = await train(backend, mode);
  console.log(`pack-smoke esm: ${r.backend}: ${r.steps} steps, loss ${r.first.toFixed(4)} -> ${r.last.toFixed(4)}`);
}
