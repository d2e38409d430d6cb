/**
 * clip (alias clamp): min(max(x, min), max), as torch.clamp. Either bound may be left out
 * (not both); min > max gives max everywhere; NaN in x stays NaN. Scalar bounds run one
 * Clip kernel; tensor bounds broadcast through maximum/minimum.
 */
import { toTensor, type TensorLike } from '../convert.js';
import { KernelName, type ClipAttrs } from '../kernel_names.js';
import { Tensor } from '../tensor.js';
import { maximum, minimum } from './binary.js';
import { cast } from './cast.js';
import { runKernel } from './run.js';

type Bound = number | Tensor | null | undefined;

function checkBound(name: string, value: Bound): void {
  if (value == null || value instanceof Tensor) return;
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new Error(`clip: ${name} must be a number, a tensor or undefined, got ${typeof value === 'number' ? 'NaN' : String(value)}`);
  }
}

export function clip(x: TensorLike, min?: Bound, max?: Bound): Tensor {
  let t = toTensor(x, 'clip', 'x');
  checkBound('min', min);
  checkBound('max', max);
  if (min == null && max == null) throw new Error('clip: at least one of min and max must be given');
  if (min instanceof Tensor || max instanceof Tensor) {
    const lower = min == null ? t : maximum(t, min);
    return max == null ? lower : minimum(lower, max);
  }
  // Integer input stays integer with integer bounds; a fractional bound makes it float, as torch.clamp.
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  const integral = (v: number): boolean => Number.isInteger(v) || !Number.isFinite(v);
  const dtype = t.dtype === 'float32' || !integral(lo) || !integral(hi) ? 'float32' : 'int32';
  if (t.dtype !== dtype) t = cast(t, dtype);
  const attrs: ClipAttrs = { min: lo, max: hi };
  return runKernel(KernelName.Clip, { x: t }, attrs);
}

/** Alias of clip, as torch.clamp. */
export const clamp = clip;

declare module '../tensor.js' {
  interface Tensor {
    clip(min?: Bound, max?: Bound): Tensor;
    clamp(min?: Bound, max?: Bound): Tensor;
  }
}

Tensor.prototype.clip = function (this: Tensor, min?: Bound, max?: Bound) { return clip(this, min, max); };
Tensor.prototype.clamp = function (this: Tensor, min?: Bound, max?: Bound) { return clip(this, min, max); };
