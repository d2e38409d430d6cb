/**
 * Index kernels. Gather (indexSelect) copies rows [outer, n, inner] -> [outer, m, inner];
 * IndexAdd, its adjoint, is a gather too: each output row sums the dy rows whose index
 * names it. GatherElements (torch.gather) reads one element per index; ScatterAdd, its
 * adjoint, sums for each output element the dy entries along the axis whose index names
 * it. No atomics are needed: every output element gathers its own sum.
 */
import { KernelName, sizeFromShape, type AxisAttrs, type IndexAddAttrs, type OneHotAttrs, type ScatterAddAttrs, type Shape } from '@nn/tensor';
import { dot, lit, strides } from '../codegen.js';
import type { GpujsKernel, KernelConfig } from './types.js';

function aroundAxis(shape: Shape, axis: number): [number, number, number] {
  return [sizeFromShape(shape.slice(0, axis)), shape[axis], sizeFromShape(shape.slice(axis + 1))];
}

const gather: GpujsKernel<AxisAttrs> = ({ inputs: { x, indices }, attrs: { axis }, backend }) => {
  const [outer, n, inner] = aroundAxis(x.shape, axis);
  const m = sizeFromShape(indices.shape);
  const outShape = [...x.shape];
  outShape[axis] = m;
  return backend.compute({
    label: 'Gather',
    shape: outShape,
    dtype: x.dtype,
    inputs: [x, indices],
    body: (src, [rx, ri]) => {
      const [o, j, k] = src.coords('i', [outer, m, inner]);
      const index = src.read(ri, j);
      return src.read(rx, `(${o} * ${lit(n)} + ${index}) * ${lit(inner)} + ${k}`);
    },
  });
};

const indexAdd: GpujsKernel<IndexAddAttrs> = ({ inputs: { dy, indices }, attrs: { axis, size }, backend }) => {
  const [outer, m, inner] = aroundAxis(dy.shape, axis);
  const outShape = [...dy.shape];
  outShape[axis] = size;
  return backend.compute({
    label: 'IndexAdd',
    shape: outShape,
    dtype: dy.dtype,
    inputs: m === 0 ? [] : [dy, indices],
    body: (src, refs) => {
      if (refs.length === 0) return '0.0';
      const [rd, ri] = refs;
      const [o, s, k] = src.coords('i', [outer, size, inner]);
      const acc = src.let('0.0');
      const j = src.loop(m);
      src.open(`if (${src.read(ri, j)} == ${s})`);
      src.line(`${acc} = ${acc} + ${src.read(rd, `(${o} * ${lit(m)} + ${j}) * ${lit(inner)} + ${k}`)};`);
      src.end();
      src.end();
      return acc;
    },
  });
};

const gatherElements: GpujsKernel<AxisAttrs> = ({ inputs: { x, indices }, attrs: { axis }, backend }) =>
  backend.compute({
    label: 'GatherElements',
    shape: indices.shape,
    dtype: x.dtype,
    inputs: [x, indices],
    body: (src, [rx, ri]) => {
      if (x.shape.length === 0) return src.read(rx, '0.0');
      const coords = src.coords('i', indices.shape);
      coords[axis] = src.let(src.readSame(ri));
      return src.read(rx, dot(coords, strides(x.shape)));
    },
  });

const scatterAdd: GpujsKernel<ScatterAddAttrs> = ({ inputs: { dy, indices }, attrs: { axis, shape }, backend }) => {
  const count = indices.shape.length === 0 ? 1 : indices.shape[axis];
  return backend.compute({
    label: 'ScatterAdd',
    shape,
    dtype: dy.dtype,
    inputs: sizeFromShape(indices.shape) === 0 ? [] : [dy, indices],
    body: (src, refs) => {
      if (refs.length === 0) return '0.0';
      const [rd, ri] = refs;
      if (shape.length === 0) return src.read(rd, '0.0');
      const coords = src.coords('i', shape);
      // Output elements outside the index's extent (index.size(d) <= shape[d]) get nothing.
      const within = coords.map((c, d) => (d === axis || indices.shape[d] === shape[d] ? null : `${c} < ${lit(indices.shape[d])}`)).filter((t) => t !== null);
      const idxStrides = strides(indices.shape);
      const base = src.let(dot(coords.map((c, d) => (d === axis ? '0.0' : c)), idxStrides));
      const acc = src.let('0.0');
      if (within.length > 0) src.open(`if (${within.join(' && ')})`);
      const j = src.loop(count);
      const p = src.let(`${base} + ${j} * ${lit(idxStrides[axis])}`);
      src.open(`if (${src.read(ri, p)} == ${coords[axis]})`);
      src.line(`${acc} = ${acc} + ${src.read(rd, p)};`);
      src.end();
      src.end();
      if (within.length > 0) src.end();
      return acc;
    },
  });
};

const oneHot: GpujsKernel<OneHotAttrs> = ({ inputs: { indices }, attrs: { depth }, backend }) =>
  backend.compute({
    label: 'OneHot',
    shape: [...indices.shape, depth],
    dtype: 'int32',
    inputs: [indices],
    body: (src, [ri]) => {
      const [p, d] = src.coords('i', [sizeFromShape(indices.shape), depth]);
      return `${src.read(ri, p)} == ${d} ? 1.0 : 0.0`;
    },
  });

export const gatherKernels: KernelConfig[] = [
  { kernelName: KernelName.Gather, kernelFunc: gather },
  { kernelName: KernelName.IndexAdd, kernelFunc: indexAdd },
  { kernelName: KernelName.GatherElements, kernelFunc: gatherElements },
  { kernelName: KernelName.ScatterAdd, kernelFunc: scatterAdd },
  { kernelName: KernelName.OneHot, kernelFunc: oneHot },
];
