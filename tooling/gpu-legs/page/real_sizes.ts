/**
 * Cases at the sizes real models use, which the PyTorch vectors stay far below: convolutions
 * whose outputs pass 16,384 rows (a texture's side) and LeNet-5's first layer on a batch of
 * 256 with both gradients. Each runs on backend-cpu and on the mode under test, compared with
 * the conformance tolerance for accumulating results, its atol taken relative to the largest
 * value (a gradient over 256 images sums ~10^5 products).
 */
import { requiresGrad, vjp } from '@nn/autograd';
import { compareValues } from '@nn/conformance/compare';
import { conv2d, dispose, manualSeed, randn, setBackend, tidy, type Tensor } from '@nn/tensor';

interface RealSizeCase {
  name: string;
  /** The results to compare, made from the inputs it is given. */
  run: (inputs: Tensor[]) => Tensor[];
  shapes: number[][];
}

export const REAL_SIZE_CASES: RealSizeCase[] = [
  { name: 'conv2d [100,1,32,32] * [6,1,5,5]', shapes: [[100, 1, 32, 32], [6, 1, 5, 5]], run: ([x, w]) => [conv2d(x, w)] },
  { name: 'conv2d [40,3,64,64] * [16,3,3,3]', shapes: [[40, 3, 64, 64], [16, 3, 3, 3]], run: ([x, w]) => [conv2d(x, w)] },
  { name: 'conv2d [1000,6,14,14] * [16,6,5,5]', shapes: [[1000, 6, 14, 14], [16, 6, 5, 5]], run: ([x, w]) => [conv2d(x, w)] },
  {
    name: "LeNet-5's first layer on 256 images, padding 2, with gradients",
    shapes: [[256, 1, 28, 28], [6, 1, 5, 5], [256, 6, 28, 28]],
    run: ([x, w, g]) => {
      const [xs, ws] = [requiresGrad(x), requiresGrad(w)];
      const y = conv2d(xs, ws, null, { padding: 2 });
      return [y, ...vjp(y, [xs, ws], g)];
    },
  },
];

async function valuesOn(backend: string, c: RealSizeCase): Promise<Float32Array[]> {
  await setBackend(backend);
  manualSeed(9);
  const results = tidy(() => c.run(c.shapes.map((shape) => randn(shape))));
  const values = await Promise.all(results.map((t) => t.data() as Promise<Float32Array>));
  dispose(results);
  return values;
}

/** What differs from backend-cpu in one case (empty when they agree). */
export async function checkRealSize(backend: string, c: RealSizeCase): Promise<string[]> {
  const expected = await valuesOn('cpu', c);
  const actual = await valuesOn(backend, c);
  const problems: string[] = [];
  expected.forEach((e, k) => {
    const scale = e.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
    const shape = [e.length];
    const result = compareValues(`result ${k}`, { shape, dtype: 'float32', values: actual[k] }, { shape, data: Array.from(e) }, { atol: 1e-4 * scale, rtol: 1e-4 });
    if (!result.ok) problems.push(result.message);
  });
  return problems;
}
