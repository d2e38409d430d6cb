import { describe, expect, it } from 'vitest';
import { boxIoU, centerToCorners, nonMaxSuppression, type Box } from './nms.js';

describe('boxIoU', () => {
  it('is intersection over union', () => {
    expect(boxIoU([0, 0, 2, 2], [1, 1, 3, 3])).toBeCloseTo(1 / 7);
    expect(boxIoU([0, 0, 2, 2], [0, 0, 2, 2])).toBe(1);
    expect(boxIoU([0, 0, 1, 1], [2, 2, 3, 3])).toBe(0);
    expect(boxIoU([0, 0, 1, 1], [1, 0, 2, 1])).toBe(0); // touching edges
    expect(boxIoU([0, 0, 0, 0], [0, 0, 0, 0])).toBe(0);
  });

  it('converts centre and size to corners', () => {
    expect(centerToCorners(0.5, 0.5, 0.2, 0.4)).toEqual([0.4, 0.3, 0.6, 0.7]);
  });
});

describe('nonMaxSuppression', () => {
  const boxes: Box[] = [
    [0, 0, 10, 10], // 0
    [1, 1, 11, 11], // 1: IoU with 0 is 81/119 ≈ 0.68
    [20, 20, 30, 30], // 2: apart
    [0, 0, 10, 9], // 3: IoU with 0 is 0.9
  ];

  it('keeps the best box of each cluster, best first', () => {
    expect(nonMaxSuppression(boxes, [0.9, 0.8, 0.7, 0.95])).toEqual([3, 2]);
    expect(nonMaxSuppression(boxes, [0.9, 0.8, 0.7, 0.95], { iouThreshold: 0.7 })).toEqual([3, 1, 2]);
  });

  it('applies the score threshold and the maximum count', () => {
    expect(nonMaxSuppression(boxes, [0.9, 0.8, 0.7, 0.95], { scoreThreshold: 0.75 })).toEqual([3]);
    expect(nonMaxSuppression(boxes, [0.9, 0.8, 0.7, 0.95], { iouThreshold: 1, maxDetections: 2 })).toEqual([3, 0]);
  });

  it('breaks ties by index and handles no boxes', () => {
    expect(nonMaxSuppression([[0, 0, 1, 1], [0, 0, 1, 1]], [0.5, 0.5])).toEqual([0]);
    expect(nonMaxSuppression([], [])).toEqual([]);
  });

  it('rejects mismatched inputs and malformed boxes', () => {
    expect(() => nonMaxSuppression(boxes, [1])).toThrow(/nonMaxSuppression: got 4 boxes but 1 scores/);
    expect(() => nonMaxSuppression([[2, 0, 1, 1]], [1])).toThrow(/nonMaxSuppression: box 0 must be \[x1, y1, x2, y2\] with x1 <= x2 and y1 <= y2, got \[2, 0, 1, 1\]/);
    expect(() => nonMaxSuppression(boxes, [1, 1, 1, 1], { iouThreshold: 2 })).toThrow(/iouThreshold must be in \[0, 1\], got 2/);
  });
});
