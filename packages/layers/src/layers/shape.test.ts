import '@nn/backend-cpu';
import { randn, tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { expectClose, loadVector } from '../test-utils/vectors.js';
import { Flatten, Identity, Unflatten, Upsample } from './shape.js';

describe('shape layers', () => {
  it('Identity returns its input', () => {
    const x = tensor([1, 2]);
    expect(new Identity().forward(x)).toBe(x);
  });

  it('Flatten keeps the batch by default; Unflatten undoes it', () => {
    const x = randn([2, 3, 4, 5]);
    expect(new Flatten().forward(x).shape).toEqual([2, 60]);
    expect(new Flatten(0).forward(x).shape).toEqual([120]);
    expect(new Flatten(1, 2).forward(x).shape).toEqual([2, 12, 5]);
    const y = new Unflatten(1, [3, -1, 5]).forward(new Flatten().forward(x));
    expect(y.shape).toEqual([2, 3, 4, 5]);
    expect(y.toArray()).toEqual(x.toArray());
  });

  it('Upsample matches the PyTorch nearest vector and checks its options', () => {
    const v = loadVector('upsample_nearest2d__scale2');
    expectClose(new Upsample({ scaleFactor: 2 }).forward(v.inputs.x), v.output, 0, 0);
    expect(new Upsample({ size: [5, 7], mode: 'bilinear', alignCorners: true }).forward(randn([1, 2, 3, 3])).shape).toEqual([1, 2, 5, 7]);
    expect(() => new Upsample({})).toThrow(/Upsample: give exactly one of size and scaleFactor/);
    expect(() => new Upsample({ size: 4, alignCorners: true })).toThrow(/alignCorners only applies to mode 'bilinear'/);
    expect(new Upsample({ scaleFactor: 2 }).toString()).toBe("Upsample(scaleFactor=2, mode='nearest')");
  });
});
