/**
 * Elementwise calculus: unary ops, broadcasting binary ops and where. `x`/`y` below are a
 * kernel's input/output, `dy` the gradient of the output; binary gradients are summed back
 * to each operand's shape. Rules (and their tie and boundary conventions) follow PyTorch's
 * derivatives.yaml.
 */
import {
  add,
  cos,
  div,
  eq,
  exp,
  ge,
  gelu,
  gt,
  KernelName,
  le,
  log,
  logicalAnd,
  lt,
  mul,
  pow,
  reluGrad,
  neg,
  sign,
  sigmoid,
  sin,
  square,
  sub,
  tanh,
  where,
  zeros,
  type ClipAttrs,
  type EluAttrs,
  type GeluAttrs,
  type LeakyReluAttrs,
  type SoftplusAttrs,
  type Tensor,
} from '@nn/tensor';
import { gradient, type GradientTable, type GradContext } from './types.js';
import { sumToShape } from './util.js';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** A unary gradient: dx from dy and the context. */
const unary = (saves: { input?: boolean; output?: boolean }, dx: (dy: Tensor, ctx: GradContext) => Tensor) => ({
  saveInputs: saves.input ? ['x'] : [],
  saveOutputs: saves.output ?? false,
  grad: (dy: Tensor, ctx: GradContext) => ({ x: dx(dy, ctx) }),
});

/** Floor, ceil, round and sign are flat almost everywhere: zero gradient, as PyTorch gives. */
const flat = unary({}, (_dy, ctx) => zeros(ctx.inputShape('x')));

/** Gradients for a and b of a broadcasting binary op, each summed back to its operand's shape. */
function binary(saveInputs: readonly string[], saveOutputs: boolean, da: (dy: Tensor, ctx: GradContext) => Tensor, db: (dy: Tensor, ctx: GradContext) => Tensor) {
  return {
    saveInputs,
    saveOutputs,
    grad: (dy: Tensor, ctx: GradContext) => ({
      a: ctx.needs('a') ? sumToShape(da(dy, ctx), ctx.inputShape('a')) : undefined,
      b: ctx.needs('b') ? sumToShape(db(dy, ctx), ctx.inputShape('b')) : undefined,
    }),
  };
}

/**
 * torch.maximum/minimum: dy goes to the operand that was chosen; where a and b tie, each
 * gets half. `loses(a, b)` says where a was not chosen.
 */
function extremum(loses: (a: Tensor, b: Tensor) => Tensor) {
  const share = (dy: Tensor, self: Tensor, other: Tensor): Tensor => where(loses(self, other), 0, where(eq(self, other), mul(dy, 0.5), dy));
  return binary(['a', 'b'], false, (dy, { input }) => share(dy, input('a'), input('b')), (dy, { input }) => share(dy, input('b'), input('a')));
}

export const elementwiseGradients: GradientTable = {
  [KernelName.Neg]: unary({}, (dy) => neg(dy)),
  [KernelName.Abs]: unary({ input: true }, (dy, { input }) => mul(dy, sign(input('x')))),
  [KernelName.Exp]: unary({ output: true }, (dy, { output }) => mul(dy, output())),
  [KernelName.Log]: unary({ input: true }, (dy, { input }) => div(dy, input('x'))),
  [KernelName.Log1p]: unary({ input: true }, (dy, { input }) => div(dy, add(input('x'), 1))),
  [KernelName.Sqrt]: unary({ output: true }, (dy, { output }) => div(dy, mul(output(), 2))),
  // d/dx x^(-1/2) = -1/2 x^(-3/2) = -1/2 y^3
  [KernelName.Rsqrt]: unary({ output: true }, (dy, { output }) => mul(dy, mul(mul(square(output()), output()), -0.5))),
  [KernelName.Square]: unary({ input: true }, (dy, { input }) => mul(dy, mul(input('x'), 2))),
  [KernelName.Sin]: unary({ input: true }, (dy, { input }) => mul(dy, cos(input('x')))),
  [KernelName.Cos]: unary({ input: true }, (dy, { input }) => mul(dy, neg(sin(input('x'))))),
  [KernelName.Sign]: flat,
  [KernelName.Floor]: flat,
  [KernelName.Ceil]: flat,
  [KernelName.Round]: flat,
  [KernelName.Sigmoid]: unary({ output: true }, (dy, { output }) => mul(dy, mul(output(), sub(1, output())))),
  [KernelName.Tanh]: unary({ output: true }, (dy, { output }) => mul(dy, sub(1, square(output())))),
  // PyTorch's threshold_backward: dy where the output is positive (zero gradient at x = 0).
  [KernelName.Relu]: unary({ output: true }, (dy, { output }) => reluGrad(dy, output())),
  // dy ↦ reluGrad(dy, y) is linear in dy with the mask of y; the mask is flat in y.
  [KernelName.ReluGrad]: {
    saveInputs: ['y'],
    grad: (ddx: Tensor, { input, inputShape, needs }: GradContext) => ({
      dy: needs('dy') ? reluGrad(ddx, input('y')) : undefined,
      y: needs('y') ? zeros(inputShape('y')) : undefined,
    }),
  },
  [KernelName.LeakyRelu]: gradient<LeakyReluAttrs>({
    saveInputs: ['x'],
    grad: (dy, { input, attrs }) => ({ x: where(gt(input('x'), 0), dy, mul(dy, attrs.negativeSlope)) }),
  }),
  [KernelName.Elu]: gradient<EluAttrs>({
    saveInputs: ['x'],
    grad: (dy, { input, attrs }) => {
      const x = input('x');
      return { x: where(gt(x, 0), dy, mul(dy, mul(exp(x), attrs.alpha))) };
    },
  }),
  [KernelName.Gelu]: gradient<GeluAttrs>({
    saveInputs: ['x'],
    grad: (dy, { input, attrs }) => ({ x: mul(dy, attrs.approximate === 'tanh' ? geluTanhDerivative(input('x')) : geluDerivative(input('x'))) }),
  }),
  // Above the threshold softplus is the identity; below it the derivative is sigmoid(beta x).
  [KernelName.Softplus]: gradient<SoftplusAttrs>({
    saveInputs: ['x'],
    grad: (dy, { input, attrs }) => {
      const bx = mul(input('x'), attrs.beta);
      return { x: where(gt(bx, attrs.threshold), dy, mul(dy, sigmoid(bx))) };
    },
  }),
  // torch.clamp: the gradient passes where min <= x <= max, boundaries included.
  [KernelName.Clip]: gradient<ClipAttrs>({
    saveInputs: ['x'],
    grad: (dy, { input, attrs }) => {
      const x = input('x');
      return { x: where(ge(x, attrs.min), where(le(x, attrs.max), dy, 0), 0) };
    },
  }),
  // Only float-to-float casts carry a gradient (integer outputs never require one).
  [KernelName.Cast]: unary({}, (dy) => dy),

  [KernelName.Add]: binary([], false, (dy) => dy, (dy) => dy),
  [KernelName.Sub]: binary([], false, (dy) => dy, (dy) => neg(dy)),
  [KernelName.Mul]: binary(['a', 'b'], false, (dy, { input }) => mul(dy, input('b')), (dy, { input }) => mul(dy, input('a'))),
  [KernelName.Div]: binary(
    ['a', 'b'],
    false,
    (dy, { input }) => div(dy, input('b')),
    // -dy a / b^2
    (dy, { input }) => neg(div(mul(dy, input('a')), square(input('b')))),
  ),
  [KernelName.Pow]: binary(
    ['a', 'b'],
    true,
    // dy b a^(b-1), taken as 0 where b == 0 (so 0^0 does not give NaN)
    (dy, { input }) => {
      const [a, b] = [input('a'), input('b')];
      return where(eq(b, 0), 0, mul(dy, mul(b, pow(a, sub(b, 1)))));
    },
    // dy y log(a), taken as 0 where a == 0 and b >= 0 (PyTorch's pow_backward_exponent)
    (dy, { input, output }) => {
      const [a, b] = [input('a'), input('b')];
      return where(logicalAnd(eq(a, 0), ge(b, 0)), 0, mul(dy, mul(output(), log(a))));
    },
  ),
  [KernelName.Maximum]: extremum(lt),
  [KernelName.Minimum]: extremum(gt),
  [KernelName.Where]: {
    saveInputs: ['condition'],
    grad: (dy, { input, inputShape, needs }) => {
      const condition = input('condition');
      return {
        a: needs('a') ? sumToShape(where(condition, dy, 0), inputShape('a')) : undefined,
        b: needs('b') ? sumToShape(where(condition, 0, dy), inputShape('b')) : undefined,
      };
    },
  },
};

/** d/dx x Φ(x) = Φ(x) + x φ(x); Φ(x) = gelu(x)/x (1/2 at 0) avoids needing an erf op. */
function geluDerivative(x: Tensor): Tensor {
  const cdf = where(eq(x, 0), 0.5, div(gelu(x), x));
  const pdf = mul(exp(mul(square(x), -0.5)), INV_SQRT_2PI);
  return add(cdf, mul(x, pdf));
}

/** Derivative of 0.5 x (1 + tanh(u)), u = sqrt(2/pi) (x + 0.044715 x^3). */
function geluTanhDerivative(x: Tensor): Tensor {
  const x2 = square(x);
  const u = mul(mul(x, add(mul(x2, 0.044715), 1)), SQRT_2_OVER_PI);
  const t = tanh(u);
  const du = mul(add(mul(x2, 3 * 0.044715), 1), SQRT_2_OVER_PI);
  return add(mul(add(t, 1), 0.5), mul(mul(mul(x, 0.5), sub(1, square(t))), du));
}
