import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import { randn } from '@nn/tensor';
import { Linear } from '../index.js';
import { saveOnnx } from '../node.js';
import { onnxSignature } from '../test-utils/onnx_runtime.js';
import { exportOnnx } from './export.js';

describe('saveOnnx', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('writes the exported bytes to the file, leaving no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nn-onnx-'));
    dirs.push(dir);
    const model = new Linear(3, 2);
    const x = randn([2, 3]);
    const path = join(dir, 'model.onnx');
    await saveOnnx(path, model, x, { inputNames: ['features'], outputNames: ['scores'] });
    const bytes = new Uint8Array(readFileSync(path));
    expect(bytes).toEqual(exportOnnx(model, x, { inputNames: ['features'], outputNames: ['scores'] }));
    expect(await onnxSignature(bytes)).toEqual({ inputNames: ['features'], outputNames: ['scores'] });
    expect(readdirSync(dir)).toEqual(['model.onnx']);
  });
});
