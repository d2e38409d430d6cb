/**
 * Reductions: the gradient of a reduced value is spread back over the elements it came
 * from. `kept(dy)` restores the reduced axes as size 1 so that dy broadcasts against x.
 */
import {
  arange,
  argmax,
  argmin,
  broadcastTo,
  cast,
  div,
  eq,
  exp,
  KernelName,
  mul,
  prod,
  reducedShape,
  reshape,
  sub,
  sum,
  where,
  type AxisAttrs,
  type ReduceAttrs,
  type Shape,
  type Tensor,
} from '@nn/tensor';
import { gradient, type GradientTable } from './types.js';

/**
 * Max/Min reduction attributes as autograd reads them. `ties: 'first'` (set by
 * maxWithIndices/minWithIndices, i.e. torch.max(x, dim)) sends the gradient to the index
 * those ops return; otherwise (torch.max(x), amax) it is shared evenly among tied extremes.
 */
export interface ExtremumAttrs extends ReduceAttrs {
  ties?: 'even' | 'first';
}

/** dy with the reduced axes put back as size 1. */
function kept(dy: Tensor, xShape: Shape, attrs: ReduceAttrs): Tensor {
  return attrs.keepDim ? dy : reshape(dy, reducedShape(xShape, attrs.axes, true));
}

function extremumGrad(kind: 'max' | 'min') {
  return gradient<ExtremumAttrs>({
    saveInputs: ['x'],
    saveOutputs: true,
    grad: (dy, { input, output, attrs }) => {
      const x = input('x');
      const g = kept(dy, x.shape, attrs);
      if (attrs.ties === 'first' && attrs.axes.length === 1 && x.rank > 0) {
        // The index maxWithIndices returned: the first extreme along the axis.
        const axis = attrs.axes[0];
        const index = kind === 'max' ? argmax(x, axis, { keepDim: true }) : argmin(x, axis, { keepDim: true });
        const positions = reshape(arange(x.shape[axis]), x.shape.map((d, i) => (i === axis ? d : 1)));
        return { x: where(eq(positions, index), g, 0) };
      }
      const chosen = cast(eq(x, kept(output(), x.shape, attrs)), 'float32');
      const count = sum(chosen, attrs.axes, { keepDim: true });
      return { x: mul(div(chosen, count), g) };
    },
  });
}

export const reduceGradients: GradientTable = {
  [KernelName.Sum]: gradient<ReduceAttrs>({
    grad: (dy, { inputShape, attrs }) => ({ x: broadcastTo(kept(dy, inputShape('x'), attrs), inputShape('x')) }),
  }),
  // d prod / d x_i = product of the others. With no zero in a slice that is y / x_i; with one
  // zero only that element gets the product of the rest; with two or more everything is 0.
  [KernelName.Prod]: gradient<ReduceAttrs>({
    saveInputs: ['x'],
    grad: (dy, { input, attrs }) => {
      const x = input('x');
      const g = kept(dy, x.shape, attrs);
      const isZero = eq(x, 0);
      const nonZero = where(isZero, 1, x);
      const others = prod(nonZero, attrs.axes, { keepDim: true });
      const zeros = sum(isZero, attrs.axes, { keepDim: true });
      const perElement = where(isZero, where(eq(zeros, 1), others, 0), where(eq(zeros, 0), div(others, nonZero), 0));
      return { x: mul(perElement, g) };
    },
  }),
  [KernelName.Max]: extremumGrad('max'),
  [KernelName.Min]: extremumGrad('min'),
  // y = softmax(x): dx = y (dy - sum(dy y))
  [KernelName.Softmax]: gradient<AxisAttrs>({
    saveOutputs: true,
    grad: (dy, { output, attrs }) => {
      const y = output();
      return { x: mul(y, sub(dy, sum(mul(dy, y), attrs.axis, { keepDim: true }))) };
    },
  }),
  // y = log softmax(x): dx = dy - exp(y) sum(dy)
  [KernelName.LogSoftmax]: gradient<AxisAttrs>({
    saveOutputs: true,
    grad: (dy, { output, attrs }) => ({ x: sub(dy, mul(exp(output()), sum(dy, attrs.axis, { keepDim: true }))) }),
  }),
};
