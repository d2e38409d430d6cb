import { defineConfig } from 'vite';

// Relative asset paths, so that the built site works from any file server and any folder.
// Workspace packages resolve to their sources ('@nn/source'), as in tests: no build of theirs needed.
export default defineConfig({
  base: './',
  resolve: { conditions: ['@nn/source', 'browser', 'module', 'import', 'default'] },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 10_000 },
});
