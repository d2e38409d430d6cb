import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import { diceLoss } from '@nn/layers';
import { setBackend, tensor } from '@nn/tensor';
import { centreLoss, foregroundDice } from './segment.js';

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

describe('centreLoss', () => {
  // One 1×4 heatmap: a centre at pixel 1 (target 1), its neighbours 0.5 and 0.25, a far pixel 0.
  const truth = Float32Array.of(0.5, 1, 0.5, 0);
  const loss = (logits: number[]): number => centreLoss(tensor(logits, [1, 1, 1, 4]), truth, 1).item();

  it('is near 0 where the heat is 1 at the centre and 0 elsewhere', () => {
    expect(loss([-20, 20, -20, -20])).toBeLessThan(1e-6);
  });

  it('punishes a missed centre, and heat beside a centre less than far from it', () => {
    // A missed centre (p = 0.5): (1 − p)² · −log p = 0.25 · log 2.
    expect(loss([-20, 0, -20, -20])).toBeCloseTo(0.25 * Math.log(2), 5);
    // Heat 0.5 beside the centre (target 0.5): (1 − 0.5)^4 · 0.5² · log 2; far from it, (1 − 0)^4 · the same: 16 times as much.
    const beside = loss([0, 20, -20, -20]);
    const far = loss([-20, 20, -20, 0]);
    expect(beside).toBeCloseTo(0.0625 * 0.25 * Math.log(2), 5);
    expect(far / beside).toBeCloseTo(16, 3);
  });
});
