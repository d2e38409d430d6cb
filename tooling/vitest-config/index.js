// Shared vitest preset. Workspace packages resolve to their TypeScript sources through the
// '@nn/source' export condition, so tests never wait for a build. Each run also writes a
// JSON report that tooling/scripts/test-summary.mjs totals for CI's closing line.
import { defineConfig } from 'vitest/config';

/**
 * A vitest project running the same tests on WebAssembly relaxed SIMD, which Node 22+ and
 * Chrome 114+ have by default and Node 20 only behind a V8 flag: there @nn/backend-cpu's
 * kernels take their fused multiply-add path, whose bits differ from mul+add's. On Node 20
 * the project turns the flag on (NN_EXPECT_RELAXED_SIMD=1 makes the backend's tests check the
 * kernel loaded); on Node 22+ the default project runs relaxed already, and Node rejects the
 * flag, so this returns no project. Spread it beside the package's own project(s).
 */
export function relaxedSimdProject(test = {}) {
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= 22) return [];
  return [{ extends: true, test: { name: 'relaxed-simd', execArgv: ['--experimental-wasm-relaxed-simd'], env: { NN_EXPECT_RELAXED_SIMD: '1' }, ...test } }];
}

/** Export conditions: workspace packages resolve to their TypeScript sources. */
export const conditions = ['@nn/source', 'module', 'node', 'import', 'default'];

export function config(overrides = {}) {
  return defineConfig({
    resolve: { conditions },
    ssr: { resolve: { conditions } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 60_000,
      reporters: ['default', ['json', { outputFile: 'node_modules/.vitest/report.json' }]],
      ...overrides,
    },
  });
}
