// Shared vitest preset. Workspace packages resolve to their TypeScript sources through the
// '@nn/source' export condition, so tests never wait for a build. Each run also writes a
// JSON report that tooling/scripts/test-summary.mjs totals for CI's closing line.
import { defineConfig } from 'vitest/config';

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
