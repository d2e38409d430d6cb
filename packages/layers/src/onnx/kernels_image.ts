/**
 * The image kernels (NCHW) as ONNX nodes: convolutions, pooling with PyTorch's ceil mode,
 * adaptive pooling, local response normalisation and resizing.
 */
import type { KernelContext, KernelMapping } from './graph.js';
import { float, int, ints, string, type OnnxAttribute } from './proto.js';

/** Our paddings [top, bottom, left, right] in ONNX's order [top, left, bottom, right]. */
const onnxPads = (p: readonly number[]): number[] => [p[0], p[2], p[1], p[3]];

/** PyTorch's ceil_mode, read back from the output size the op computed. */
function ceilMode(c: KernelContext, kernel: readonly number[], dilation: readonly number[]): OnnxAttribute {
  const [, , h, w] = c.staticDims('x', [2, 3]);
  const stride = c.attr<number[]>('stride');
  const padding = c.attr<number[]>('padding');
  const out = c.attr<number[]>('outputSize');
  const floorOut = (size: number, k: number, s: number, d: number, before: number, after: number): number =>
    Math.floor((size + before + after - d * (k - 1) - 1) / s) + 1;
  const floorH = floorOut(h, kernel[0], stride[0], dilation[0], padding[0], padding[1]);
  const floorW = floorOut(w, kernel[1], stride[1], dilation[1], padding[2], padding[3]);
  return int(out[0] !== floorH || out[1] !== floorW ? 1 : 0);
}

/**
 * Adaptive pooling: window i of n over a size-`size` axis spans floor(i·size/n) to
 * ceil((i+1)·size/n). Even windows are a plain pool; uneven ones are pooled one axis at a
 * time (a rectangle's mean is the mean of its row means, its max the max of row maxima).
 */
const adaptivePool = (kind: 'Average' | 'Max'): KernelMapping => (c) => {
  if (kind === 'Max' && c.outputUsed(1)) c.fail('its indices output has no ONNX counterpart');
  const [, , h, w] = c.staticDims('x', [2, 3]);
  const [oh, ow] = c.attr<number[]>('outputSize');
  if (oh === 1 && ow === 1) return c.node(`Global${kind}Pool`, [c.input('x')], {}, [c.output()]);
  if (h % oh === 0 && w % ow === 0) {
    const kernel = [h / oh, w / ow];
    return c.node(`${kind}Pool`, [c.input('x')], { kernel_shape: ints(kernel), strides: ints(kernel) }, [c.output()]);
  }
  const reduceOp = kind === 'Average' ? 'ReduceMean' : 'ReduceMax';
  const along = (value: string, axis: number, size: number, n: number, out?: string): string => {
    const parts = [...Array(n).keys()].map((i) => {
      const begin = Math.floor((i * size) / n);
      const end = Math.ceil(((i + 1) * size) / n);
      const slice = c.node('Slice', [value, c.constant([begin], 'int64'), c.constant([end], 'int64'), c.constant([axis], 'int64')]);
      return c.opset >= 18
        ? c.node(reduceOp, [slice, c.constant([axis], 'int64')], { keepdims: int(1) })
        : c.node(reduceOp, [slice], { axes: ints([axis]), keepdims: int(1) });
    });
    return c.node('Concat', parts, { axis: int(axis) }, out ? [out] : undefined);
  };
  along(along(c.input('x'), 2, h, oh), 3, w, ow, c.output());
};

const bits = new Float32Array(1);
const bitsAsInt = new Int32Array(bits.buffer);

/**
 * The float32 factor whose ONNX output size floor(size·factor) is `out`, nearest to
 * 1/scale: the op kept only scale = fround(1/factor), and its reciprocal may land one
 * float32 step off the user's factor (1/fround(1/1.7) is 1.6999999, and 10 × that is 16).
 */
function scaleFactor(size: number, out: number, scale: number): number | null {
  bits[0] = 1 / scale;
  for (let step = 0; step < 8; step++) {
    const f = bits[0];
    const got = Math.floor(size * f);
    if (got === out) return f;
    bitsAsInt[0] += got < out ? 1 : -1;
  }
  return null;
}

/** ONNX Resize: `sizes` follow PyTorch's in/out scale; a user's scale factor goes in as `scales`. */
const resize = (mode: 'nearest' | 'linear'): KernelMapping => (c) => {
  const [, , h, w] = c.staticDims('x', [2, 3]);
  const [oh, ow] = c.attr<number[]>('outputSize');
  const scales = c.attr<number[]>('scales');
  const alignCorners = c.attr<boolean>('alignCorners') && mode === 'linear';
  const attributes: Record<string, OnnxAttribute> =
    mode === 'nearest'
      ? { mode: string('nearest'), coordinate_transformation_mode: string('asymmetric'), nearest_mode: string('floor') }
      : { mode: string('linear'), coordinate_transformation_mode: string(alignCorners ? 'align_corners' : 'half_pixel') };
  const fromSizes = (size: number, out: number, scale: number): boolean => Math.abs(scale - Math.fround(size / out)) <= 1e-6 * scale;
  if (alignCorners || (fromSizes(h, oh, scales[0]) && fromSizes(w, ow, scales[1]))) {
    const sizes = c.int64s((r) => [...r.inputShape('x').slice(0, 2), oh, ow]);
    return c.node('Resize', [c.input('x'), '', '', sizes], attributes, [c.output()]);
  }
  const factors = [scaleFactor(h, oh, scales[0]), scaleFactor(w, ow, scales[1])];
  if (factors.includes(null)) c.fail(`no float32 scale factor near 1/[${scales.join(',')}] gives its output size [${oh},${ow}] in ONNX`);
  c.node('Resize', [c.input('x'), '', c.constant([1, 1, ...(factors as number[])], 'float32')], attributes, [c.output()]);
};

export const IMAGE_KERNEL_MAPPINGS: Readonly<Record<string, KernelMapping>> = {
  Conv2D: (c) => {
    const [, , kh, kw] = c.shape('weight');
    c.node('Conv', [c.input('x'), c.input('weight')], {
      kernel_shape: ints([kh, kw]),
      strides: ints(c.attr<number[]>('stride')),
      pads: ints(onnxPads(c.attr<number[]>('padding'))),
      dilations: ints(c.attr<number[]>('dilation')),
      group: int(c.attr<number>('groups')),
    }, [c.output()]);
  },
  // Run in a forward pass, this is the transposed convolution (ConvTranspose2d).
  Conv2DBackpropInput: (c) => {
    const [, , kh, kw] = c.shape('weight');
    const [, , h, w] = c.staticDims('dy', [2, 3]);
    const stride = c.attr<number[]>('stride');
    const dilation = c.attr<number[]>('dilation');
    const padding = c.attr<number[]>('padding');
    const [outA, outB] = c.both((r) => (r.attrs.inputShape as number[]).slice(2));
    if (outA[0] !== outB[0] || outA[1] !== outB[1]) c.fail('its output height and width follow the batch size');
    // ONNX's output size is stride·(in − 1) + dilation·(k − 1) + 1 − pads + output_padding.
    const natural = (size: number, k: number, s: number, d: number, before: number, after: number): number => s * (size - 1) + d * (k - 1) + 1 - before - after;
    const outputPadding = [outA[0] - natural(h, kh, stride[0], dilation[0], padding[0], padding[1]), outA[1] - natural(w, kw, stride[1], dilation[1], padding[2], padding[3])];
    c.node('ConvTranspose', [c.input('dy'), c.input('weight')], {
      kernel_shape: ints([kh, kw]),
      strides: ints(stride),
      pads: ints(onnxPads(padding)),
      dilations: ints(dilation),
      group: int(c.attr<number>('groups')),
      output_padding: ints(outputPadding),
    }, [c.output()]);
  },
  MaxPool2D: (c) => {
    if (c.outputUsed(1)) c.fail('its indices output has no ONNX counterpart');
    const kernel = c.attr<number[]>('kernelSize');
    const dilation = c.attr<number[]>('dilation');
    c.node('MaxPool', [c.input('x')], {
      kernel_shape: ints(kernel),
      strides: ints(c.attr<number[]>('stride')),
      pads: ints(onnxPads(c.attr<number[]>('padding'))),
      dilations: ints(dilation),
      ceil_mode: ceilMode(c, kernel, dilation),
    }, [c.output()]);
  },
  AvgPool2D: (c) => {
    const kernel = c.attr<number[]>('kernelSize');
    const ceil = ceilMode(c, kernel, [1, 1]);
    const divisor = c.attr<number | null>('divisorOverride');
    const countIncludePad = c.attr<boolean>('countIncludePad') || divisor !== null;
    if (divisor !== null && ceil.value === 1) c.fail('divisorOverride with ceilMode has no ONNX counterpart');
    const attributes = {
      kernel_shape: ints(kernel),
      strides: ints(c.attr<number[]>('stride')),
      pads: ints(onnxPads(c.attr<number[]>('padding'))),
      count_include_pad: int(countIncludePad ? 1 : 0),
      ceil_mode: ceil,
    };
    if (divisor === null) return c.node('AveragePool', [c.input('x')], attributes, [c.output()]);
    // Every window then holds kh·kw taps: the sum over it is the average times kh·kw.
    const average = c.node('AveragePool', [c.input('x')], attributes);
    c.node('Mul', [average, c.scalarLike('x', (kernel[0] * kernel[1]) / divisor)], {}, [c.output()]);
  },
  AdaptiveAvgPool2D: adaptivePool('Average'),
  AdaptiveMaxPool2D: adaptivePool('Max'),
  LRN: (c) => {
    // PyTorch pads the channel window by size/2 before and (size-1)/2 after; ONNX the other way round, the same for odd sizes.
    const size = c.attr<number>('size');
    if (size % 2 === 0) c.fail(`an even size (${size}) centres the window differently in ONNX's LRN`);
    c.node('LRN', [c.input('x')], { size: int(size), alpha: float(c.attr<number>('alpha')), beta: float(c.attr<number>('beta')), bias: float(c.attr<number>('k')) }, [c.output()]);
  },
  ResizeNearest: resize('nearest'),
  ResizeBilinear: resize('linear'),
};
