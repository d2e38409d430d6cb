import '@nn/backend-cpu';
import { dispose, memory, tensor } from '@nn/tensor';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DataLoader } from '../loader.js';
import { parseCsv, splitTable } from './csv.js';
import { MISSING_CATEGORY } from './encoders.js';
import { TablePreprocessor } from './preprocessor.js';
import { PREPROCESSOR_FORMAT } from './serialize.js';

const small = parseCsv('size,kind,age,price\n10,a,1,100\n20,b,,200\n30,a,3,300\n40,c,5,400\n', { file: 'small.csv' });
const rowsOf = (values: Float32Array, width: number): number[][] =>
  Array.from({ length: values.length / width }, (_, i) => Array.from(values.subarray(i * width, (i + 1) * width)));

describe('TablePreprocessor', () => {
  it('standardises numbers, imputes the median, one-hot encodes categories', () => {
    const prep = TablePreprocessor.fit(small, { target: 'price' });
    expect(prep.featureNames).toEqual(['size', 'kind=a', 'kind=b', 'kind=c', 'age']);
    const s = Math.sqrt(125);
    const enc = prep.transform(small);
    const rows = rowsOf(enc.features, prep.numFeatures);
    const expected = [
      [-15 / s, 1, 0, 0, -2 / Math.SQRT2],
      [-5 / s, 0, 1, 0, 0], // age missing -> median 3 -> standardised 0
      [5 / s, 1, 0, 0, 0],
      [15 / s, 0, 0, 1, 2 / Math.SQRT2],
    ];
    rows.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i][j], 6)));
    expect(Array.from(enc.target!)).toEqual([100, 200, 300, 400]);
  });

  it('min-max scales, imputes mean or zero, index-encodes, and has a missing category', () => {
    const prep = TablePreprocessor.fit(small, {
      target: 'price',
      scaling: 'minmax',
      encoding: 'index',
      columns: { age: { numberImpute: 'mean', scaling: 'none' } },
    });
    expect(prep.featureNames).toEqual(['size', 'kind', 'age']);
    expect(rowsOf(prep.transform(small).features, 3)).toEqual([
      [0, 1, 1],
      [1 / 3, 2, 3],
      [2 / 3, 1, 3],
      [1, 3, 5],
    ].map((r) => r.map((v) => Math.fround(v))));
    const zero = TablePreprocessor.fit(small, { target: 'price', scaling: 'none', numberImpute: 'zero' });
    expect(rowsOf(zero.transform(small).features, 5)[1][4]).toBe(0);
    const withMissing = parseCsv('k,y\na,1\n,2\nb,3\n');
    const prep2 = TablePreprocessor.fit(withMissing, { target: 'y', categoryImpute: 'missingCategory' });
    expect(prep2.featureNames).toEqual([`k=${MISSING_CATEGORY}`, 'k=a', 'k=b']);
    expect(rowsOf(prep2.transform(withMissing).features, 3)[1]).toEqual([1, 0, 0]);
    const prep3 = TablePreprocessor.fit(withMissing, { target: 'y' }); // most frequent: tie a/b -> 'a'
    expect(rowsOf(prep3.transform(withMissing).features, 2)[1]).toEqual([1, 0]);
  });

  it('fits on the training rows only: unseen categories fall back to zeros / index 0', () => {
    const prep = TablePreprocessor.fit(small, { target: 'price' });
    const unseen = parseCsv('size,kind,age\n25,z,3\n', { file: 'new.csv' });
    const enc = prep.transform(unseen);
    expect(enc.target).toBeNull();
    expect(Array.from(enc.features.subarray(1, 4))).toEqual([0, 0, 0]);
    expect(enc.features[0]).toBe(0); // 25 is the training mean
    const indexPrep = TablePreprocessor.fit(small, { target: 'price', encoding: 'index' });
    expect(indexPrep.transform(unseen).features[1]).toBe(0);
  });

  it('inverts a log1p + standard target transform', () => {
    const prep = TablePreprocessor.fit(small, { target: 'price', targetTransform: ['log1p', 'standard'] });
    const y = prep.transform(small).target!;
    const logs = [100, 200, 300, 400].map(Math.log1p);
    const mean = logs.reduce((a, b) => a + b) / 4;
    expect(y[0]).toBeCloseTo((logs[0] - mean) / Math.sqrt(logs.reduce((a, v) => a + (v - mean) ** 2, 0) / 4), 5);
    const back = prep.inverseTarget(y);
    [100, 200, 300, 400].forEach((v, i) => expect(back[i]).toBeCloseTo(v, 3));
    const t = tensor(Array.from(y));
    expect(prep.inverseTarget(t)[3]).toBeCloseTo(400, 3);
    t.dispose();
    expect(prep.forwardTarget([300])[0]).toBeCloseTo(y[2], 5);
  });

  it('saves to JSON and loads back to the same encoding', () => {
    const prep = TablePreprocessor.fit(small, { target: 'price', targetTransform: 'log1p', columns: { kind: { encoding: 'index' } } });
    const json = JSON.stringify(prep);
    const loaded = TablePreprocessor.fromJSON(json);
    expect(loaded.toJSON()).toEqual(prep.toJSON());
    expect(loaded.transform(small)).toEqual(prep.transform(small));
    expect(loaded.target).toBe('price');
    expect(loaded.inputColumns).toEqual(['size', 'kind', 'age']);
    expect((JSON.parse(json) as { format: string }).format).toBe(PREPROCESSOR_FORMAT);
  });

  it('validates what it loads, naming the bad field', () => {
    const good = TablePreprocessor.fit(small, { target: 'price' }).toJSON();
    const edit = (f: (j: Record<string, unknown> & typeof good) => void): unknown => {
      const j = structuredClone(good) as Record<string, unknown> & typeof good;
      f(j);
      return j;
    };
    expect(() => TablePreprocessor.fromJSON('{')).toThrow(/TablePreprocessor\.fromJSON: not valid JSON/);
    expect(() => TablePreprocessor.fromJSON({})).toThrow(/format must be '@nn\/data\/table-preprocessor'/);
    expect(() => TablePreprocessor.fromJSON(edit((j) => (j.version = 2)))).toThrow(/format version 2, newer than this @nn\/data reads \(1\)/);
    expect(() => TablePreprocessor.fromJSON(edit((j) => (j.version = 0)))).toThrow(/version must be 1, got 0/);
    expect(() => TablePreprocessor.fromJSON(edit((j) => ((j.features[0] as { scale: number }).scale = -1)))).toThrow(
      /features\[0\]\.scale must be a positive finite number, got -1/,
    );
    expect(() => TablePreprocessor.fromJSON(edit((j) => ((j.features[1] as { categories: unknown }).categories = ['a', 3])))).toThrow(
      /features\[1\]\.categories\[1\] must be a string, got 3/,
    );
    expect(() => TablePreprocessor.fromJSON(edit((j) => ((j.features[2] as { impute: string }).impute = 'mode')))).toThrow(
      /features\[2\]\.impute must be one of 'median', 'mean', 'zero', got 'mode'/,
    );
    expect(() => TablePreprocessor.fromJSON(edit((j) => (j.target = { name: 'size', transform: [] })))).toThrow(/target\.name must be a column that is not also a feature/);
  });

  it('shows bad numbers as they are (Infinity, not null) and cuts long or deep values short', () => {
    const good = TablePreprocessor.fit(small, { target: 'price' }).toJSON();
    const withFeature = (key: string, value: unknown): unknown => {
      const j = structuredClone(good);
      (j.features[0] as unknown as Record<string, unknown>)[key] = value;
      return j;
    };
    expect(() => TablePreprocessor.fromJSON(withFeature('scale', Infinity))).toThrow(/features\[0\]\.scale must be a positive finite number, got Infinity$/);
    expect(() => TablePreprocessor.fromJSON(withFeature('shift', NaN))).toThrow(/features\[0\]\.shift must be a finite number, got NaN$/);
    const wide = (): unknown => withFeature('fill', new Array(10_000).fill(7));
    expect(() => TablePreprocessor.fromJSON(wide())).toThrow(/^TablePreprocessor\.fromJSON: features\[0\]\.fill must be a finite number, got \[7,7,7,[7,]{190,200}…$/);
    let deep: unknown = 1;
    for (let i = 0; i < 20_000; i++) deep = [deep];
    expect(() => TablePreprocessor.fromJSON(withFeature('fill', deep))).toThrow(/features\[0\]\.fill must be a finite number, got an array of 1$/);
  });

  it('gives errors that name the file, row, line and column', () => {
    expect(() => TablePreprocessor.fit(small, { target: 'Price' })).toThrow(/^small\.csv: target column 'Price' not found; the columns are: size, kind, age, price$/);
    const prep = TablePreprocessor.fit(small, { target: 'price' });
    const bad = parseCsv('size,kind,age,price\n10,a,1,100\nbig,a,2,5\n', { file: 'test.csv' });
    expect(() => prep.transform(bad)).toThrow(/^test\.csv: row 2 \(line 3\), column 'size': 'big' is not a number; the column is numeric/);
    const noTarget = parseCsv('size,kind,age\n1,a,2\n', { file: 'x.csv' });
    expect(() => prep.transform(noTarget, { requireTarget: true })).toThrow(/x\.csv: target column 'price' not found/);
    expect(() => prep.toDataset(noTarget)).toThrow(/x\.csv: target column 'price' not found/);
    const noFeature = parseCsv('size,age,price\n1,2,3\n', { file: 'y.csv' });
    expect(() => prep.transform(noFeature)).toThrow(/y\.csv: feature column 'kind' not found/);
    const gap = parseCsv('a,price\n1,\n', { file: 'gap.csv' });
    expect(() => TablePreprocessor.fit(gap, { target: 'price' })).toThrow(/gap\.csv: row 1 \(line 2\), target column 'price': the value is missing/);
    const neg = parseCsv('a,price\n1,-5\n', { file: 'neg.csv' });
    expect(() => TablePreprocessor.fit(neg, { target: 'price', targetTransform: 'log1p' })).toThrow(
      /neg\.csv: row 1 \(line 2\), target column 'price': target value -5 is outside the domain of log1p/,
    );
    expect(() => TablePreprocessor.fit(small, { target: 'price', types: { kind: 'number' } })).toThrow(/row 1 \(line 2\), column 'kind': 'a' is not a number/);
    expect(() => TablePreprocessor.fit(small, { exclude: ['nope'] })).toThrow(/small\.csv: column 'nope' not found/);
  });
});

describe('TablePreprocessor on Ames houses (a 210-row sample of ames.csv)', () => {
  const text = readFileSync(new URL('../../test/fixtures/ames-sample.csv', import.meta.url), 'utf8');
  const table = parseCsv(text, { file: 'ames-sample.csv' });

  it('encodes the split and feeds a DataLoader', () => {
    expect(table.columns.length).toBe(74);
    const [train, test] = splitTable(table, [0.8, 0.2], { seed: 1 });
    const prep = TablePreprocessor.fit(train, { target: 'Sale_Price', targetTransform: ['log1p', 'standard'] });
    expect(prep.inputColumns.length).toBe(73);
    expect(prep.numFeatures).toBeGreaterThan(150);
    const enc = prep.transform(train);
    expect(enc.features.every(Number.isFinite)).toBe(true);
    // Standardised on the training split: Gr_Liv_Area has mean 0, standard deviation 1 there.
    const col = prep.featureNames.indexOf('Gr_Liv_Area');
    const values = Array.from({ length: enc.numRows }, (_, i) => enc.features[i * enc.numFeatures + col]);
    const mean = values.reduce((a, b) => a + b) / values.length;
    expect(mean).toBeCloseTo(0, 5);
    expect(Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length)).toBeCloseTo(1, 5);
    // The test split is encoded with the training statistics, and prices come back.
    const before = memory().numTensors;
    const ds = prep.toDataset(test);
    expect(ds.tensors[0].shape).toEqual([test.length, prep.numFeatures]);
    expect(ds.tensors[1].shape).toEqual([test.length, 1]);
    const prices = prep.inverseTarget(ds.tensors[1]);
    const actual = test.column('Sale_Price').map(Number);
    prices.forEach((p, i) => expect(Math.abs(p - actual[i]) / actual[i]).toBeLessThan(1e-4));
    let rows = 0;
    for (const [x, y] of new DataLoader(ds, { batchSize: 16, shuffle: true, seed: 3 })) {
      expect(x.shape[1]).toBe(prep.numFeatures);
      rows += y.shape[0];
      dispose([x, y]);
    }
    expect(rows).toBe(test.length);
    ds.dispose();
    expect(memory().numTensors).toBe(before);
  });
});
