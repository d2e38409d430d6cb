/**
 * dropout / dropout2d: inverted dropout, as PyTorch's F.dropout and F.dropout2d. In training
 * each element (or, for dropout2d, each whole channel) is zeroed with probability p and the
 * survivors scaled by 1/(1-p), so the expected value is unchanged and evaluation needs no
 * rescaling. The mask is drawn on the JavaScript side from the seedable generator (one draw
 * per element or channel, in row-major order, keep when draw >= p, as `bernoulli(1-p)`), so a
 * `manualSeed` makes it repeat on every backend; the output is then `x * mask`, an ordinary
 * multiply that autograd differentiates with the mask as a constant.
 */
import { assertDType, tensor, toTensor, type TensorLike } from '../convert.js';
import { getGenerator, type Generator } from '../random.js';
import { formatShape, sizeFromShape, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { mul } from './binary.js';
import { checkNoExtra, parseOptions } from './options.js';

export interface DropoutOptions {
  /** Probability of zeroing an element (a channel, for dropout2d). Default 0.5. */
  p?: number;
  /** Drop only when training; otherwise the identity. Default true, as F.dropout. */
  training?: boolean;
  /** The random source of the mask. Default: the global generator (manualSeed). */
  generator?: Generator;
}

const DROPOUT_KEYS = ['p', 'training', 'generator'] as const;

function checkDropout(op: string, x: TensorLike, options: DropoutOptions | undefined, extra: readonly unknown[]): [Tensor, Required<DropoutOptions>] {
  const { p = 0.5, training = true, generator = getGenerator() } = parseOptions(op, options, DROPOUT_KEYS);
  checkNoExtra(op, extra, DROPOUT_KEYS);
  const input = toTensor(x, op, 'input');
  assertDType(op, 'input', input, ['float32']);
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new Error(`${op}: probability p must be in [0, 1], got ${String(p)}`);
  if (typeof training !== 'boolean') throw new Error(`${op}: training must be a boolean, got ${String(training)}`);
  return [input, { p, training, generator }];
}

/** The scaled keep mask of `shape`: 1/(1-p) with probability 1-p, else 0. */
function scaledMask(shape: Shape, p: number, generator: Generator): Tensor {
  const scale = 1 / (1 - p);
  const values = new Float32Array(sizeFromShape(shape));
  for (let i = 0; i < values.length; i++) values[i] = generator.nextFloat() < 1 - p ? scale : 0;
  return tensor(values, shape);
}

/** Zeroes elements with probability p and scales the rest by 1/(1-p); the identity unless training. */
export function dropout(x: TensorLike, options?: DropoutOptions, ...extra: never[]): Tensor {
  const [input, { p, training, generator }] = checkDropout('dropout', x, options, extra);
  if (!training) return input;
  // p = 1 multiplies by zero, as PyTorch, so NaN and infinity still show through.
  if (p === 1) return mul(input, 0);
  const mask = scaledMask(input.shape, p, generator);
  const out = mul(input, mask);
  mask.dispose();
  return out;
}

/**
 * Zeroes whole channels of [N, C, H, W] (or unbatched [C, H, W]) input with probability p,
 * scaling the kept channels by 1/(1-p): spatially correlated features drop together.
 */
export function dropout2d(x: TensorLike, options?: DropoutOptions, ...extra: never[]): Tensor {
  const op = 'dropout2d';
  const [input, { p, training, generator }] = checkDropout(op, x, options, extra);
  if (input.rank !== 3 && input.rank !== 4) {
    throw new Error(`${op}: input must be 4-D [N, C, H, W] or 3-D [C, H, W], got shape ${formatShape(input.shape)}`);
  }
  if (!training) return input;
  if (p === 1) return mul(input, 0);
  const channelShape = input.shape.map((d, i) => (i < input.rank - 2 ? d : 1));
  const mask = scaledMask(channelShape, p, generator);
  const out = mul(input, mask);
  mask.dispose();
  return out;
}

declare module '../tensor.js' {
  interface Tensor {
    dropout(options?: DropoutOptions): Tensor;
    dropout2d(options?: DropoutOptions): Tensor;
  }
}

Tensor.prototype.dropout = function (this: Tensor, ...args: [options?: DropoutOptions, ...extra: never[]]) {
  return dropout(this, ...args);
};
Tensor.prototype.dropout2d = function (this: Tensor, ...args: [options?: DropoutOptions, ...extra: never[]]) {
  return dropout2d(this, ...args);
};
