import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseCsv, splitTable } from '@nn/data';
import { load } from '@nn/layers/node';
import { dispose, memory, setBackend } from '@nn/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { predictPrices } from './predict.js';
import { DEFAULT_CSV, DEFAULTS, FILES, train, type TrainOptions } from './train.js';

const dir = mkdtempSync(join(tmpdir(), 'house-prices-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A short run on the embedded data: small network, few epochs. */
const quick: TrainOptions = { ...DEFAULTS, out: join(dir, 'model'), hidden: [16], lr: 1e-3, epochs: 4, patience: 10, progress: 'none', log: () => undefined };

describe('train on the embedded Ames data (short run)', () => {
  it('reports sane test scores and writes the model, preprocessing, scores and charts', async () => {
    const before = memory().numTensors;
    const result = await train(quick);
    expect(memory().numTensors).toBe(before); // everything it made is freed
    expect(result.rows).toEqual({ train: 1993, validation: 351, test: 586 });
    expect(result.features).toBeGreaterThan(250);
    expect(result.epochsRun).toBe(4);
    // Four epochs of a tiny network already beat the mean predictor (RMSLE about 0.42) by far.
    expect(result.test.rmsle).toBeGreaterThan(0.05);
    expect(result.test.rmsle).toBeLessThan(0.3);
    expect(result.test.r2).toBeGreaterThan(0.5);
    expect(result.test.rmse).toBeGreaterThan(5_000);
    expect(result.test.rmse).toBeLessThan(80_000);
    expect(result.test.mae).toBeLessThan(result.test.rmse);
    for (const f of Object.values(FILES)) expect(existsSync(join(quick.out, f))).toBe(true);
    const png = readFileSync(join(quick.out, FILES.lossChart));
    expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
    const metrics = JSON.parse(readFileSync(join(quick.out, FILES.metrics), 'utf8')) as { test: { rmsle: number }; bestEpoch: number };
    expect(metrics.test.rmsle).toBe(result.test.rmsle);
    const weights = await load(join(quick.out, FILES.weights));
    expect(Object.keys(weights).sort()).toEqual(['0.bias', '0.weight', '3.bias', '3.weight']); // Linear, ReLU, Dropout, Linear
    dispose(Object.values(weights));
  });

  it('repeats exactly with the same seed', async () => {
    const again = await train({ ...quick, out: join(dir, 'again'), charts: false });
    const first = JSON.parse(readFileSync(join(quick.out, FILES.metrics), 'utf8')) as { test: unknown };
    expect(again.test).toEqual(first.test);
  });

  it('predict prices the test houses as training scored them', async () => {
    // The same split as training: the test rows, without their prices.
    const table = parseCsv(gunzipSync(readFileSync(DEFAULT_CSV)).toString('utf8'));
    const [, test] = splitTable(table, [0.8, 0.2], { seed: DEFAULTS.seed });
    const k = table.columnIndex('Sale_Price');
    const columns = table.columns.filter((_, i) => i !== k);
    const csv = join(dir, 'new-houses.csv');
    writeFileSync(csv, [columns.join(','), ...test.rows.map((r) => r.filter((_, i) => i !== k).join(','))].join('\n'));
    const out = join(dir, 'prices.csv');
    const before = memory().numTensors;
    const text = await predictPrices({ model: quick.out, csv, out, backend: 'cpu' });
    expect(memory().numTensors).toBe(before);
    expect(readFileSync(out, 'utf8')).toBe(text);
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe('row,Sale_Price');
    expect(lines).toHaveLength(test.length + 1);
    const predicted = lines.slice(1).map((l) => Number(l.split(',')[1]));
    const actual = test.rows.map((r) => Number(r[k]));
    const rmsle = Math.sqrt(predicted.reduce((s, p, i) => s + (Math.log1p(p) - Math.log1p(actual[i])) ** 2, 0) / predicted.length);
    const metrics = JSON.parse(readFileSync(join(quick.out, FILES.metrics), 'utf8')) as { test: { rmsle: number } };
    expect(rmsle).toBeCloseTo(metrics.test.rmsle, 5);
    // --out is checked before any work, and errors name it, not the temporary file beside it.
    await expect(predictPrices({ model: quick.out, csv, out: dir, backend: 'cpu' })).rejects.toThrow(`--out ${dir}: is a folder, expected a file`);
    const lost = join(dir, 'no-such-folder', 'prices.csv');
    await expect(predictPrices({ model: quick.out, csv, out: lost, backend: 'cpu' })).rejects.toThrow(`--out ${lost}: the folder ${join(dir, 'no-such-folder')} does not exist`);
    // An id column names the rows.
    const byId = await predictPrices({ model: quick.out, csv, id: 'Neighborhood', backend: 'cpu' });
    expect(byId.split('\n')[1]).toMatch(/^[A-Za-z_]+,\d+\.\d\d$/);
  });
});

describe('--backend gpujs', () => {
  it('says which gpu.js mode ran, as image-classifier does', async () => {
    const csv = join(dir, 'small.csv');
    writeFileSync(csv, ['x,y', ...Array.from({ length: 40 }, (_, i) => `${i},${2 * i + 1}`)].join('\n'));
    const lines: string[] = [];
    try {
      await train({ ...quick, csv, target: 'y', out: join(dir, 'gpujs'), backend: 'gpujs', hidden: [4], epochs: 1, charts: false, log: (line) => lines.push(line) });
    } finally {
      await setBackend('cpu');
    }
    expect(lines[0]).toMatch(/; backend gpujs \(gpu\.js mode (webgl2|webgl|headlessgl|webgpu|webasm|cpu)\)$/);
  });
});

describe('train and predict with other CSVs', () => {
  it('learns any numeric target named by --target', async () => {
    const csv = join(dir, 'lines.csv');
    const rows = Array.from({ length: 200 }, (_, i) => `${i % 17},${(i * 7) % 13},${['a', 'b', 'c'][i % 3]},${10 + 2 * (i % 17) + ((i * 7) % 13) + (i % 3)}`);
    writeFileSync(csv, ['u,v,kind,value', ...rows].join('\n'));
    const result = await train({ ...quick, csv, target: 'value', out: join(dir, 'lines'), hidden: [8], epochs: 3, charts: false });
    expect(result.features).toBe(5);
    expect(result.rows.test).toBe(40);
    expect(Number.isFinite(result.test.rmse)).toBe(true);
  });
});
