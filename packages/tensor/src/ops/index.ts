// Every op, by family. Importing an op file also installs it as a Tensor method.
export * from './creation.js';
export * from './cast.js';
// elementwise
export * from './unary.js';
export * from './binary.js';
export * from './clip.js';
export * from './compare.js';
export * from './logical.js';
export * from './where.js';
export * from './activations.js';
// reductions
export * from './reduce.js';
export * from './arg_reduce.js';
export * from './softmax.js';
// shape and indexing
export * from './reshape.js';
export * from './transpose.js';
export * from './expand.js';
export * from './slice.js';
export * from './concat.js';
export * from './split.js';
export * from './pad.js';
export * from './indices.js';
export * from './gather.js';
export * from './one_hot.js';
// linear algebra
export * from './matmul.js';
export * from './addmm.js';
export * from './linear.js';
// images (NCHW)
export * from './conv_util.js';
export * from './conv2d.js';
export * from './conv_transpose2d.js';
export * from './conv1d.js';
export * from './conv_transpose1d.js';
export * from './max_pool2d.js';
export * from './avg_pool2d.js';
export * from './adaptive_avg_pool2d.js';
export * from './adaptive_max_pool2d.js';
export * from './batch_norm.js';
export * from './layer_norm.js';
export * from './group_norm.js';
export * from './instance_norm.js';
export * from './local_response_norm.js';
export * from './upsample.js';
export * from './dropout.js';
// gradient kernels, for @nn/autograd
export * from './grad_ops.js';
