/**
 * --backend gpujs: the same checkpoint gives the same probabilities on @nn/backend-gpujs as on
 * the CPU, or, where gpu.js cannot start, one line saying so.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodePng } from '@nn/data';
import { getBackend, setBackend } from '@nn/tensor';
import { useBackend } from '@nn/app-kit/backend';
import { classify } from './classify.js';
import { loadData } from './data.js';
import { imageAt } from './datasets.js';
import { modelFolder, Recorder, tempDir } from './test-utils/fixtures.js';

describe('--backend', () => {
  it('gpujs classifies as cpu does (or says in one line why it cannot run)', async () => {
    const model = await modelFolder();
    const file = join(await tempDir(), 'test1.png');
    await writeFile(file, encodePng(imageAt((await loadData()).test, 1)));
    const [onCpu] = await classify({ model, images: [file], backend: 'cpu', top: 10 }, new Recorder());
    let gpujs;
    try {
      await useBackend('gpujs');
    } catch (error) {
      expect((error as Error).message).toMatch(/^--backend gpujs: [^\n]+; use --backend cpu$/);
      return;
    }
    try {
      expect(getBackend()).toBe('gpujs');
      [gpujs] = await classify({ model, images: [file], backend: 'gpujs', top: 10 }, new Recorder());
    } finally {
      await setBackend('cpu');
    }
    expect(gpujs.top.map((t) => t.label)).toEqual(onCpu.top.map((t) => t.label));
    gpujs.top.forEach((t, i) => expect(t.probability).toBeCloseTo(onCpu.top[i].probability, 4));
  });
});
