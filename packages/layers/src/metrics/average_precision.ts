/**
 * Average precision: the area under a precision–recall curve, by the two rules detection
 * benchmarks use. Both take the raw curve, one point per detection in descending score
 * order (recall non-decreasing), and first replace each precision by the highest precision
 * at any recall at least as large (the "envelope", so the curve never rises to the right).
 *
 * - VOC all-point (the PASCAL VOC devkit from 2010 on, `voc_ap(use_07_metric=False)`): the
 *   exact area under the envelope's steps, Σ (r_i − r_{i−1}) · p_i over the points where
 *   recall changes.
 * - COCO 101-point (pycocotools' `accumulate`): the mean of the envelope's precision at the
 *   recalls 0, 0.01, ..., 1, each read at the first point whose recall reaches it, and 0
 *   where the curve never reaches it.
 */

/** The precision envelope: p_i ← max(p_j for j ≥ i). */
export function precisionEnvelope(precision: readonly number[]): number[] {
  const envelope = [...precision];
  for (let i = envelope.length - 2; i >= 0; i--) envelope[i] = Math.max(envelope[i], envelope[i + 1]);
  return envelope;
}

/** VOC2010+ all-point AP of a raw precision–recall curve. */
export function allPointAp(recall: readonly number[], precision: readonly number[]): number {
  // The devkit pads the curve with (0, 0) in front and (1, 0) behind; the (1, 0) end adds
  // nothing to the area, and with the (0, ·) front the sum starts from recall 0.
  const envelope = precisionEnvelope(precision);
  let area = 0;
  let previous = 0;
  for (let i = 0; i < recall.length; i++) {
    if (recall[i] !== previous) area += (recall[i] - previous) * envelope[i];
    previous = recall[i];
  }
  return area;
}

/** COCO's recall thresholds, 0:0.01:1 as numpy's linspace makes them (i · 0.01). */
export const cocoRecallThresholds: readonly number[] = Array.from({ length: 101 }, (_, i) => (i === 100 ? 1 : i * 0.01));

/** The envelope's precision at each of COCO's 101 recall thresholds (0 where not reached). */
export function cocoPrecisionAtRecalls(recall: readonly number[], precision: readonly number[]): number[] {
  const envelope = precisionEnvelope(precision);
  // numpy's searchsorted(recall, threshold, side='left'): the first point with recall ≥ threshold.
  let point = 0;
  return cocoRecallThresholds.map((threshold) => {
    while (point < recall.length && recall[point] < threshold) point++;
    return point < recall.length ? envelope[point] : 0;
  });
}

/** COCO 101-point interpolated AP of a raw precision–recall curve. */
export function cocoAp(recall: readonly number[], precision: readonly number[]): number {
  const q = cocoPrecisionAtRecalls(recall, precision);
  return q.reduce((a, b) => a + b, 0) / q.length;
}
