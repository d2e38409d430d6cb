/**
 * Boxes, their overlap, and non-maximum suppression: the post-processing that turns a
 * detector's many overlapping candidates into one box per object. Plain numbers, not tensors:
 * this runs once per image on a few hundred candidates, after the network.
 *
 * Boxes are corners [x1, y1, x2, y2] with x1 ≤ x2 and y1 ≤ y2, in any unit (the zoo's
 * detectors give fractions of the image size).
 */
import { cornerBoxIou } from '@nn/layers';

export type Box = readonly [number, number, number, number];

/** Intersection over union of two corner boxes; 0 when they do not overlap or both are empty (@nn/layers' cornerBoxIou). */
export const boxIoU: (a: Box, b: Box) => number = cornerBoxIou;

/** Centre, width and height → corners. */
export function centerToCorners(cx: number, cy: number, w: number, h: number): Box {
  return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
}

export interface NMSOptions {
  /** A box overlapping a kept one by more than this is suppressed. Default 0.5. */
  iouThreshold?: number;
  /** Boxes scoring below this are dropped first. Default -Infinity (keep all). */
  scoreThreshold?: number;
  /** At most this many boxes are kept. Default Infinity. */
  maxDetections?: number;
}

/**
 * Greedy non-maximum suppression: take the best-scoring box, drop every remaining box that
 * overlaps it by more than iouThreshold, repeat. Returns the kept indices, best first (ties
 * keep the earlier index, as torchvision's nms).
 */
export function nonMaxSuppression(boxes: readonly Box[], scores: readonly number[], options: NMSOptions = {}): number[] {
  if (boxes.length !== scores.length) throw new Error(`nonMaxSuppression: got ${boxes.length} boxes but ${scores.length} scores`);
  const iouThreshold = options.iouThreshold ?? 0.5;
  const scoreThreshold = options.scoreThreshold ?? -Infinity;
  const maxDetections = options.maxDetections ?? Infinity;
  if (!(iouThreshold >= 0 && iouThreshold <= 1)) throw new Error(`nonMaxSuppression: iouThreshold must be in [0, 1], got ${iouThreshold}`);
  boxes.forEach((b, i) => {
    if (b.length !== 4 || !(b[0] <= b[2] && b[1] <= b[3])) throw new Error(`nonMaxSuppression: box ${i} must be [x1, y1, x2, y2] with x1 <= x2 and y1 <= y2, got [${b.join(', ')}]`);
  });
  const order = scores
    .map((s, i) => i)
    .filter((i) => scores[i] >= scoreThreshold)
    .sort((i, j) => scores[j] - scores[i] || i - j);
  const kept: number[] = [];
  const suppressed = new Uint8Array(boxes.length);
  for (const i of order) {
    if (kept.length >= maxDetections) break;
    if (suppressed[i]) continue;
    kept.push(i);
    for (const j of order) if (!suppressed[j] && j !== i && boxIoU(boxes[i], boxes[j]) > iouThreshold) suppressed[j] = 1;
  }
  return kept;
}
