/**
 * Weight initialisation, as torch.nn.init. Each function fills an existing tensor in place
 * (the handle keeps its identity, as PyTorch's trailing-underscore functions do) and returns
 * it; values come from the default generator, so `manualSeed(n)` makes them repeat.
 *
 * The draws are not PyTorch's bit for bit (our generator is not torch's Mersenne Twister);
 * the distributions and their parameters are.
 */
import { engine, getGenerator, sizeFromShape, type Generator, type Tensor } from '@nn/tensor';

export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'selu';

export type FanMode = 'fan_in' | 'fan_out';

export interface InitOptions {
  generator?: Generator;
}

/** The recommended gain for a nonlinearity (torch.nn.init.calculate_gain). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'conv_transpose1d':
    case 'conv_transpose2d':
    case 'conv_transpose3d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      if (!Number.isFinite(slope)) throw new Error(`calculateGain: negative slope ${slope} is not a number`);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new Error(`calculateGain: unsupported nonlinearity '${String(nonlinearity)}'`);
  }
}

/**
 * fan_in and fan_out of a weight: dim 1 and dim 0 times the receptive field (the product of
 * the remaining dims). A ConvTranspose2d weight [Cin, Cout/groups, kH, kW] gets
 * fan_in = Cout/groups·kH·kW, as in PyTorch.
 */
export function calculateFanInAndFanOut(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) throw new Error(`init: fan in and fan out need a tensor of at least 2 dimensions, got shape [${shape.join(',')}]`);
  const receptive = sizeFromShape(shape.slice(2));
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}

function fill(t: Tensor, op: string, draw: (gen: Generator) => number, options: InitOptions): Tensor {
  if (t.isDisposed) throw new Error(`${op}: the tensor has been disposed`);
  if (t.dtype !== 'float32') throw new Error(`${op}: expected a float32 tensor, got ${t.dtype}`);
  const gen = options.generator ?? getGenerator();
  const values = new Float32Array(t.size);
  for (let i = 0; i < values.length; i++) values[i] = draw(gen);
  const made = engine().makeTensor(values, t.shape, 'float32');
  engine().assign(t, made);
  made.dispose();
  return t;
}

/** U(a, b). */
export function uniform(t: Tensor, a = 0, b = 1, options: InitOptions = {}): Tensor {
  if (!(a <= b)) throw new Error(`uniform: need a <= b, got a=${a}, b=${b}`);
  return fill(t, 'uniform', (g) => a + (b - a) * g.nextFloat(), options);
}

/** N(mean, std²). */
export function normal(t: Tensor, mean = 0, std = 1, options: InitOptions = {}): Tensor {
  if (!(std >= 0)) throw new Error(`normal: std must be non-negative, got ${std}`);
  return fill(t, 'normal', (g) => mean + std * g.nextNormal(), options);
}

/** N(mean, std²) redrawn until inside [a, b] (absolute bounds, as torch's trunc_normal_). */
export function truncNormal(t: Tensor, mean = 0, std = 1, a = -2, b = 2, options: InitOptions = {}): Tensor {
  if (!(std > 0) || !(a < b)) throw new Error(`truncNormal: need std > 0 and a < b, got std=${std}, a=${a}, b=${b}`);
  if ((b - mean) / std < -6 || (a - mean) / std > 6) throw new Error(`truncNormal: [${a}, ${b}] is more than 6 std from the mean ${mean}`);
  return fill(
    t,
    'truncNormal',
    (g) => {
      for (;;) {
        const v = mean + std * g.nextNormal();
        if (v >= a && v <= b) return v;
      }
    },
    options,
  );
}

export function constant(t: Tensor, value: number): Tensor {
  return fill(t, 'constant', () => value, {});
}

export function zeros(t: Tensor): Tensor {
  return constant(t, 0);
}

export function ones(t: Tensor): Tensor {
  return constant(t, 1);
}

export interface XavierOptions extends InitOptions {
  gain?: number;
}

/** Glorot & Bengio (2010): U(-a, a), a = gain·sqrt(6 / (fan_in + fan_out)). */
export function xavierUniform(t: Tensor, options: XavierOptions = {}): Tensor {
  const { fanIn, fanOut } = calculateFanInAndFanOut(t.shape);
  const bound = (options.gain ?? 1) * Math.sqrt(6 / (fanIn + fanOut));
  return fill(t, 'xavierUniform', (g) => bound * (2 * g.nextFloat() - 1), options);
}

/** Glorot & Bengio (2010): N(0, std²), std = gain·sqrt(2 / (fan_in + fan_out)). */
export function xavierNormal(t: Tensor, options: XavierOptions = {}): Tensor {
  const { fanIn, fanOut } = calculateFanInAndFanOut(t.shape);
  const std = (options.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut));
  return fill(t, 'xavierNormal', (g) => std * g.nextNormal(), options);
}

export interface KaimingOptions extends InitOptions {
  /** Negative slope of the rectifier after this layer (for leaky_relu). Default 0. */
  a?: number;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
}

function kaimingStd(op: string, t: Tensor, options: KaimingOptions): number {
  const mode = options.mode ?? 'fan_in';
  if (mode !== 'fan_in' && mode !== 'fan_out') throw new Error(`${op}: mode must be 'fan_in' or 'fan_out', got '${String(mode)}'`);
  const { fanIn, fanOut } = calculateFanInAndFanOut(t.shape);
  const fan = mode === 'fan_in' ? fanIn : fanOut;
  if (fan === 0) return 0;
  const gain = calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0);
  return gain / Math.sqrt(fan);
}

/** He et al. (2015): U(-b, b), b = gain·sqrt(3 / fan). */
export function kaimingUniform(t: Tensor, options: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd('kaimingUniform', t, options);
  return fill(t, 'kaimingUniform', (g) => bound * (2 * g.nextFloat() - 1), options);
}

/** He et al. (2015): N(0, std²), std = gain / sqrt(fan). */
export function kaimingNormal(t: Tensor, options: KaimingOptions = {}): Tensor {
  const std = kaimingStd('kaimingNormal', t, options);
  return fill(t, 'kaimingNormal', (g) => std * g.nextNormal(), options);
}

/**
 * PyTorch's default for Linear and ConvNd (their reset_parameters): weight by
 * kaiming_uniform_(a=√5), i.e. U(-1/√fan_in, 1/√fan_in), and bias U(-1/√fan_in, 1/√fan_in).
 */
export function defaultLinearInit(weight: Tensor, bias: Tensor | null): void {
  kaimingUniform(weight, { a: Math.sqrt(5) });
  if (bias !== null) {
    const { fanIn } = calculateFanInAndFanOut(weight.shape);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform(bias, -bound, bound);
  }
}
