/**
 * ArgMax/ArgMin along one axis, viewed as [outer, n, inner]: int32 positions, the first on
 * ties, the first NaN if any (PyTorch's convention; the scan stops at a NaN). ArgMin scans
 * the negated values with ArgMax's rule.
 */
import { KernelName, reducedShape, sizeFromShape, type ArgReduceAttrs } from '@nn/tensor';
import { lit } from '../codegen.js';
import type { GpujsKernel, KernelConfig } from './types.js';

function argReduceKernel(sign: 1 | -1): GpujsKernel<ArgReduceAttrs> {
  return ({ inputs: { x }, attrs: { axis, keepDim }, backend }) => {
    const rank = x.shape.length;
    const outer = rank === 0 ? 1 : sizeFromShape(x.shape.slice(0, axis));
    const n = rank === 0 ? 1 : x.shape[axis];
    const inner = rank === 0 ? 1 : sizeFromShape(x.shape.slice(axis + 1));
    const neg = sign < 0 ? '-' : '';
    return backend.compute({
      label: sign > 0 ? 'ArgMax' : 'ArgMin',
      shape: rank === 0 ? [] : reducedShape(x.shape, [axis], keepDim),
      dtype: 'int32',
      inputs: [x],
      body: (src, [ref]) => {
        if (n === 1) return '0.0';
        const [o, j] = src.coords('i', [outer, inner]);
        const start = src.let(`${o} * ${lit(n * inner)} + ${j}`);
        const best = src.let(`${neg}${src.read(ref, start)}`);
        const at = src.let('0.0');
        const r = src.loop(n - 1);
        src.open(`if (${best} == ${best})`);
        const v = src.let(`${neg}${src.read(ref, `${start} + (${r} + 1.0) * ${lit(inner)}`)}`);
        src.line(`if (${v} > ${best} || ${v} != ${v}) { ${best} = ${v}; ${at} = ${r} + 1.0; }`);
        src.end();
        src.end();
        return at;
      },
    });
  };
}

export const argReduceKernels: KernelConfig[] = [
  { kernelName: KernelName.ArgMax, kernelFunc: argReduceKernel(1) },
  { kernelName: KernelName.ArgMin, kernelFunc: argReduceKernel(-1) },
];
