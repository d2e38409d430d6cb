export * from './backend.js';
export * from './convert.js';
export * from './dtype.js';
export * from './engine.js';
export * from './kernel_names.js';
export * from './random.js';
export * from './shape.js';
// `export *` (not a named re-export) so that other packages can add methods to Tensor with
// `declare module '@nn/tensor' { interface Tensor {...} }` (as @nn/autograd does for backward()).
export * from './tensor.js';
export * from './ops/index.js';
export { loadedCopies, type EngineCopy } from './copies.js';
export { version } from './version.js';
export * from './meta_backend.js';
