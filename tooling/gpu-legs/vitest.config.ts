import { conditions, config } from '@nn/vitest-config';

// With NN_GPU_LEGS=1 a second project runs @nn/backend-gpujs' GL-path tests (the packed GEMM
// and the shallow-convolution tiles, at sizes past the tiling thresholds) and its real-size
// tests (a LeNet-5 step on 256 images, a ResNet-18 block, outputs past 16,384 rows) in headlessgl too.
// It does not extend the root project: vitest would add the root's include globs to its own.
const glPaths = {
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    name: 'gl-paths-headlessgl',
    root: '../../packages/backend-gpujs',
    include: ['src/kernels/gl_paths.test.ts', 'src/real_sizes.test.ts'],
    env: { NN_GPUJS_MODE: 'headlessgl' },
    testTimeout: 900_000,
  },
};

export default config({
  testTimeout: 900_000,
  hookTimeout: 300_000,
  globalSetup: [`${import.meta.dirname}/test/xvfb.ts`],
  projects: [{ extends: true, test: { name: 'legs' } }, ...(process.env.NN_GPU_LEGS === '1' ? [glPaths] : [])],
});
