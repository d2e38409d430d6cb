/**
 * The headlessgl leg: the whole conformance suite (vectors forward and gradients, op
 * semantics, error messages) on gpu.js in Node through the `gl` package, on the virtual
 * display test/xvfb.ts starts. Skipped unless NN_GPU_LEGS=1; then it fails unless the mode
 * that ran really is headlessgl (gpu.js falls back to another mode without saying so when
 * `gl` is not built or no display answers).
 */
import '@nn/backend-cpu';
import { setGpujsOptions, type GpujsBackend } from '@nn/backend-gpujs';
import { defineConformance } from '@nn/conformance';
import { engine } from '@nn/tensor';
import { describe, expect, it } from 'vitest';

describe.skipIf(process.env.NN_GPU_LEGS !== '1')('conformance on gpu.js headlessgl', () => {
  setGpujsOptions({ mode: 'headlessgl' });
  defineConformance('gpujs');
  it("ran in gpu.js mode 'headlessgl'", () => {
    const backend = engine().findBackend('gpujs') as GpujsBackend | undefined;
    expect(backend?.mode).toBe('headlessgl');
  });
});
