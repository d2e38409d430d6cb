// Shared vitest preset. Workspace packages resolve to their TypeScript sources through the
// '@nn/source' export condition, so tests never wait for a build.
import { defineConfig } from 'vitest/config';

export function config(overrides = {}) {
  return defineConfig({
    resolve: { conditions: ['@nn/source', 'module', 'node', 'import', 'default'] },
    ssr: { resolve: { conditions: ['@nn/source', 'module', 'node', 'import', 'default'] } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 60_000,
      ...overrides,
    },
  });
}
