import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import { Module } from '@nn/layers';
import { setBackend, tensor, type Tensor } from '@nn/tensor';
import { nameObjects } from './detect.js';

await setBackend('cpu');

/** A stand-in crop classifier: the same logits for every crop. */
class Fixed extends Module<[Tensor], Tensor> {
  constructor(readonly logits: number[]) {
    super();
  }
  forward(x: Tensor): Tensor {
    return tensor(Array.from({ length: x.shape[0] }, () => this.logits).flat(), [x.shape[0], this.logits.length]);
  }
}

describe('nameObjects (the second stage of detection)', () => {
  it('reports each found box once per likely class, scored objectness × probability, best first', () => {
    // Softmax of logits ln(0.6), ln(0.3), ln(0.06), ln(0.04/7) × 7: probabilities 0.6, 0.3, 0.06, then 0.04/7 each
    // (under NAMED_MIN_PROBABILITY 0.05). Every test-time view gives the same, so the average is the same.
    const logits = [Math.log(0.6), Math.log(0.3), Math.log(0.06), ...Array.from({ length: 7 }, () => Math.log(0.04 / 7))];
    const image = { channels: 3, height: 64, width: 64, data: new Float32Array(3 * 64 * 64) };
    const found = [[{ box: [0.25, 0.25, 0.75, 0.75] as [number, number, number, number], score: 0.5, classId: 0 }], []];
    const [named, none] = nameObjects(new Fixed(logits), [{ image }, { image }], found);
    expect(none).toEqual([]);
    expect(named.map((d) => d.classId)).toEqual([0, 1, 2]);
    named.forEach((d, k) => {
      expect(d.score).toBeCloseTo(0.5 * [0.6, 0.3, 0.06][k], 5);
      expect(d.box).toEqual([0.25, 0.25, 0.75, 0.75]);
    });
  });
});
