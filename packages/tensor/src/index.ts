export * from './backend.js';
export * from './convert.js';
export * from './dtype.js';
export * from './engine.js';
export * from './kernel_names.js';
export * from './random.js';
export * from './shape.js';
export { Tensor, type NestedArray } from './tensor.js';
export * from './ops/index.js';
