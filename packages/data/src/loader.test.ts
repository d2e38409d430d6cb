import '@nn/backend-cpu';
import { arange, dispose, Generator, manualSeed, memory, tensor, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { defaultCollate } from './collate.js';
import { randomSplit, splitLengths, Subset, TensorDataset, type Dataset } from './dataset.js';
import { DataLoader } from './loader.js';

/** Items i -> { x: [i, i+0.5], y: i } as fresh tensors and numbers. */
class Squares implements Dataset<{ x: Tensor; y: number }> {
  gets: number[] = [];
  constructor(readonly length: number) {}
  get(i: number): { x: Tensor; y: number } {
    this.gets.push(i);
    return { x: tensor([i, i + 0.5]), y: i };
  }
}

class SlowSquares implements Dataset<[Tensor, number]> {
  constructor(readonly length: number) {}
  async get(i: number): Promise<[Tensor, number]> {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return [tensor([i]), i * i];
  }
}

const firstColumn = (t: Tensor): number[] => (t.toArray() as number[][]).map((row) => row[0]);

describe('TensorDataset, Subset, randomSplit', () => {
  it('returns rows of every tensor and checks their lengths', () => {
    const x = arange(0, 6).reshape([3, 2]);
    const y = tensor([7, 8, 9], undefined, 'int32');
    const ds = new TensorDataset(x, y);
    expect(ds.length).toBe(3);
    const [xi, yi] = ds.get(1);
    expect(xi.toArray()).toEqual([2, 3]);
    expect(yi.item()).toBe(8);
    expect(yi.dtype).toBe('int32');
    dispose([xi, yi]);
    expect(() => ds.get(3)).toThrow(/TensorDataset: index 3 is out of range for a dataset of length 3/);
    expect(() => new TensorDataset(x, tensor([1, 2]))).toThrow(/tensor 1 has 2 rows \(shape \[2\]\), expected 3/);
    expect(() => new TensorDataset(tensor(1))).toThrow(/tensor 0 is 0-d/);
    dispose([x, y]);
  });

  it('splits by fractions like torch: floors, then hands the remainder out in order', () => {
    expect(splitLengths(10, [0.8, 0.2])).toEqual([8, 2]);
    expect(splitLengths(11, [0.5, 0.3, 0.2])).toEqual([6, 3, 2]);
    expect(splitLengths(7, [1 / 3, 1 / 3, 1 / 3])).toEqual([3, 2, 2]);
    expect(splitLengths(10, [3, 7])).toEqual([3, 7]);
    expect(() => splitLengths(10, [3, 6])).toThrow(/randomSplit: lengths \[3, 6\] sum to 9, expected the dataset's length 10/);
    expect(() => splitLengths(10, [0.5, 0.6])).toThrow(/fractions must sum to 1/);
  });

  it('randomSplit gives disjoint subsets covering the dataset, repeatable by seed', () => {
    const ds = new Squares(50);
    const [a, b] = randomSplit(ds, [0.8, 0.2], { seed: 3 });
    expect([a.length, b.length]).toEqual([40, 10]);
    expect([...a.indices, ...b.indices].sort((p, q) => p - q)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const [a2] = randomSplit(ds, [0.8, 0.2], { seed: 3 });
    expect(a2.indices).toEqual(a.indices);
    const [a3] = randomSplit(ds, [0.8, 0.2], { seed: 4 });
    expect(a3.indices).not.toEqual(a.indices);
    const item = a.get(0) as { x: Tensor; y: number };
    expect(item.y).toBe(a.indices[0]);
    item.x.dispose();
    expect(() => new Subset(ds, [0, 50])).toThrow(/Subset: index 50 is out of range/);
  });

  it('draws from the default generator, so manualSeed repeats a split', () => {
    const ds = new Squares(20);
    manualSeed(11);
    const first = randomSplit(ds, [10, 10])[0].indices;
    manualSeed(11);
    expect(randomSplit(ds, [10, 10])[0].indices).toEqual(first);
  });
});

describe('defaultCollate', () => {
  it('stacks tensors, numbers, typed arrays, tuples and objects; keeps strings as a list', () => {
    const before = memory().numTensors;
    const items = [
      { image: tensor([[1, 2]]), label: 3, name: 'a', pair: [tensor([1], undefined, 'int32'), true] as [Tensor, boolean], raw: new Uint8Array([1, 2]) },
      { image: tensor([[3, 4]]), label: 5, name: 'b', pair: [tensor([2], undefined, 'int32'), false] as [Tensor, boolean], raw: new Uint8Array([3, 4]) },
    ];
    const batch = defaultCollate(items);
    expect(batch.image.shape).toEqual([2, 1, 2]);
    expect(batch.image.toArray()).toEqual([[[1, 2]], [[3, 4]]]);
    expect(batch.label.toArray()).toEqual([3, 5]);
    expect(batch.label.dtype).toBe('float32');
    expect(batch.name).toEqual(['a', 'b']);
    expect(batch.pair[0].dtype).toBe('int32');
    expect(batch.pair[0].toArray()).toEqual([[1], [2]]);
    expect(batch.pair[1].toArray()).toEqual([true, false]);
    expect(batch.raw.shape).toEqual([2, 2]);
    expect(batch.raw.toArray()).toEqual([[1, 2], [3, 4]]);
    dispose([batch.image, batch.label, batch.pair[0], batch.pair[1], batch.raw]);
    for (const item of items) dispose([item.image, item.pair[0]]);
    expect(memory().numTensors).toBe(before);
  });

  it('names the item and the field that do not match, and leaks nothing when it throws', () => {
    const a = tensor([1, 2]);
    const b = tensor([1, 2, 3]);
    const before = memory().numTensors;
    expect(() => defaultCollate([a, b])).toThrow(/collate: item 1 is a tensor of shape \[3\], expected a tensor of shape \[2\] like item 0/);
    expect(() => defaultCollate([{ x: 1, y: a }, { x: 2, y: b }])).toThrow(/collate: item 1 at \.y is a tensor of shape \[3\]/);
    expect(() => defaultCollate([{ x: 1 }, { z: 2 }])).toThrow(/collate: item 1 has keys \{z\}, expected \{x\}/);
    expect(() => defaultCollate([[1, 'a'], [2, 3]])).toThrow(/collate: item 1 at \[1\] is a number, expected a string/);
    expect(() => defaultCollate([null])).toThrow(/collate: cannot collate null/);
    expect(() => defaultCollate([])).toThrow(/collate: cannot collate an empty batch/);
    expect(memory().numTensors).toBe(before);
    dispose([a, b]);
  });
});

describe('DataLoader', () => {
  it('batches in order, keeps a short last batch unless dropLast', () => {
    const ds = new Squares(5);
    const loader = new DataLoader(ds, { batchSize: 2 });
    expect(loader.length).toBe(3);
    const ys: number[][] = [];
    for (const batch of loader) {
      ys.push(batch.y.toArray() as number[]);
      expect(batch.x.shape).toEqual([batch.y.shape[0], 2]);
      dispose([batch.x, batch.y]);
    }
    expect(ys).toEqual([[0, 1], [2, 3], [4]]);
    const dropped = new DataLoader(ds, { batchSize: 2, dropLast: true });
    expect(dropped.length).toBe(2);
    expect([...dropped].map((b) => { const v = b.y.toArray(); dispose([b.x, b.y]); return v; })).toEqual([[0, 1], [2, 3]]);
  });

  it('disposes the items it collates: only the batch stays alive', () => {
    const ds = new Squares(6);
    const before = memory().numTensors;
    for (const batch of new DataLoader(ds, { batchSize: 3 })) {
      expect(memory().numTensors).toBe(before + 2);
      dispose([batch.x, batch.y]);
    }
    expect(memory().numTensors).toBe(before);
  });

  it('reshuffles every epoch; a seed repeats the run; every item appears once', () => {
    const ds = new Squares(10);
    const epochs = (loader: DataLoader<{ x: Tensor; y: number }>): number[][] =>
      [0, 1].map(() => {
        const order: number[] = [];
        for (const b of loader) {
          order.push(...(b.y.toArray() as number[]));
          dispose([b.x, b.y]);
        }
        return order;
      });
    const run1 = epochs(new DataLoader(ds, { batchSize: 4, shuffle: true, seed: 7 }));
    const run2 = epochs(new DataLoader(ds, { batchSize: 4, shuffle: true, generator: new Generator(7) }));
    expect(run1).toEqual(run2);
    expect(run1[0]).not.toEqual(run1[1]);
    expect([...run1[0]].sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });

  it('uses getBatch (one indexSelect) for TensorDatasets, through Subsets too', () => {
    const x = arange(0, 12).reshape([6, 2]);
    const y = tensor([0, 1, 2, 3, 4, 5], undefined, 'int32');
    const ds = new TensorDataset(x, y);
    const [sub] = randomSplit(ds, [4, 2], { seed: 1 });
    const before = memory().numTensors;
    const seen: number[] = [];
    for (const [xb, yb] of new DataLoader(sub, { batchSize: 3 })) {
      expect(yb.dtype).toBe('int32');
      const labels = yb.toArray() as number[];
      expect(firstColumn(xb)).toEqual(labels.map((l) => 2 * l));
      seen.push(...labels);
      dispose([xb, yb]);
    }
    expect(seen).toEqual(sub.indices);
    expect(memory().numTensors).toBe(before);
    ds.dispose();
  });

  it('iterates async datasets with for await, in order, with prefetch', async () => {
    const loader = new DataLoader(new SlowSquares(7), { batchSize: 3, prefetch: 2 });
    const got: number[][] = [];
    for await (const [x, y] of loader) {
      got.push(y.toArray() as number[]);
      expect(firstColumn(x.reshape([-1, 1]))).toEqual((y.toArray() as number[]).map(Math.sqrt));
      dispose([x, y]);
    }
    expect(got).toEqual([[0, 1, 4], [9, 16, 25], [36]]);
    expect(() => [...loader]).toThrow(/DataLoader: item 0 is a Promise \(the dataset is asynchronous\); iterate with for await/);
  });

  it('frees prefetched batches when the loop stops early', async () => {
    const before = memory().numTensors;
    for await (const [x, y] of new DataLoader(new SlowSquares(20), { batchSize: 2, prefetch: 3 })) {
      dispose([x, y]);
      break;
    }
    expect(memory().numTensors).toBe(before);
  });

  it('passes a failing item on, freeing the items of its batch that did arrive', async () => {
    class Flaky extends SlowSquares {
      override async get(i: number): Promise<[Tensor, number]> {
        if (i === 4) throw new Error('disk on fire at item 4');
        return super.get(i);
      }
    }
    const before = memory().numTensors;
    const seen: number[] = [];
    await expect(async () => {
      for await (const [x, y] of new DataLoader(new Flaky(8), { batchSize: 3 })) {
        seen.push(...(y.toArray() as number[]));
        dispose([x, y]);
      }
    }).rejects.toThrow('disk on fire at item 4');
    expect(seen).toEqual([0, 1, 4]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(memory().numTensors).toBe(before);
  });

  it('streams an async iterable in batches, dropping a short last one on request', async () => {
    async function* stream(): AsyncGenerator<[Tensor, number]> {
      for (let i = 0; i < 5; i++) {
        await Promise.resolve();
        yield [tensor([i, -i]), i];
      }
    }
    const before = memory().numTensors;
    const sizes: number[] = [];
    for await (const [x, y] of new DataLoader(stream(), { batchSize: 2, dropLast: true })) {
      sizes.push(x.shape[0]);
      expect(x.shape).toEqual([2, 2]);
      dispose([x, y]);
    }
    expect(sizes).toEqual([2, 2]);
    expect(memory().numTensors).toBe(before);
    const sync = new DataLoader([1, 2, 3], { batchSize: 2 });
    expect([...sync].map((b) => { const v = b.toArray(); b.dispose(); return v; })).toEqual([[1, 2], [3]]);
    expect(() => sync.length).toThrow(/length is unknown for a streamed source/);
    expect(() => new DataLoader(stream(), { shuffle: true })).toThrow(/shuffle needs a map-style dataset/);
  });

  it('accepts a custom collate and checks its options', () => {
    const loader = new DataLoader(new Squares(4), {
      batchSize: 2,
      collate: (items) => {
        const ys = items.map((it) => it.y);
        return ys.reduce((a, b) => a + b, 0);
      },
    });
    expect([...loader]).toEqual([1, 5]);
    expect(() => new DataLoader(new Squares(4), { batchSize: 0 })).toThrow(/DataLoader: batchSize must be an integer >= 1, got 0/);
    expect(() => new DataLoader(new Squares(4), { prefetch: -1 })).toThrow(/prefetch must be an integer >= 0/);
  });
});
