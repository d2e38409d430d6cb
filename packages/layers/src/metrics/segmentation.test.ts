import '@nn/backend-cpu';
import { tensor, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { Dice, IoU, PixelAccuracy, dice, dicePerClass, iou, iouPerClass, pixelAccuracy } from './segmentation.js';

const ints = (values: number[], shape: number[]): Tensor => tensor(values, shape, 'int32');

describe('IoU and Dice of binary masks', () => {
  // Prediction {0, 2} against truth {0}: intersection 1, union 2, sizes 2 and 1.
  const probabilities = tensor([[[0.9, 0.2], [0.7, 0.1]]]);
  const truth = ints([1, 0, 0, 0], [1, 2, 2]);

  it('thresholds probabilities and scores the foreground', () => {
    expect(iou(probabilities, truth)).toBe(0.5);
    expect(dice(probabilities, truth)).toBeCloseTo(2 / 3, 12);
  });

  it('takes 0/1 and bool masks as they are, and a threshold for logits', () => {
    expect(iou(ints([1, 0, 1, 0], [1, 2, 2]), truth)).toBe(0.5);
    expect(iou(tensor([true, false, true, false], [1, 2, 2], 'bool'), truth)).toBe(0.5);
    expect(iou(tensor([[[3, -1], [0.5, -2]]]), truth, { threshold: 0 })).toBe(0.5);
  });

  it('two empty masks agree perfectly', () => {
    expect(iou(ints([0, 0], [1, 2]), ints([0, 0], [1, 2]))).toBe(1);
    expect(dice(ints([0, 0], [1, 2]), ints([0, 0], [1, 2]))).toBe(1);
  });

  it('sums pixels over all images by default, or averages per-image scores', () => {
    // Image 0: I=1, U=1. Image 1: I=1, U=3.
    const pred = ints([1, 0, 0, 1, 1, 1], [2, 3]);
    const target = ints([1, 0, 0, 1, 0, 0], [2, 3]);
    expect(iou(pred, target)).toBe(2 / 4);
    expect(iou(pred, target, { perImage: true })).toBeCloseTo((1 + 1 / 3) / 2, 12);
    expect(dice(pred, target, { perImage: true })).toBeCloseTo((1 + 0.5) / 2, 12);
  });

  it('accumulates across batches like one big batch', () => {
    const m = new Dice();
    m.update(ints([1, 1], [1, 2]), ints([1, 0], [1, 2]));
    m.update(ints([0, 1], [1, 2]), ints([1, 1], [1, 2]));
    expect(m.compute()).toBeCloseTo(dice(ints([1, 1, 0, 1], [2, 2]), ints([1, 0, 1, 1], [2, 2])), 12);
    m.reset();
    expect(m.compute()).toBeNaN();
  });
});

describe('mean IoU over several classes', () => {
  it('averages the classes that occur, from [N, C, H, W] scores', () => {
    // Predicted labels [0, 1, 2, 2] against truth [0, 1, 1, 2]: IoU 1, 1/2, 1/2.
    const scores = tensor([
      [
        [[5, 0], [0, 0]],
        [[0, 5], [0, 0]],
        [[0, 0], [5, 5]],
        [[0, 0], [0, 0]], // class 3 never occurs and does not count
      ],
    ]);
    const truth = ints([0, 1, 1, 2], [1, 2, 2]);
    expect(iou(scores, truth)).toBeCloseTo((1 + 0.5 + 0.5) / 3, 12);
    expect(dice(scores, truth)).toBeCloseTo((1 + 2 / 3 + 2 / 3) / 3, 12);
    expect(new IoU().name).toBe('iou');
  });

  it('reads same-shaped label maps as classes when numClasses is given', () => {
    expect(iou(ints([0, 1, 2, 2], [1, 4]), ints([0, 1, 1, 2], [1, 4]), { numClasses: 3 })).toBeCloseTo(2 / 3, 12);
  });
});

describe('pixel accuracy and per-class scores', () => {
  // Predicted [0, 1, 2, 2, 0, 0] against truth [0, 1, 1, 2, 0, 3] (classes 0..4, 4 never occurs):
  //   class 0: TP 2 (pixels 0, 4), FP 1 (pixel 5), FN 0 → IoU 2/3, Dice 4/5, accuracy 2/2
  //   class 1: TP 1, FP 0, FN 1 (pixel 2)            → IoU 1/2, Dice 2/3, accuracy 1/2
  //   class 2: TP 1, FP 1 (pixel 2), FN 0            → IoU 1/2, Dice 2/3, accuracy 1/1
  //   class 3: TP 0, FP 0, FN 1 (pixel 5)            → IoU 0,   Dice 0,   accuracy 0/1
  //   class 4: nowhere                               → NaN (and out of every mean)
  // Pixel accuracy: 4 right of 6.
  const predicted = ints([0, 1, 2, 2, 0, 0], [1, 6]);
  const truth = ints([0, 1, 1, 2, 0, 3], [1, 6]);
  const options = { numClasses: 5 };

  it('pixel accuracy counts every pixel, background included', () => {
    expect(pixelAccuracy(predicted, truth, options)).toBeCloseTo(4 / 6, 12);
    // Binary masks: 3 of 4 pixels right (the background pixel 3 counts too).
    expect(pixelAccuracy(tensor([[0.9, 0.2, 0.7, 0.1]]), ints([1, 0, 0, 0], [1, 4]))).toBe(0.75);
    expect(new PixelAccuracy().name).toBe('pixel_accuracy');
  });

  it('per-class IoU and Dice, NaN for a class that occurs nowhere, padded to numClasses', () => {
    const expectClose = (actual: number[], expected: number[]): void => {
      expect(actual).toHaveLength(expected.length);
      expected.forEach((v, k) => (Number.isNaN(v) ? expect(actual[k]).toBeNaN() : expect(actual[k]).toBeCloseTo(v, 12)));
    };
    expectClose(iouPerClass(predicted, truth, options), [2 / 3, 1 / 2, 1 / 2, 0, NaN]);
    expectClose(dicePerClass(predicted, truth, options), [4 / 5, 2 / 3, 2 / 3, 0, NaN]);
    // The mean IoU is the mean of the classes that are not NaN.
    expect(iou(predicted, truth, options)).toBeCloseTo((2 / 3 + 1 / 2 + 1 / 2 + 0) / 4, 12);
    const accuracy = new PixelAccuracy(options);
    accuracy.update(predicted, truth);
    expectClose(accuracy.perClass(), [1, 1 / 2, 1, 0, NaN]);
  });

  it('binary masks give background then foreground; per-class pools every image', () => {
    // Image 0: pred [1, 0], truth [1, 0]; image 1: pred [1, 1], truth [0, 1].
    // Background: TP 1, FP 0, FN 1 → 1/2. Foreground: TP 2, FP 1, FN 0 → 2/3.
    const m = new IoU({ perImage: true });
    m.update(ints([1, 0, 1, 1], [2, 2]), ints([1, 0, 0, 1], [2, 2]));
    expect(m.perClass()).toEqual([1 / 2, 2 / 3]);
    expect(m.compute()).toBeCloseTo((1 + 1 / 2) / 2, 12); // per image: foreground IoU 1, then 1/2
    m.reset();
    expect(m.perClass()).toEqual([]);
  });
});

describe('mask metric errors', () => {
  it('a binary target must hold 0 and 1', () => {
    expect(() => iou(tensor([[0.2, 0.8]]), ints([0, 2], [1, 2]))).toThrow('iou: target must hold class indices (integers in [0, 2)), got 2 at flat index 1');
    expect(() => iou(ints([0, 1], [1, 2]), ints([0, 2], [1, 2]))).toThrow('iou: binary masks hold 0 and 1 (set numClasses for label maps), got 2 at flat index 1');
    expect(() => iou(ints([0, 2], [1, 2]), ints([0, 1], [1, 2]))).toThrow('iou: binary masks hold 0 and 1 (set numClasses for label maps), got 2 at flat index 1');
    expect(() => dice(ints([0, 3], [1, 2]), ints([0, 1], [1, 2]), { numClasses: 3 })).toThrow('dice: labels must be below numClasses=3, got 3 at flat index 1');
  });

  it('mismatched shapes and mixed batches are errors', () => {
    expect(() => dice(tensor([[0.5, 0.5]]), ints([0, 1, 1], [1, 3]))).toThrow(/dice: output \[1,2\] does not fit target \[1,3\]/);
    const m = new IoU();
    m.update(ints([0, 1], [1, 2]), ints([0, 1], [1, 2]));
    expect(() => m.update(tensor([[[1, 0]], [[0, 1]]]).reshape([1, 2, 2]), ints([0, 1], [1, 2]))).toThrow('iou: a batch of class labels after batches of the other kind');
    expect(() => new IoU({ numClasses: 0 })).toThrow('iou: numClasses must be a positive integer, got 0');
  });
});
