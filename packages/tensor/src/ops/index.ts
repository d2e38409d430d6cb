// Every op, by family. Importing an op file also installs it as a Tensor method.
export * from './creation.js';
export * from './cast.js';
// elementwise
export * from './unary.js';
export * from './binary.js';
// reductions
export * from './reduce.js';
// shape and indexing
export * from './reshape.js';
// linear algebra
// images (NCHW)
