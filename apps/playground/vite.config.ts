import { defineConfig, type Plugin } from 'vite';

/**
 * Keeps the side effects of @nn's modules. @nn/autograd installs `backward()` on Tensor by
 * importing a module for its side effect, and lists it in package.json's `sideEffects`;
 * Vite's build still dropped it here (the worker then failed with "backward is not a
 * function"), so every @nn module is marked as having side effects.
 */
const keepNnSideEffects = (): Plugin => ({
  name: 'keep-nn-side-effects',
  transform(code, id) {
    if (/[\\/](packages[\\/][a-z-]+|node_modules[\\/]@nn[\\/][a-z-]+)[\\/](src|dist)[\\/]/.test(id)) return { code, map: null, moduleSideEffects: true };
    return null;
  },
});

// Relative asset paths, so that the built site works from any file server and any folder.
// Workspace packages resolve to their sources ('@nn/source'), as in tests: no build of theirs needed.
export default defineConfig({
  base: './',
  resolve: { conditions: ['@nn/source', 'browser', 'module', 'import', 'default'] },
  plugins: [keepNnSideEffects()],
  worker: { format: 'es', plugins: () => [keepNnSideEffects()] },
  build: { target: 'es2022', chunkSizeWarningLimit: 10_000 },
});
