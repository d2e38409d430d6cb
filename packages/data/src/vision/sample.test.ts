import '@nn/backend-cpu';
import { dispose } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { checkSample, sampleToTensors } from './sample.js';
import { generateScene } from './scene.js';
import { testItems } from '../test-utils/vision_items.js';

describe('sampleToTensors', () => {
  it('makes the tensors of a scene, with or without objects', () => {
    for (const objects of [0, 2]) {
      const scene = generateScene(testItems(), { size: 16, minObjects: objects, maxObjects: objects, overlap: 'avoid', seed: 2 });
      const t = sampleToTensors(scene);
      const k = scene.labels.length;
      expect([t.image.shape, t.mask!.shape, t.boxes!.shape, t.labels!.shape, t.instanceMasks!.shape]).toEqual([[3, 16, 16], [16, 16], [k, 4], [k], [k, 16, 16]]);
      expect([t.mask!.dtype, t.labels!.dtype, t.boxes!.dtype]).toEqual(['int32', 'int32', 'float32']);
      expect(Array.from(t.labels!.dataSync())).toEqual(Array.from(scene.labels));
      dispose([t.image, t.mask!, t.boxes!, t.labels!, t.instanceMasks!]);
    }
  });

  it('checks that targets fit the image', () => {
    const image = { channels: 1, height: 2, width: 3, data: new Uint8Array(6) };
    expect(() => checkSample('op', { image, mask: new Uint8Array(5) })).toThrow('op: mask has 5 values, expected height × width = 2 × 3 = 6');
    expect(() => checkSample('op', { image, boxes: new Float32Array(8), labels: new Int32Array(1) })).toThrow('op: 2 boxes but 1 labels');
    expect(() => checkSample('op', { image, boxes: new Float32Array(4), instanceMasks: new Uint8Array(12) })).toThrow('op: instanceMasks has 12 values, expected objects × height × width = 1 × 2 × 3');
  });
});
