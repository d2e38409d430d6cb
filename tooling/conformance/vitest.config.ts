import { config, relaxedSimdProject } from '@nn/vitest-config';

// Two projects: this package's suites (cpu and gpujs legs), and @nn/layers' own tests run
// again with gpu.js (webasm) as the active backend. @nn/layers cannot depend on
// @nn/backend-gpujs itself (the backend's swap tests use layers), so that leg lives here.
// On Node 20 a third runs the CPU suites on relaxed SIMD (Node 22+'s default kernel).
export default config({
  projects: [
    { extends: true, test: { name: 'conformance' } },
    ...relaxedSimdProject({ name: 'conformance-relaxed-simd', include: ['test/cpu.test.ts', 'test/cpu_threads.test.ts', 'src/recurrent.test.ts'] }),
    {
      extends: true,
      test: {
        name: 'layers-on-gpujs',
        root: '../../packages/layers',
        setupFiles: [`${import.meta.dirname}/test/gpujs_active.setup.ts`],
        // The safetensors and PyTorch .pt tests check file formats (host code) with int64 values
        // past 2^24 and AlexNet/VGG-16 weights of 38–103 M elements: past what gpu.js holds
        // exactly (documented limits of @nn/backend-gpujs, tested there).
        exclude: ['**/node_modules/**', 'src/safetensors.test.ts', 'src/pytorch.test.ts', 'src/pytorch_hostile.test.ts', 'src/pytorch_node.test.ts'],
        // pytorch_style_loop.test.ts calls gc() to show collected tensors free gpujs memory too.
        execArgv: ['--expose-gc'],
      },
    },
  ],
});
