/**
 * nn.Transformer.generate_square_subsequent_mask: the float [size, size] mask with -inf
 * above the diagonal and 0 elsewhere, so that position t attends only to positions ≤ t.
 * It is additive (PyTorch's float-mask meaning), for attnMask / srcMask / tgtMask.
 */
import { tensor, type Tensor } from '@nn/tensor';

export function generateSquareSubsequentMask(size: number, columns = size): Tensor {
  if (!Number.isInteger(size) || size < 1 || !Number.isInteger(columns) || columns < 1) {
    throw new Error(`generateSquareSubsequentMask: size must be a positive integer, got ${size}${columns === size ? '' : ` by ${columns}`}`);
  }
  const values = new Float32Array(size * columns);
  for (let i = 0; i < size; i++) for (let j = i + 1; j < columns; j++) values[i * columns + j] = -Infinity;
  return tensor(values, [size, columns]);
}
