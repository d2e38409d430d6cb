import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import { add, exp, memory, mul, neg, reshape, sum, tensor, tidy, keep, type Tensor } from '@nn/tensor';
import { detach, enableGrad, grad, isGradEnabled, isLeaf, noGrad, requiresGrad, sweepUnreachable, tapeSize, valueAndGrad, vjp, zeroGrad } from './index.js';

const close = (t: Tensor | null, expected: number[], digits = 5): void => {
  expect(t).not.toBeNull();
  const values = Array.from(t!.dataSync());
  expect(values.length).toBe(expected.length);
  values.forEach((v, i) => expect(v).toBeCloseTo(expected[i], digits));
};

describe('backward (PyTorch face)', () => {
  it('fills .grad of leaves that require it, through a chain of ops', () => {
    const x = requiresGrad(tensor([1, 2, 3]));
    const y = exp(neg(x)).sum();
    y.backward();
    close(x.grad, [1, 2, 3].map((v) => -Math.exp(-v)));
    expect(x.isLeaf).toBe(true);
    expect(y.isLeaf).toBe(false);
    expect(y.requiresGrad).toBe(true);
  });

  it('sums broadcast gradients back to the operand shape', () => {
    const a = requiresGrad(tensor([[1, 2, 3], [4, 5, 6]]));
    const b = requiresGrad(tensor([10, 20, 30]));
    const c = requiresGrad(tensor(7));
    add(add(a, b), c).sum().backward();
    close(a.grad, [1, 1, 1, 1, 1, 1]);
    close(b.grad, [2, 2, 2]);
    close(c.grad, [6]);
    expect(b.grad!.shape).toEqual([3]);
    expect(c.grad!.shape).toEqual([]);
  });

  it('accumulates over uses of a tensor and over backward calls', () => {
    const x = requiresGrad(tensor([1, 2]));
    const gradHandle = (): Tensor => x.grad!;
    add(x, x).sum().backward();
    close(x.grad, [2, 2]);
    const handle = gradHandle();
    mul(x, x).sum().backward();
    // .grad is the same handle, updated in place (so optimizers can hold on to it).
    expect(gradHandle()).toBe(handle);
    close(x.grad, [2 + 2, 2 + 4]);
    zeroGrad([x]);
    expect(x.grad).toBeNull();
  });

  it('seeds a non-scalar output with the given gradient and refuses an implied one', () => {
    const x = requiresGrad(tensor([1, 2, 3]));
    const y = mul(x, x);
    expect(() => y.backward()).toThrow(/backward: a gradient can be implied only for a one-element output/);
    expect(() => y.backward([1, 2])).toThrow(/backward: gradient \[2\] float32 must match the output \[3\]/);
    y.backward([1, 0, -1]);
    close(x.grad, [2, 0, -6]);
  });

  it('refuses to backward through a tensor that needs no gradient', () => {
    const x = tensor([1, 2]);
    expect(() => x.sum().backward()).toThrow(/backward: the tensor does not require a gradient/);
  });

  it('frees the graph after backward unless retainGraph is set', () => {
    const x = requiresGrad(tensor([1, 2]));
    const y = exp(x).sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    close(x.grad, [2 * Math.E, 2 * Math.exp(2)], 4);
    expect(() => y.backward()).toThrow(/already freed by an earlier backward.*retainGraph/);
  });

  it('works through reshape, cast and a leaf used as the loss itself', () => {
    const x = requiresGrad(tensor([[1, 2], [3, 4]]));
    reshape(x, [4]).cast('float32').mul(tensor([1, 2, 3, 4])).sum().backward();
    close(x.grad, [1, 2, 3, 4]);
    const s = requiresGrad(tensor(3));
    s.backward();
    close(s.grad, [1]);
  });

  it('noGrad does not record, enableGrad re-enables, detach cuts the graph', () => {
    const x = requiresGrad(tensor([1, 2]));
    const y = noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      const inner = enableGrad(() => exp(x));
      expect(inner.requiresGrad).toBe(true);
      return exp(x);
    });
    expect(isGradEnabled()).toBe(true);
    expect(y.requiresGrad).toBe(false);
    expect(isLeaf(y)).toBe(true);
    const d = detach(exp(x));
    expect(d.requiresGrad).toBe(false);
    expect(d.isLeaf).toBe(true);
    mul(d, x).sum().backward();
    close(x.grad, [Math.E, Math.exp(2)], 4);
  });

  it('requiresGrad rejects integer tensors and non-leaves', () => {
    expect(() => requiresGrad(tensor([1, 2], undefined, 'int32'))).toThrow(/requiresGrad: only float32 tensors can require gradients, got int32/);
    const x = requiresGrad(tensor([1]));
    expect(() => requiresGrad(exp(x))).toThrow(/requiresGrad: .*not a leaf/);
    expect(tensor([1]).requiresGrad_().requiresGrad).toBe(true);
  });

  it('retainGrad fills .grad of an intermediate tensor', () => {
    const x = requiresGrad(tensor([1, 2]));
    const h = mul(x, 3).retainGrad();
    mul(h, h).sum().backward();
    close(h.grad, [6, 12]);
    close(x.grad, [18, 36]);
  });

  it('survives tidy: what backward needs is kept, .grad outlives the scope', () => {
    const w = keep(requiresGrad(tensor([0.5, -1])));
    const loss = tidy(() => exp(mul(w, tensor([2, 3]))).sum());
    tidy(() => loss.backward());
    close(w.grad, [2 * Math.exp(1), 3 * Math.exp(-3)], 4);
    expect(w.grad!.isDisposed).toBe(false);
  });
});

describe('functional face', () => {
  const f = (x: Tensor, y: Tensor): Tensor => sum(mul(mul(x, x), y));

  it('grad(f) differentiates with respect to the first argument by default', () => {
    const x = tensor([1, 2]);
    const y = tensor([3, 4]);
    close(grad(f)(x, y), [6, 16]);
    expect(x.requiresGrad).toBe(false);
    expect(x.grad).toBeNull();
  });

  it('grad(f, [0, 1]) gives a list; valueAndGrad adds the value', () => {
    const [dx, dy] = grad(f, [0, 1])([1, 2], [3, 4]);
    close(dx, [6, 16]);
    close(dy, [1, 4]);
    const { value, grad: g } = valueAndGrad(f, 1)([1, 2], [3, 4]);
    close(value, [3 + 16]);
    close(g, [1, 4]);
  });

  it('leaves other tensors .grad alone and gives zeros for unused inputs', () => {
    const w = requiresGrad(tensor([2, 2]));
    const [dx, dz] = grad((x, _z) => sum(mul(x, w)), [0, 1])([1, 1], [5]);
    close(dx, [2, 2]);
    close(dz, [0]);
    expect(w.grad).toBeNull();
  });

  it('vjp returns gradients of chosen tensors, intermediate ones included', () => {
    const x = requiresGrad(tensor([1, 2, 3]));
    const h = mul(x, 2);
    const y = mul(h, h);
    const [gh, gx] = vjp(y, [h, x], tensor([1, 1, 1]));
    close(gh, [4, 8, 12]);
    close(gx, [8, 16, 24]);
    expect(x.grad).toBeNull();
  });

  it('checks its arguments', () => {
    expect(() => grad(f, 3)([1], [2])).toThrow(/grad: argnums \[3\] refers to argument 3, but the function got 2/);
    expect(() => grad((x) => mul(x, 2))([1, 2])).toThrow(/grad: the function must return a one-element tensor, got shape \[2\]/);
    expect(() => grad(f)(tensor([1], undefined, 'int32'), [1])).toThrow(/grad: argument 0 has dtype int32/);
  });
});

describe('memory', () => {
  it('a forward + backward + update loop keeps the tensor count flat', () => {
    const w = keep(requiresGrad(tensor([0.1, 0.2, 0.3])));
    const x = keep(tensor([[1, 2, 3], [4, 5, 6]]));
    const step = (): void => {
      const loss = tidy(() => exp(mul(x, w)).sum().mul(0.01));
      loss.backward();
      loss.dispose();
      tidy(() => {
        const updated = noGrad(() => w.sub(w.grad!.mul(0.001)));
        // In place, so the leaf stays the same tensor object.
        void updated;
      });
      zeroGrad([w]);
    };
    for (let i = 0; i < 5; i++) step();
    const before = memory().numTensors;
    const tapeBefore = tapeSize();
    for (let i = 0; i < 200; i++) step();
    expect(memory().numTensors).toBe(before);
    expect(tapeSize()).toBe(tapeBefore);
  });

  it('records nobody can reach are swept (a forward pass without backward)', () => {
    const w = keep(requiresGrad(tensor([1, 2])));
    sweepUnreachable();
    const base = memory().numTensors;
    for (let i = 0; i < 10; i++) tidy(() => void exp(w).sum());
    expect(memory().numTensors).toBeGreaterThan(base);
    sweepUnreachable();
    expect(memory().numTensors).toBe(base);
  });
});
