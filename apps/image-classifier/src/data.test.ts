import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeIdx } from '@nn/data';
import { balancedSubset, checkSplit, guessKind, loadData, readSplit } from './data.js';

describe('the embedded Fashion-MNIST subset', () => {
  it('holds 12,000 training and 2,000 test images of 28×28, 1,200 and 200 per class', async () => {
    const data = await loadData();
    expect(data.kind).toBe('fashion-mnist');
    expect(data.classes[9]).toBe('Ankle boot');
    expect([data.train.count, data.train.height, data.train.width]).toEqual([12000, 28, 28]);
    expect(data.test.count).toBe(2000);
    const perClass = (labels: Int32Array): number[] => Array.from({ length: 10 }, (_, c) => labels.filter((l) => l === c).length);
    expect(perClass(data.train.labels)).toEqual(new Array(10).fill(1200));
    expect(perClass(data.test.labels)).toEqual(new Array(10).fill(200));
  });
});

describe('balancedSubset', () => {
  const labels = Array.from({ length: 300 }, (_, i) => (i * 7) % 3);

  it('takes perClass indices of each class, sorted, the same for the same seed', () => {
    const picked = balancedSubset(labels, 3, 20, 5);
    expect(picked).toHaveLength(60);
    expect([...picked].sort((a, b) => a - b)).toEqual(picked);
    expect(new Set(picked).size).toBe(60);
    for (let c = 0; c < 3; c++) expect(picked.filter((i) => labels[i] === c)).toHaveLength(20);
    expect(balancedSubset(labels, 3, 20, 5)).toEqual(picked);
    expect(balancedSubset(labels, 3, 20, 6)).not.toEqual(picked);
  });

  it('refuses a class with too few examples', () => {
    expect(() => balancedSubset(labels, 4, 20, 1)).toThrow(/class 3 has 0 examples, fewer than the 20/);
  });
});

describe('reading --data folders', () => {
  const files = { images: 'imgs', labels: 'lbls' };

  it('names the file whose labels are outside the classes', () => {
    const images = { dtype: 'uint8' as const, shape: [2, 2, 2], data: new Uint8Array(8) };
    const labels = { dtype: 'uint8' as const, shape: [2], data: Uint8Array.from([3, 10]) };
    expect(() => checkSplit(images, labels, files, 10)).toThrow('lbls: label 10 of image 1 is outside the 10 classes 0..9');
  });

  it('says which file is missing and what --data expects', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ic-data-'));
    await expect(readSplit(dir, 'train', 10)).rejects.toThrow(/no train-images-idx3-ubyte.gz \(or train-images-idx3-ubyte\) in this folder; --data expects/);
  });

  it('names an IDX file whose header disagrees with its length', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ic-data-'));
    const bytes = encodeIdx({ dtype: 'uint8', shape: [3, 4, 4], data: new Uint8Array(48) });
    await writeFile(join(dir, 'train-images-idx3-ubyte'), bytes.subarray(0, bytes.length - 5));
    await writeFile(join(dir, 'train-labels-idx1-ubyte'), encodeIdx({ dtype: 'uint8', shape: [3], data: new Uint8Array(3) }));
    await expect(readSplit(dir, 'train', 10)).rejects.toThrow(/train-images-idx3-ubyte: the IDX header says 3 × 4 × 4 uint8 values .* but the file has 59 bytes/);
  });

  it('tells digits from clothes by the folder name', () => {
    expect(guessKind('/data/mnist')).toBe('mnist');
    expect(guessKind('/data/MNIST-digits')).toBe('mnist');
    expect(guessKind('/data/fashion-mnist')).toBe('fashion-mnist');
    expect(guessKind('/data/images')).toBe('fashion-mnist');
  });
});
