// The whole suite on the gpu.js backend, by default in its webasm mode (WebAssembly SIMD),
// which runs wherever Node does. NN_GPUJS_MODE picks another mode (cpu; headlessgl under
// xvfb-run, see tooling/scripts/ci-gpu-deps.sh); the test fails unless that mode really ran,
// because gpu.js quietly falls back to another mode when the asked one is missing.
import '@nn/backend-cpu';
import { MODES, setGpujsOptions, type GpujsBackend, type GpujsMode } from '@nn/backend-gpujs';
import { engine } from '@nn/tensor';
import { beforeAll, expect, it } from 'vitest';
import { defineConformance } from '../src/index.js';

const mode = (process.env.NN_GPUJS_MODE ?? 'webasm') as GpujsMode;
if (!MODES.includes(mode)) throw new Error(`NN_GPUJS_MODE must be one of ${MODES.join(', ')}, got '${mode}'`);
setGpujsOptions({ mode });
defineConformance('gpujs');

let backend: GpujsBackend | undefined;
beforeAll(() => {
  backend = engine().findBackend('gpujs') as GpujsBackend | undefined;
});
it(`ran in gpu.js mode '${mode}'`, () => {
  expect(backend?.mode).toBe(mode);
});
