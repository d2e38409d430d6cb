/**
 * @nn/layers: Module and Parameter, layers, losses, optimizers, learning-rate schedulers,
 * weight initialisation, model summaries, safetensors checkpoints and PyTorch .pt files (bytes here; files in
 * '@nn/layers/node').
 */
// Installs backward() and friends on Tensor: training with these layers needs them.
import '@nn/autograd';

export { isParameter, Module, parameter, stateKey, type AnyModule, type LoadResult } from './module.js';
export { summary, type ModelSummary, type SummaryOptions, type SummaryRow } from './summary.js';
export * as init from './init.js';
export type { FanMode, InitOptions, KaimingOptions, Nonlinearity, XavierOptions } from './init.js';

// layers
export * from './layers/activation.js';
export * from './layers/attention.js';
export * from './layers/causal_mask.js';
export * from './layers/containers.js';
export * from './layers/conv.js';
export * from './layers/dropout.js';
export * from './layers/embedding.js';
export * from './layers/group_norm.js';
export * from './layers/instance_norm.js';
export * from './layers/linear.js';
export * from './layers/normalization.js';
export * from './layers/pooling.js';
export * from './layers/positional_encoding.js';
export * from './layers/recurrent.js';
export * from './layers/recurrent_cells.js';
export * from './layers/shape.js';
export * from './layers/transformer.js';
export * from './layers/transformer_decoder.js';
export type { TransformerActivation, TransformerLayerOptions, TransformerStackOptions } from './layers/transformer_options.js';

// losses
export * from './losses/functional.js';
export * from './losses/box.js';
export * from './losses/modules.js';
export * from './losses/kl_div.js';

// optimizers
export * from './optim/optimizer.js';
export * from './optim/sgd.js';
export * from './optim/adam.js';
export * from './optim/rmsprop.js';
export * from './optim/adagrad.js';
export * from './optim/lr_scheduler.js';
export * from './optim/clip_grad.js';
export * from './metrics/index.js'; // metrics (accuracy, top-k error, RMSE, IoU, box IoU, mAP, ...)
export * from './fit.js'; // the training loop: fit, evaluate, predict
export * from './callbacks.js'; // EarlyStopping, ProgressLogger (ModelCheckpoint is in '@nn/layers/node')
export { exportOnnx, type ExportOnnxOptions } from './onnx/export.js'; // ONNX files (saveOnnx is in '@nn/layers/node')

// checkpoints
export {
  DEFAULT_MAX_TENSORS,
  emptyDict,
  findDuplicateKey,
  fromBytes,
  fromBytesWithMetadata,
  MAX_HEADER_BYTES,
  MAX_HEADER_DEPTH,
  readHeader,
  SafetensorsError,
  toBytes,
  type ReadOptions,
  type SafetensorsEntry,
  type SafetensorsHeader,
  type StateDict,
  type WriteOptions,
} from './safetensors.js';
export {
  DEFAULT_MAX_PYTORCH_BYTES,
  loadPytorch,
  loadPytorchWithMetadata,
  PytorchError,
  type PytorchCheckpoint,
  type PytorchReadOptions,
} from './pytorch.js'; // .pt/.pth files written by torch.save (files in '@nn/layers/node')
