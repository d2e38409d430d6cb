/**
 * Broadcasting binary kernels, all built by `binaryKernel(expr)`, and where(condition, a, b).
 * Semantics as backend-cpu's binary.ts: NaN wins in maximum/minimum, C's pow, comparisons
 * and logical ops give bool (0/1), nonzero (NaN included) is true.
 */
import { broadcastShapes, KernelName, type DType } from '@nn/tensor';
import type { KernelSource } from '../codegen.js';
import { pow } from '../math.js';
import { broadcastRead, lazyCoords } from './broadcast.js';
import type { GpujsKernel, KernelConfig } from './types.js';

export type BinaryExpr = (src: KernelSource, a: string, b: string) => string;

export function binaryKernel(label: string, expr: BinaryExpr, outDType?: DType): GpujsKernel {
  return ({ inputs: { a, b }, backend }) => {
    const shape = broadcastShapes('binary', a.shape, b.shape);
    return backend.compute({
      label,
      shape,
      dtype: outDType ?? a.dtype,
      inputs: [a, b],
      body: (src, [ra, rb]) => {
        const coords = lazyCoords(src, shape);
        return expr(src, broadcastRead(src, ra, a.shape, shape, coords), broadcastRead(src, rb, b.shape, shape, coords));
      },
    });
  };
}

const where: GpujsKernel = ({ inputs: { condition, a, b }, backend }) => {
  const shape = broadcastShapes('where', broadcastShapes('where', condition.shape, a.shape), b.shape);
  return backend.compute({
    label: 'Where',
    shape,
    dtype: a.dtype,
    inputs: [condition, a, b],
    body: (src, [rc, ra, rb]) => {
      const coords = lazyCoords(src, shape);
      const c = broadcastRead(src, rc, condition.shape, shape, coords);
      const x = broadcastRead(src, ra, a.shape, shape, coords);
      const y = broadcastRead(src, rb, b.shape, shape, coords);
      return `${c} != 0.0 ? ${x} : ${y}`;
    },
  });
};

const binary = (kernelName: string, expr: BinaryExpr, outDType?: DType): KernelConfig => ({
  kernelName,
  kernelFunc: binaryKernel(kernelName, expr, outDType),
});

const compare = (kernelName: string, op: string): KernelConfig => binary(kernelName, (_src, a, b) => `${a} ${op} ${b} ? 1.0 : 0.0`, 'bool');

export const binaryKernels: KernelConfig[] = [
  binary(KernelName.Add, (_src, a, b) => `${a} + ${b}`),
  binary(KernelName.Sub, (_src, a, b) => `${a} - ${b}`),
  binary(KernelName.Mul, (_src, a, b) => `${a} * ${b}`),
  binary(KernelName.Div, (_src, a, b) => `${a} / ${b}`),
  binary(KernelName.Pow, (src, a, b) => pow(src, a, b)),
  // NaN on either side wins, tested first: a GL compiler may fold the comparison into max().
  binary(KernelName.Maximum, (_src, a, b) => `${a} != ${a} ? ${a} : (${b} != ${b} ? ${b} : (${a} > ${b} ? ${a} : ${b}))`),
  binary(KernelName.Minimum, (_src, a, b) => `${a} != ${a} ? ${a} : (${b} != ${b} ? ${b} : (${a} < ${b} ? ${a} : ${b}))`),
  compare(KernelName.Equal, '=='),
  compare(KernelName.NotEqual, '!='),
  compare(KernelName.Less, '<'),
  compare(KernelName.LessEqual, '<='),
  compare(KernelName.Greater, '>'),
  compare(KernelName.GreaterEqual, '>='),
  binary(KernelName.LogicalAnd, (_src, a, b) => `${a} != 0.0 && ${b} != 0.0 ? 1.0 : 0.0`, 'bool'),
  binary(KernelName.LogicalOr, (_src, a, b) => `${a} != 0.0 || ${b} != 0.0 ? 1.0 : 0.0`, 'bool'),
  binary(KernelName.LogicalXor, (_src, a, b) => `(${a} != 0.0 ? 1.0 : 0.0) != (${b} != 0.0 ? 1.0 : 0.0) ? 1.0 : 0.0`, 'bool'),
  { kernelName: KernelName.Where, kernelFunc: where },
];
