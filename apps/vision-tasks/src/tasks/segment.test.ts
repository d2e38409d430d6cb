import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import { diceLoss } from '@nn/layers';
import { setBackend, tensor } from '@nn/tensor';
import { foregroundDice } from './segment.js';

// Two scenes of 2×2 pixels, 3 classes: mostly background, one pixel of a garment each.
await setBackend('cpu');
const target = tensor([0, 0, 0, 1, 0, 2, 0, 0], [2, 2, 2], 'int32');
/** Scores [2, 3, 2, 2] that put `label[i]` on pixel i with a wide margin. */
function scoresOf(labels: number[]): ReturnType<typeof tensor> {
  const values = new Float32Array(2 * 3 * 4);
  labels.forEach((c, i) => {
    const n = Math.floor(i / 4);
    for (let k = 0; k < 3; k++) values[n * 12 + k * 4 + (i % 4)] = k === c ? 20 : -20;
  });
  return tensor(values, [2, 3, 2, 2]);
}

describe('foregroundDice', () => {
  it('is near 0 for a perfect mask', () => {
    expect(foregroundDice(scoresOf([0, 0, 0, 1, 0, 2, 0, 0]), target).item()).toBeLessThan(1e-3);
  });

  it('leaves the background out: all-background masks lose the most (the per-scene Dice forgives them)', () => {
    const background = scoresOf([0, 0, 0, 0, 0, 0, 0, 0]);
    // Per class and scene, the absent classes and the background score well: the collapse looks cheap.
    expect(diceLoss(background, target, { activation: 'softmax' }).item()).toBeLessThan(0.25);
    expect(foregroundDice(background, target).item()).toBeGreaterThan(0.45);
  });
});
