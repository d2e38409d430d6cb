import '@nn/backend-cpu';
import { tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { allPointAp, cocoAp, cocoRecallThresholds } from './average_precision.js';
import { boxConvert } from './boxes.js';
import { MeanAveragePrecision, cocoIouThresholds, type DetectionPrediction, type DetectionTarget } from './detection.js';

/**
 * The hand-worked case: one class (0), 2 images, 3 ground-truth boxes, 4 detections, two
 * of them tied at score 0.8.
 *
 *   image 0  truth g0 [0,0,10,10], g1 [20,20,30,30]
 *            d0 [0,0,10,10]   0.9   IoU 1 with g0: TP at every threshold
 *            d1 [20,20,30,32] 0.8   IoU with g1 = 100/120 = 0.833: TP at 0.50..0.80, FP at 0.85..0.95
 *   image 1  truth g2 [0,0,10,10]
 *            d2 [5,0,15,10]   0.8   IoU with g2 = 50/150 = 0.333: FP everywhere
 *            d3 [0,0,10,10]   0.7   IoU 1 with g2: TP at every threshold
 *
 * The tie keeps image order (d1 before d2), as pycocotools' mergesort does.
 * At IoU 0.5 (and up to 0.8), G = 3:
 *   d0 TP  recall 1/3  precision 1/1
 *   d1 TP  recall 2/3  precision 2/2
 *   d2 FP  recall 2/3  precision 2/3
 *   d3 TP  recall 3/3  precision 3/4      envelope: 1, 1, 3/4, 3/4
 *   VOC all-point: 1/3·1 + 1/3·1 + 0 + 1/3·3/4 = 11/12 = 0.91667
 *   COCO 101-point: recalls 0..0.33 read point 0 (1), 0.34..0.66 point 1 (1), 0.67..1 point 3
 *   (3/4): (34 + 33 + 34·0.75) / 101 = 92.5/101 = 0.91584
 * At IoU 0.85, 0.9, 0.95:
 *   d0 TP 1/3, 1;  d1 FP 1/3, 1/2;  d2 FP 1/3, 1/3;  d3 TP 2/3, 1/2      envelope: 1, 1/2, 1/2, 1/2
 *   COCO: recalls 0..0.33 → 1, 0.34..0.66 → 1/2 (point 3), 0.67..1 never reached → 0:
 *   (34 + 33·0.5) / 101 = 50.5/101 = 0.5
 * COCO mAP@[.5:.95] = (7·92.5 + 3·50.5) / 1010 = 799/1010 = 0.79109.
 */
const preds: DetectionPrediction[] = [
  { boxes: [[0, 0, 10, 10], [20, 20, 30, 32]], scores: [0.9, 0.8], labels: [0, 0] },
  { boxes: [[5, 0, 15, 10], [0, 0, 10, 10]], scores: [0.8, 0.7], labels: [0, 0] },
];
const targets: DetectionTarget[] = [
  { boxes: [[0, 0, 10, 10], [20, 20, 30, 30]], labels: [0, 0] },
  { boxes: [[0, 0, 10, 10]], labels: [0] },
];

function mapOf(p: DetectionPrediction[], t: DetectionTarget[], options = {}): ReturnType<MeanAveragePrecision['compute']> {
  const metric = new MeanAveragePrecision(options);
  metric.update(p, t);
  return metric.compute();
}

describe('average precision of a precision–recall curve', () => {
  it('the two interpolations differ on the same curve', () => {
    const recall = [1 / 3, 2 / 3, 2 / 3, 1];
    const precision = [1, 1, 2 / 3, 3 / 4];
    expect(allPointAp(recall, precision)).toBeCloseTo(11 / 12, 12);
    expect(cocoAp(recall, precision)).toBeCloseTo(92.5 / 101, 12);
  });

  it('COCO reads each recall threshold at the first point reaching it (numpy searchsorted, side left)', () => {
    // One point at recall exactly 0.5: thresholds 0..0.5 (51 of them) reach it, 0.51..1 do not.
    expect(cocoAp([0.5], [1])).toBeCloseTo(51 / 101, 12);
    expect(cocoRecallThresholds).toHaveLength(101);
    expect(cocoRecallThresholds[100]).toBe(1);
    expect(allPointAp([], [])).toBe(0);
    expect(cocoAp([], [])).toBe(0);
  });
});

describe('MeanAveragePrecision on the hand-worked case', () => {
  it('gives VOC all-point and COCO 101-point AP at 0.5, and COCO mAP@[.5:.95]', () => {
    const r = mapOf(preds, targets);
    expect(r.map50Voc).toBeCloseTo(11 / 12, 12);
    expect(r.map50).toBeCloseTo(92.5 / 101, 12);
    expect(r.map75).toBeCloseTo(92.5 / 101, 12);
    expect(r.map).toBeCloseTo(799 / 1010, 12);
    const [c] = r.classes;
    expect(c).toMatchObject({ label: 0, groundTruth: 3, detections: 4, recall: 1 });
    c.apPerThreshold.forEach((ap, k) => expect(ap).toBeCloseTo(k <= 6 ? 92.5 / 101 : 50.5 / 101, 12));
    expect(r.iouThresholds).toEqual([...cocoIouThresholds]);
  });

  it('returns the raw precision–recall curve at IoU 0.5, in score order', () => {
    const { curve } = mapOf(preds, targets).classes[0];
    [1 / 3, 2 / 3, 2 / 3, 1].forEach((v, i) => expect(curve.recall[i]).toBeCloseTo(v, 12));
    [1, 1, 2 / 3, 3 / 4].forEach((v, i) => expect(curve.precision[i]).toBeCloseTo(v, 12));
    expect(curve.scores).toEqual([0.9, 0.8, 0.8, 0.7]);
  });

  it('tied scores keep image order: swapping the images changes the answer', () => {
    // Now d2 (FP) comes before d1 (TP): at 0.5 the points are (1/3, 1), (1/3, 1/2), (2/3, 2/3),
    // (1, 3/4); envelope 1, 3/4, 3/4, 3/4; VOC = 1/3 + 1/3·3/4 + 1/3·3/4 = 5/6.
    const r = mapOf([preds[1], preds[0]], [targets[1], targets[0]]);
    expect(r.map50Voc).toBeCloseTo(5 / 6, 12);
    // COCO: 0..0.33 → 1 (34), 0.34..1 → 3/4 (67): (34 + 50.25) / 101.
    expect(r.map50).toBeCloseTo(84.25 / 101, 12);
  });

  it('accumulates image by image, and reads tensors and every box format', () => {
    const metric = new MeanAveragePrecision();
    metric.update([preds[0]], [targets[0]]);
    metric.update([preds[1]], [targets[1]]);
    expect(metric.compute().map).toBeCloseTo(799 / 1010, 12);
    for (const format of ['xywh', 'cxcywh'] as const) {
      const convert = (boxes: DetectionPrediction['boxes']): number[][] => boxConvert(boxes as number[][], 'xyxy', format);
      const r = mapOf(
        preds.map((p) => ({ ...p, boxes: tensor(convert(p.boxes)), scores: tensor(p.scores as number[]), labels: tensor(p.labels as number[], undefined, 'int32') })),
        targets.map((t) => ({ ...t, boxes: convert(t.boxes) })),
        { boxFormat: format },
      );
      expect(r.map).toBeCloseTo(799 / 1010, 12);
    }
    metric.reset();
    expect(metric.compute()).toMatchObject({ map: NaN, classes: [] });
  });

  it('keeps at most maxDetections per image and class, the highest-scoring', () => {
    // Left: d0 (TP, 1/3, 1) and d2 (FP, 1/3, 1/2). VOC = 1/3; COCO = 34/101 (recalls 0..0.33).
    const r = mapOf(preds, targets, { maxDetections: 1 });
    expect(r.classes[0].detections).toBe(2);
    expect(r.map50Voc).toBeCloseTo(1 / 3, 12);
    expect(r.map50).toBeCloseTo(34 / 101, 12);
  });
});

describe('matching and the edge cases', () => {
  it('matches each detection to the best unmatched truth box of its class', () => {
    // A [0,0,10,10], B [4,0,14,10]. d0 = B (IoU 1 with B) takes B; d1 [2,0,12,10] overlaps
    // A and B equally (80/120 = 2/3), B is taken, so it takes A: both TP, AP 1.
    const r = mapOf([{ boxes: [[4, 0, 14, 10], [2, 0, 12, 10]], scores: [0.9, 0.8], labels: [0, 0] }], [{ boxes: [[0, 0, 10, 10], [4, 0, 14, 10]], labels: [0, 0] }]);
    expect(r.map50).toBe(1);
    expect(r.map50Voc).toBe(1);
  });

  it('an IoU tie between two free truth boxes goes to the later one, as pycocotools', () => {
    // d0 [2,0,12,10] overlaps A and B by 2/3 each and takes B (the later); d1 = A then takes A
    // (IoU 1): AP 1. Had d0 taken A, d1 would overlap B by 60/140 < 0.5: FP, VOC AP 1/2.
    const r = mapOf([{ boxes: [[2, 0, 12, 10], [0, 0, 10, 10]], scores: [0.9, 0.8], labels: [0, 0] }], [{ boxes: [[0, 0, 10, 10], [4, 0, 14, 10]], labels: [0, 0] }]);
    expect(r.map50Voc).toBe(1);
  });

  it('an IoU of exactly the threshold matches (IoU ≥ t)', () => {
    // [0,0,10,10] against [0,0,10,20]: I = 100, U = 200, IoU 0.5 exactly: TP at 0.5 only.
    const r = mapOf([{ boxes: [[0, 0, 10, 10]], scores: [1], labels: [3] }], [{ boxes: [[0, 0, 10, 20]], labels: [3] }]);
    expect(r.classes[0].apPerThreshold).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(r.map).toBeCloseTo(0.1, 12);
  });

  it('labels must agree: a box of another class is a false positive and a miss', () => {
    const r = mapOf([{ boxes: [[0, 0, 10, 10]], scores: [1], labels: [1] }], [{ boxes: [[0, 0, 10, 10]], labels: [0] }]);
    expect(r.classes.map((c) => c.label)).toEqual([0, 1]);
    expect(r.classes[0].ap).toBe(0); // truth, no detections
    expect(r.classes[1].ap).toBeNaN(); // detections, no truth: left out of the mean
    expect(r.map).toBe(0);
  });

  it('no predictions: every class with ground truth scores 0', () => {
    const r = mapOf([{ boxes: [], scores: [], labels: [] }], [targets[0]]);
    expect(r).toMatchObject({ map: 0, map50: 0, map75: 0, map50Voc: 0 });
    expect(r.classes[0]).toMatchObject({ label: 0, groundTruth: 2, detections: 0, recall: 0, curve: { recall: [], precision: [], scores: [] } });
  });

  it('no ground truth: no class has an AP, and the means are NaN (pycocotools: -1)', () => {
    const r = mapOf(preds, [{ boxes: [], labels: [] }, { boxes: [], labels: [] }]);
    expect(r.map).toBeNaN();
    expect(r.map50Voc).toBeNaN();
    expect(r.classes[0]).toMatchObject({ groundTruth: 0, detections: 4, ap: NaN, ap50Voc: NaN });
  });

  it('a class without ground truth is left out of the mean; one without detections counts as 0', () => {
    // Class 0 as the hand-worked case, class 1 truth only (AP 0), class 2 detections only (no AP).
    const r = mapOf(
      [preds[0], { boxes: [...(preds[1].boxes as number[][]), [50, 50, 60, 60]], scores: [0.8, 0.7, 0.99], labels: [0, 0, 2] }],
      [targets[0], { boxes: [[0, 0, 10, 10], [40, 40, 45, 45]], labels: [0, 1] }],
    );
    expect(r.classes.map((c) => [c.label, c.groundTruth])).toEqual([[0, 3], [1, 1], [2, 0]]);
    expect(r.map).toBeCloseTo(799 / 1010 / 2, 12);
    expect(r.map50Voc).toBeCloseTo(11 / 12 / 2, 12);
  });
});

describe('MeanAveragePrecision against pycocotools', () => {
  /**
   * A random case (8 images, 3 classes, 13 truth boxes, 19 detections, scores in tenths so
   * that ties are common), made by the generator below. The expected numbers came from
   * pycocotools 2.0.11 (COCOeval, iouType 'bbox', the same boxes as xywh with area w·h,
   * iscrowd 0, image ids 1..8): `stats[0:3]`, and per class the mean of
   * `eval['precision'][:, :, k, 0, 2]` (AP@[.5:.95]) and of its first row (AP@.5). The VOC
   * figures are the devkit's `voc_ap` (use_07_metric=False) over COCOeval's own matches at
   * IoU 0.5 (`evalImgs[...]['dtMatches'][0]`, merged by a mergesort of `dtScores`).
   */
  function randomCase(): { preds: DetectionPrediction[]; targets: DetectionTarget[] } {
    let state = 7; // Park–Miller minimal standard generator, exact in float64
    const rand = (n: number): number => (state = (state * 48271) % 2147483647) % n;
    const preds: DetectionPrediction[] = [];
    const targets: DetectionTarget[] = [];
    for (let image = 0; image < 8; image++) {
      const truth: [number, number[]][] = Array.from({ length: rand(4) }, () => [rand(3), [rand(50), rand(50), 4 + rand(20), 4 + rand(20)]]);
      const found: [number, number[], number][] = [];
      for (const [label, [x, y, w, h]] of truth) {
        if (rand(4) === 0) continue;
        const box = [x + rand(7) - 3, y + rand(7) - 3, w + rand(5) - 2, h + rand(5) - 2];
        found.push([rand(6) === 0 ? (label + 1) % 3 : label, box, (1 + rand(9)) / 10]);
      }
      for (let j = rand(3); j > 0; j--) {
        const box = [rand(60), rand(60), 4 + rand(15), 4 + rand(15)];
        found.push([rand(3), box, (1 + rand(9)) / 10]);
      }
      targets.push({ boxes: truth.map(([, b]) => b), labels: truth.map(([l]) => l) });
      preds.push({ boxes: found.map(([, b]) => b), labels: found.map(([l]) => l), scores: found.map(([, , s]) => s) });
    }
    return { preds, targets };
  }

  it('agrees with COCOeval to 12 digits, per class and overall', () => {
    const { preds, targets } = randomCase();
    const r = mapOf(preds, targets, { boxFormat: 'xywh' });
    expect(r.classes.map((c) => [c.groundTruth, c.detections])).toEqual([[3, 5], [8, 7], [2, 7]]);
    expect(r.map).toBeCloseTo(0.11162973440201161, 12);
    expect(r.map50).toBeCloseTo(0.26426214049976426, 12);
    expect(r.map75).toBeCloseTo(0.05256954266855257, 12);
    [0.0504950495049505, 0.18609146628948608, 0.0983026874115983].forEach((ap, k) => expect(r.classes[k].ap).toBeCloseTo(ap, 12));
    [0.08415841584158416, 0.39886845827439876, 0.30975954738330963].forEach((ap, k) => expect(r.classes[k].ap50).toBeCloseTo(ap, 12));
    [0.08333333333333333, 0.3928571428571428, 0.30952380952380953].forEach((ap, k) => expect(r.classes[k].ap50Voc).toBeCloseTo(ap, 12));
    expect(r.map50Voc).toBeCloseTo(0.26190476190476186, 12);
  });
});

describe('MeanAveragePrecision errors', () => {
  const metric = new MeanAveragePrecision();
  const one = { boxes: [[0, 0, 1, 1]], labels: [0] };

  it('names the image and the field that is wrong', () => {
    expect(() => metric.update([{ ...one, scores: [1] }], [])).toThrow('MeanAveragePrecision.update: got 1 predictions but 0 targets (one of each per image)');
    expect(() => metric.update([{ ...one, scores: [1, 2] }], [one])).toThrow('MeanAveragePrecision.update: preds[0].scores has 2 scores for 1 boxes');
    expect(() => metric.update([{ ...one, scores: [NaN] }], [one])).toThrow('MeanAveragePrecision.update: preds[0].scores[0] must be a finite number, got NaN');
    expect(() => metric.update([{ ...one, scores: [1], labels: [0.5] }], [one])).toThrow('MeanAveragePrecision.update: preds[0].labels[0] must be a class index (a non-negative integer), got 0.5');
    expect(() => metric.update([{ ...one, scores: [1] }], [{ boxes: [[0, 0, 1, 1]], labels: [] }])).toThrow('MeanAveragePrecision.update: targets[0].labels has 0 labels for 1 boxes');
    expect(() => metric.update([{ ...one, scores: [1] }], [{ boxes: [[1, 0, 0, 1]], labels: [0] }])).toThrow(/targets\[0\]\.boxes\[0\] = \[1, 0, 0, 1\] is not a box in 'xyxy' format/);
    expect(() => metric.update([{ ...one, scores: [1] }], [{ ...one, iscrowd: [0] } as DetectionTarget])).toThrow('MeanAveragePrecision.update: targets[0].iscrowd: crowd regions are not supported; every ground-truth box counts');
    expect(() => metric.update([one as unknown as DetectionPrediction], [one])).toThrow('MeanAveragePrecision.update: preds[0].scores is missing');
    expect(() => metric.update([{ ...one, scores: ['0.5' as unknown as number] }], [one])).toThrow('MeanAveragePrecision.update: preds[0].scores[0] must be a number, got "0.5"');
    expect(() => new MeanAveragePrecision({ maxDetections: 0 })).toThrow('MeanAveragePrecision: maxDetections must be a positive integer, got 0');
    expect(() => new MeanAveragePrecision({ iouThresholds: [0.5] } as never)).toThrow("MeanAveragePrecision: unknown option 'iouThresholds' (expected boxFormat, maxDetections, name)");
  });

  it('a rejected batch leaves the metric as it was', () => {
    const m = new MeanAveragePrecision();
    expect(() => m.update([{ ...one, scores: [1] }, { ...one, scores: [NaN] }], [one, one])).toThrow(/preds\[1\]/);
    expect(m.compute().classes).toEqual([]);
  });
});
