/**
 * matmul of two square float32 matrices, 256, 512 and 1024: the GEMM that linear layers and
 * the im2col convolutions stand on. Both sides multiply the same values.
 */
import { matmul, tensor } from '@nn/tensor';
import '@nn/backend-cpu';
import type { BenchCase } from '../types.js';
import { values } from '../values.js';

function matmulCase(size: number): BenchCase {
  const a = values(size * size, size);
  const b = values(size * size, size + 1);
  return {
    group: 'matmul',
    name: `${size}×${size}`,
    flops: 2 * size * size * size,
    ours: () => {
      const x = tensor(a, [size, size]);
      const y = tensor(b, [size, size]);
      return {
        run: () => {
          const product = matmul(x, y);
          product.dataSync();
          product.dispose();
        },
        dispose: () => {
          x.dispose();
          y.dispose();
        },
      };
    },
    peer: (tf) => {
      const x = tf.tensor2d(a, [size, size]);
      const y = tf.tensor2d(b, [size, size]);
      return {
        run: () => {
          const product = tf.matMul(x, y);
          product.dataSync();
          product.dispose();
        },
        dispose: () => {
          x.dispose();
          y.dispose();
        },
      };
    },
  };
}

export const cases: BenchCase[] = [256, 512, 1024].map(matmulCase);
