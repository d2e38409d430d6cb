import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import { manualSeed, rand, tensor, type Tensor } from '@nn/tensor';
import { withHead, yoloV1 } from './heads.js';
import { resnet18 } from './resnet.js';
import { decodeYoloV1, encodeYoloTargets, yoloLoss, type GroundTruth, type YoloHeadOptions } from './yolo.js';
import { Adam } from '@nn/layers';
import { expectStepLowersLoss } from './test-utils/model_checks.js';

/** The paper's equation 3, cell by cell, in plain numbers. */
function paperLoss(pred: Float32Array, target: Float32Array, n: number, s: number, b: number, c: number, lambdaCoord = 5, lambdaNoobj = 0.5): number {
  const depth = 5 * b + c;
  let total = 0;
  for (let cell = 0; cell < n * s * s; cell++) {
    const p = pred.subarray(cell * depth, (cell + 1) * depth);
    const t = target.subarray(cell * (5 + c), (cell + 1) * (5 + c));
    const iou = (j: number): number => {
      const [x, y, rw, rh] = p.subarray(5 * j, 5 * j + 4);
      const a = [x / s - (rw * rw) / 2, y / s - (rh * rh) / 2, x / s + (rw * rw) / 2, y / s + (rh * rh) / 2];
      const g = [t[0] / s - t[2] / 2, t[1] / s - t[3] / 2, t[0] / s + t[2] / 2, t[1] / s + t[3] / 2];
      const w = Math.max(0, Math.min(a[2], g[2]) - Math.max(a[0], g[0]));
      const h = Math.max(0, Math.min(a[3], g[3]) - Math.max(a[1], g[1]));
      return (w * h) / (rw * rw * rh * rh + t[2] * t[3] - w * h);
    };
    const ious = Array.from({ length: b }, (_, j) => iou(j));
    const responsible = t[4] === 1 ? ious.indexOf(Math.max(...ious)) : -1;
    for (let j = 0; j < b; j++) {
      const [x, y, rw, rh, conf] = p.subarray(5 * j, 5 * j + 5);
      if (j === responsible) {
        total += lambdaCoord * ((x - t[0]) ** 2 + (y - t[1]) ** 2);
        total += lambdaCoord * ((rw - Math.sqrt(t[2])) ** 2 + (rh - Math.sqrt(t[3])) ** 2);
        total += (conf - ious[j]) ** 2;
      } else {
        total += lambdaNoobj * conf ** 2;
      }
    }
    if (t[4] === 1) for (let k = 0; k < c; k++) total += (p[5 * b + k] - t[5 + k]) ** 2;
  }
  return total / n;
}

const objects: GroundTruth[][] = [
  [
    { box: [0.6, 0.3, 0.4, 0.2], classId: 2 },
    { box: [0.2, 0.8, 0.3, 0.3], classId: 0 },
  ],
  [{ box: [0.9, 0.9, 0.1, 0.5], classId: 1 }],
];

describe('encodeYoloTargets', () => {
  it("puts each object in the cell holding its centre, x and y relative to the cell", () => {
    const t = encodeYoloTargets(objects, { gridSize: 2, numClasses: 3 });
    expect(t.shape).toEqual([2, 2, 2, 8]);
    const cells = t.toArray() as number[][][][];
    cells[0][0][1].forEach((v, i) => expect(v).toBeCloseTo([0.2, 0.6, 0.4, 0.2, 1, 0, 0, 1][i], 6)); // row 0, col 1
    cells[0][1][0].forEach((v, i) => expect(v).toBeCloseTo([0.4, 0.6, 0.3, 0.3, 1, 1, 0, 0][i], 6));
    expect(cells[0][0][0]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    cells[1][1][1].forEach((v, i) => expect(v).toBeCloseTo([0.8, 0.8, 0.1, 0.5, 1, 0, 1, 0][i], 6));
  });

  it('rejects boxes outside the image and unknown classes', () => {
    expect(() => encodeYoloTargets([[{ box: [1.2, 0.5, 0.1, 0.1], classId: 0 }]])).toThrow(/encodeYoloTargets: box \[1.2, 0.5, 0.1, 0.1\] of image 0 must be \[cx, cy, w, h\] in 0..1/);
    expect(() => encodeYoloTargets([[{ box: [0.5, 0.5, 0.1, 0.1], classId: 20 }]])).toThrow(/classId 20 of image 0 is not in \[0, 20\)/);
  });
});

describe('yoloLoss', () => {
  const grid = { gridSize: 2, boxesPerCell: 2, numClasses: 3 };

  it("equals the paper's equation 3 (λcoord 5, λnoobj 0.5, √w √h, the highest-IoU box responsible, IoU as its confidence target)", () => {
    manualSeed(3);
    const prediction = rand([2, 2, 2, 13]).mul(0.8).add(0.1);
    const target = encodeYoloTargets(objects, grid);
    const ours = yoloLoss(prediction, target, grid).item();
    const expected = paperLoss(prediction.dataSync() as Float32Array, target.dataSync() as Float32Array, 2, 2, 2, 3);
    expect(ours).toBeCloseTo(expected, 4);
    expect(yoloLoss(prediction, target, { ...grid, reduction: 'sum' }).item()).toBeCloseTo(2 * expected, 4);
    const weights = { lambdaCoord: 1, lambdaNoobj: 2 };
    expect(yoloLoss(prediction, target, { ...grid, ...weights }).item()).toBeCloseTo(paperLoss(prediction.dataSync() as Float32Array, target.dataSync() as Float32Array, 2, 2, 2, 3, 1, 2), 4);
  });

  it('gives coordinate gradients to the responsible box only, and confidence gradients to all', () => {
    const values = new Float32Array(1 * 2 * 2 * 13);
    // Cell (0, 1) holds object 0 (truth x 0.2, y 0.6, w 0.4, h 0.2): box 1 overlaps it better than box 0.
    values.set([0.9, 0.9, 0.3, 0.3, 0.5, 0.25, 0.55, 0.6, 0.45, 0.5], 13);
    const prediction = tensor(values, [1, 2, 2, 13]);
    prediction.requiresGrad = true;
    yoloLoss(prediction, encodeYoloTargets([objects[0]], grid), grid).backward();
    const g = prediction.grad!.dataSync();
    expect([...g.subarray(13, 17)]).toEqual([0, 0, 0, 0]); // box 0's x, y, √w, √h
    expect([...g.subarray(18, 22)].every((v) => v !== 0)).toBe(true); // box 1's
    expect(g[17]).toBeCloseTo(2 * 0.5 * 0.5, 5); // box 0's confidence, λnoobj·C²: 2·0.5·C
  });

  it('names the expected shapes', () => {
    expect(() => yoloLoss(rand([1, 7, 7, 29]), rand([1, 7, 7, 25]))).toThrow(/yoloLoss: prediction must be \[N, 7, 7, 30\] \(S=7, B=2, C=20\), got \[1,7,7,29\]/);
    expect(() => yoloLoss(rand([1, 7, 7, 30]), rand([1, 7, 7, 30]))).toThrow(/yoloLoss: target must be \[1, 7, 7, 25\]/);
  });
});

describe('yoloV1 on a backbone', () => {
  it("gives the paper's 7×7×30 for S=7, B=2, C=20, and trains", () => {
    manualSeed(4);
    const model = yoloV1(resnet18({ width: 1 / 8, numClasses: 0 }), { hidden: 32 });
    const x = rand([2, 3, 64, 64]);
    expect(model.forward(x).shape).toEqual([2, 7, 7, 30]);
    const target = encodeYoloTargets(
      [[{ box: [0.5, 0.5, 0.4, 0.6], classId: 3 }], [{ box: [0.1, 0.2, 0.1, 0.1], classId: 7 }, { box: [0.7, 0.7, 0.5, 0.5], classId: 19 }]],
      {},
    );
    expectStepLowersLoss(model, () => model.loss(x, target), 1e-4);
  });

  it('S, B and C are options: S×S×(5B+C)', () => {
    const model = withHead(resnet18({ width: 1 / 8, numClasses: 0 }), { task: 'detection', gridSize: 4, boxesPerCell: 3, numClasses: 5, hidden: 16 });
    expect(model.forward(rand([2, 3, 64, 64])).shape).toEqual([2, 4, 4, 20]);
  });
});

describe('YoloHead defaults train', () => {
  // With linear outputs, the default FC-4096 and Adam at 3e-3 sent the loss from 15 to 1270 in one
  // step (Adam moves each of the 4096 weights of an output by about lr, so the output moves by
  // about lr·4096·|h|). Bounded outputs and the README's recipe (Adam 1e-3) bring it down.
  function setup(headOptions: YoloHeadOptions = {}) {
    manualSeed(1);
    const grid = { gridSize: 2, numClasses: 3 };
    const model = yoloV1(resnet18({ numClasses: 0, width: 1 / 8 }), { ...grid, ...headOptions });
    const images = rand([4, 3, 32, 32]);
    const boxes = Array.from({ length: 4 }, (_, i): GroundTruth[] => [{ box: [0.2 + 0.15 * i, 0.3 + 0.1 * i, 0.25 + 0.05 * i, 0.3], classId: i % 3 }]);
    return { model, images, targets: encodeYoloTargets(boxes, grid) };
  }

  it('keeps every output in the range of its target: x, y, √w, √h, confidence in 0..1, class probabilities summing to 1', () => {
    const { model, images } = setup();
    const out = model.predict(images).toArray() as number[][][][];
    for (const cell of out.flat(2)) {
      cell.forEach((v) => expect(v >= 0 && v <= 1).toBe(true));
      expect(cell.slice(10).reduce((a, v) => a + v, 0)).toBeCloseTo(1, 5);
    }
    const linear = setup({ boundedOutputs: false }).model.predict(images).toArray() as number[][][][];
    expect(linear.flat(3).some((v) => v < 0)).toBe(true);
  });

  it('sixteen seeded Adam steps (lr 1e-3) from the default head (hidden 4096, dropout 0.5) lower the loss and never blow it up', () => {
    const { model, images, targets } = setup();
    const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
    model.train();
    const losses: number[] = [];
    for (let step = 0; step < 16; step++) {
      const loss = model.loss(images, targets);
      loss.backward();
      optimizer.step();
      optimizer.zeroGrad();
      losses.push(loss.item());
      loss.dispose();
    }
    expect(Math.max(...losses)).toBeLessThan(losses[0] * 1.5);
    expect(Math.min(...losses.slice(-4))).toBeLessThan(losses[0] / 2);
  });
});

describe('decodeYoloV1', () => {
  const grid = { gridSize: 2, boxesPerCell: 2, numClasses: 3 };
  function prediction(): Tensor {
    const v = new Float32Array(2 * 2 * 13);
    const cell = (row: number, col: number): number => (row * 2 + col) * 13;
    // Cell (1, 0): two boxes on the same object, class 1 (0.8).
    v.set([0.5, 0.5, 0.5, Math.sqrt(0.5), 0.9, 0.55, 0.5, 0.5, Math.sqrt(0.5), 0.85, 0.1, 0.8, 0.1], cell(1, 0));
    // Cell (1, 1): a box of class 2 overlapping the first, and a weak one.
    v.set([0.0, 0.5, 0.5, Math.sqrt(0.5), 0.7, 0.5, 0.5, 0.1, 0.1, 0.1, 0.1, 0.2, 0.7], cell(1, 1));
    return tensor(v, [2, 2, 13]);
  }

  it('scores boxes by confidence × class probability, thresholds, and suppresses per class', () => {
    const [detections] = decodeYoloV1(prediction(), grid);
    expect(detections.map((d) => d.classId)).toEqual([1, 2]);
    expect(detections[0].score).toBeCloseTo(0.72, 6);
    detections[0].box.forEach((v, i) => expect(v).toBeCloseTo([0.125, 0.5, 0.375, 1][i], 6));
    expect(detections[1].score).toBeCloseTo(0.49, 6);
    detections[1].box.forEach((v, i) => expect(v).toBeCloseTo([0.375, 0.5, 0.625, 1][i], 6));
    // With a loose NMS threshold the duplicate of class 1 survives too.
    expect(decodeYoloV1(prediction(), { ...grid, iouThreshold: 0.95 })[0].length).toBe(3);
    expect(decodeYoloV1(prediction(), { ...grid, scoreThreshold: 0.6 })[0].length).toBe(1);
  });
});
