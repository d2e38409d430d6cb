/** oneHot, as F.one_hot: int32 class indices to int32 rows of zeros with a one at the class. */
import type { TensorLike } from '../convert.js';
import { engine } from '../engine.js';
import { KernelName, type OneHotAttrs } from '../kernel_names.js';
import { assertTensorSize, formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { assertIndicesInRange, toIndexTensor } from './indices.js';
import { runKernel } from './run.js';

/**
 * Output shape [...indices.shape, numClasses]. With numClasses = -1 (the default) it is one
 * more than the largest index. An index outside [0, numClasses) is an error (unchecked, and an
 * all-zero row, where the backend cannot read the indices synchronously: computed on WebGPU).
 */
export function oneHot(indices: TensorLike, numClasses = -1): Tensor {
  return engine().tidy(() => {
    const op = 'oneHot';
    const idx = toIndexTensor(indices, op, 'indices');
    if (!Number.isInteger(numClasses) || numClasses < -1) throw new Error(`${op}: numClasses must be a non-negative integer or -1, got ${numClasses}`);
    let depth = numClasses;
    if (depth === -1) {
      if (idx.size === 0) throw new Error(`${op}: cannot infer numClasses from empty indices ${formatShape(idx.shape)}; pass numClasses`);
      if (!engine().canReadSync(idx)) {
        throw new Error(`${op}: numClasses = -1 reads the indices, which backend '${engine().backendOf(idx).name}' cannot do synchronously for a computed tensor; pass numClasses`);
      }
      const values = idx.dataSync();
      depth = 0;
      for (let i = 0; i < values.length; i++) depth = Math.max(depth, values[i] + 1);
    }
    assertTensorSize(op, [...idx.shape, depth], 'output shape');
    assertIndicesInRange(op, idx, depth, `for numClasses ${depth}`);
    const attrs: OneHotAttrs = { depth };
    return runKernel(KernelName.OneHot, { indices: idx }, attrs);
  });
}

declare module '../tensor.js' {
  interface Tensor {
    oneHot(numClasses?: number): Tensor;
  }
}

Tensor.prototype.oneHot = function (this: Tensor, numClasses?: number) { return oneHot(this, numClasses); };
