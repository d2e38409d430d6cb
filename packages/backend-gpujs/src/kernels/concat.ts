/**
 * Concat along one axis: each output element picks its input by its coordinate on the axis.
 * A kernel takes at most GROUP inputs (GL shaders have few texture units), so long lists
 * are joined in groups and the groups joined again.
 */
import { KernelName, sizeFromShape, type AxisAttrs, type TensorInfo } from '@nn/tensor';
import type { GpujsBackend } from '../backend_gpujs.js';
import { lit } from '../codegen.js';
import type { GpujsKernel, KernelConfig } from './types.js';

const GROUP = 8;

export function concatInfos(backend: GpujsBackend, list: TensorInfo[], axis: number): TensorInfo {
  const first = list[0];
  const outShape = [...first.shape];
  outShape[axis] = list.reduce((total, t) => total + t.shape[axis], 0);
  const parts = list.filter((t) => sizeFromShape(t.shape) > 0);
  if (parts.length > GROUP) {
    const groups: TensorInfo[] = [];
    for (let g = 0; g < parts.length; g += GROUP) groups.push(concatInfos(backend, parts.slice(g, g + GROUP), axis));
    const joined = concatInfos(backend, groups, axis);
    for (const g of groups) backend.release(g);
    return joined;
  }
  const outer = sizeFromShape(first.shape.slice(0, axis));
  const outRow = sizeFromShape(outShape.slice(axis));
  return backend.compute({
    label: `Concat of ${parts.length}`,
    shape: outShape,
    dtype: first.dtype,
    inputs: parts,
    body: (src, refs) => {
      // Within an output row of outRow elements, input k owns the columns [start_k, start_k + row_k).
      const [o, col] = src.coords('i', [outer, outRow]);
      const value = src.let('0.0');
      let start = 0;
      parts.forEach((t, k) => {
        const row = sizeFromShape(t.shape.slice(axis));
        src.open(`if (${col} >= ${lit(start)} && ${col} < ${lit(start + row)})`);
        src.line(`${value} = ${src.read(refs[k], `${o} * ${lit(row)} + ${col} - ${lit(start)}`)};`);
        src.end();
        start += row;
      });
      return value;
    },
  });
}

const concat: GpujsKernel<AxisAttrs> = ({ inputs, attrs: { axis }, backend }) => {
  const list: TensorInfo[] = [];
  for (let i = 0; inputs[`x${i}`] !== undefined; i++) list.push(inputs[`x${i}`]);
  return concatInfos(backend, list, axis);
};

export const concatKernels: KernelConfig[] = [{ kernelName: KernelName.Concat, kernelFunc: concat }];
