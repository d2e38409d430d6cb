/**
 * The limits gpu.js sets: float32 index arithmetic (exact up to 2^24) and the texture size.
 * A tensor at a limit computes the right numbers; one just past it is a clear error naming
 * the size and the limit, never wrong numbers.
 */
import '@nn/backend-cpu';
import { add, arange, concat, conv2d, conv2dBackpropFilter, maxPool2d, maxPool2dGrad, setBackend, sum, tensor, tidy, transpose } from '@nn/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setGpujsOptions } from './index.js';
import { layoutFor, MAX_EXACT_INDEX } from './layout.js';

setGpujsOptions({ mode: 'webasm' });
beforeAll(async () => {
  await setBackend('gpujs');
});
afterAll(async () => {
  await setBackend('cpu');
});

describe('layouts', () => {
  it('lays 2^24 elements out as 4096 × 4096, within every WebGL texture limit', () => {
    expect(layoutFor(MAX_EXACT_INDEX, 16384)).toEqual({ size: MAX_EXACT_INDEX, width: 4096, height: 4096 });
    expect(layoutFor(5, 16384)).toEqual({ size: 5, width: 5, height: 1 });
  });

  it('names the size and the 2^24 limit one element past it', () => {
    expect(() => layoutFor(MAX_EXACT_INDEX + 1, 16384)).toThrow(/16777217 elements is larger than 16777216 \(2\^24\)/);
  });

  it('names the texture limit where a small device cannot hold the layout', () => {
    expect(layoutFor(1024 * 1024, 1024)).toEqual({ size: 1048576, width: 1024, height: 1024 });
    expect(() => layoutFor(1024 * 1024 + 1, 1024)).toThrow(/1048577 elements needs a 1024×1025 texture, larger than this device's maximum texture size 1024×1024/);
  });
});

describe('tensors at and past 2^24 elements', () => {
  it('computes every element of a 2^24-element tensor exactly (values are their own indices)', () => {
    tidy(() => {
      const x = arange(0, MAX_EXACT_INDEX); // 0 .. 2^24 - 1, all exact in float32
      const y = add(x, 1).dataSync();
      for (const i of [0, 1, 4095, 4096, 4097, 8_388_607, 8_388_608, MAX_EXACT_INDEX - 4097, MAX_EXACT_INDEX - 2, MAX_EXACT_INDEX - 1]) {
        expect(y[i]).toBe(i + 1);
      }
      let wrong = 0;
      for (let i = 0; i < y.length; i += 4093) if (y[i] !== i + 1) wrong++;
      expect(wrong).toBe(0);
    });
  });

  it('transposes a 4096 × 4096 matrix (indices up to 2^24 - 1 through the coordinate arithmetic)', () => {
    tidy(() => {
      const t = transpose(arange(0, MAX_EXACT_INDEX).reshape([4096, 4096]), 0, 1).dataSync();
      for (const [r, c] of [[0, 0], [0, 4095], [4095, 0], [4095, 4095], [1234, 3210], [4094, 4093]]) {
        expect(t[r * 4096 + c]).toBe(c * 4096 + r);
      }
    });
  });

  it('refuses a tensor one element past 2^24 with the size and the limit', () => {
    expect(() => tensor(new Float32Array(MAX_EXACT_INDEX + 1))).toThrow(/16777217 elements is larger than 16777216 \(2\^24\)/);
  });

  it('refuses a kernel output past 2^24 elements before computing anything', () => {
    tidy(() => {
      const column = tensor(new Float32Array(4097), [4097, 1]);
      const row = tensor(new Float32Array(4097), [1, 4097]);
      expect(() => add(column, row)).toThrow(/Add output of 16785409 elements is larger than 16777216 \(2\^24\)/);
    });
  });

  it('names the kernel, its input shapes and the gpu.js mode in one line when a kernel cannot run', () => {
    tidy(() => {
      const x = tensor(new Float32Array(64 * 64), [1, 1, 64, 64]);
      const w = tensor(new Float32Array(4097), [4097, 1, 1, 1]);
      expect(() => conv2d(x, w)).toThrow(
        'gpujs (webasm mode): kernel Conv2D failed on x [1, 1, 64, 64], weight [4097, 1, 1, 1]: a Conv2D output of 16781312 elements is larger than 16777216 (2^24)',
      );
    });
  });
});

describe('work split so that no thread loops without bound', () => {
  it('sums over a million elements in passes of at most 1024 and gets the exact integer sum', () => {
    tidy(() => {
      const n = 1_100_000;
      const ones = tensor(new Float32Array(n).fill(1));
      expect(sum(ones).dataSync()[0]).toBe(n);
      // A middle axis longer than one pass.
      const rows = tensor(new Float32Array(3 * 3000 * 2).fill(2), [3, 3000, 2]);
      expect(Array.from(sum(rows, 1).dataSync())).toEqual(new Array(6).fill(6000));
    });
  });

  it('splits the filter gradient over the batch and matches the unsplit sum', () => {
    tidy(() => {
      const x = tensor(Float32Array.from({ length: 40 * 1 * 20 * 20 }, (_, i) => ((i * 7) % 13) / 13 - 0.5), [40, 1, 20, 20]);
      const dy = tensor(Float32Array.from({ length: 40 * 2 * 18 * 18 }, (_, i) => ((i * 5) % 11) / 11 - 0.5), [40, 2, 18, 18]);
      const dw = conv2dBackpropFilter(x, dy, [2, 1, 3, 3], { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], groups: 1 }).dataSync();
      const xv = x.dataSync();
      const gv = dy.dataSync();
      for (let o = 0; o < 2; o++) {
        for (let t = 0; t < 9; t++) {
          const [ki, kj] = [Math.floor(t / 3), t % 3];
          let expected = 0;
          for (let n = 0; n < 40; n++) for (let h = 0; h < 18; h++) for (let w = 0; w < 18; w++) expected += gv[((n * 2 + o) * 18 + h) * 18 + w] * xv[(n * 20 + h + ki) * 20 + w + kj];
          expect(dw[o * 9 + t]).toBeCloseTo(expected, 2);
        }
      }
    });
  });

  it('concatenates more inputs than one kernel takes, in groups', () => {
    tidy(() => {
      const parts = Array.from({ length: 19 }, (_, k) => tensor([k, k + 0.5], [1, 2]));
      expect(concat(parts, 1).toArray()).toEqual([Array.from({ length: 19 }, (_, k) => [k, k + 0.5]).flat()]);
    });
  });
});

describe('max-pool gradient from indices of unknown origin', () => {
  it('scans the plane and agrees with the windowed gradient', () => {
    tidy(() => {
      const x = tensor(Float32Array.from({ length: 2 * 3 * 9 * 9 }, (_, i) => Math.sin(i * 1.7)), [2, 3, 9, 9]);
      const { values, indices } = maxPool2d(x, 3, { stride: 2, padding: 1, returnIndices: true });
      const dy = values.mul(0).add(tensor(Float32Array.from({ length: values.size }, (_, i) => (i % 7) - 3), values.shape));
      const windowed = maxPool2dGrad(dy, indices, x.shape).dataSync();
      // The same indices made afresh from host values carry no window: the kernel scans the whole plane.
      const foreign = tensor(indices.dataSync(), indices.shape);
      expect(Array.from(maxPool2dGrad(dy, foreign, x.shape).dataSync())).toEqual(Array.from(windowed));
    });
  });
});
