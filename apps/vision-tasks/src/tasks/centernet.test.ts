import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import { resnet18, vgg11_bn, type ResNet } from '@nn/models-zoo';
import { setBackend, tensor } from '@nn/tensor';
import { CenterNet, centerNetLoss, decodeCenterNet, decodeCenterObjects, encodeCenterTargets } from './centernet.js';

await setBackend('cpu');

// One scene on a 4×4 grid with 2 classes: a class-1 object centred at (0.6, 0.3), 0.5 wide and 0.25 high.
// Its centre cell is (x 2, y 1) (0.6 × 4 = 2.4, 0.3 × 4 = 1.2), offset (0.4, 0.2) in that cell.
const objects = [[{ box: [0.6, 0.3, 0.5, 0.25] as const, classId: 1 }]];

describe('encodeCenterTargets', () => {
  it('puts a Gaussian peak of 1 at the centre cell of the class, and offset and size there', () => {
    const t = encodeCenterTargets(objects, 2, 4);
    expect(t.count).toBe(1);
    // Class 1's map starts at 16; cell (2, 1) is 1 × 4 + 2 = 6.
    expect(t.heat[16 + 6]).toBe(1);
    // σ = max(0.5, min(0.5, 0.25) × 4 / 6) = 0.5: a neighbour one cell away gets exp(-1 / 0.5) = e⁻².
    expect(t.heat[16 + 7]).toBeCloseTo(Math.exp(-2), 6);
    expect(Array.from(t.heat.subarray(0, 16)).every((v) => v === 0)).toBe(true);
    expect([0, 1, 2, 3].map((k) => t.regression[k * 16 + 6])).toEqual([expect.closeTo(0.4, 6), expect.closeTo(0.2, 6), 0.5, 0.25]);
    expect(t.centres[6]).toBe(1);
  });
});

/** Raw outputs [1, 2 + 4, 4, 4] for a peak of logit `peak` at cell 6 of class 1, the rest at `rest`. */
function outputs(peak: number, rest: number): ReturnType<typeof tensor> {
  const values = new Float32Array(6 * 16).fill(rest);
  values.fill(0, 32);
  values[16 + 6] = peak;
  // Offsets as logits: sigmoid(logit(0.4)) = 0.4; width and height as they are.
  values[32 + 6] = Math.log(0.4 / 0.6);
  values[48 + 6] = Math.log(0.2 / 0.8);
  values[64 + 6] = 0.5;
  values[80 + 6] = 0.25;
  return tensor(values, [1, 6, 4, 4]);
}

describe('decodeCenterNet', () => {
  it('reads a peak back as its corner box, class and score', () => {
    const [detections] = decodeCenterNet(outputs(3, -6), 2);
    expect(detections).toHaveLength(1);
    const d = detections[0];
    expect(d.classId).toBe(1);
    expect(d.score).toBeCloseTo(1 / (1 + Math.exp(-3)), 6);
    // Centre (2 + 0.4) / 4 = 0.6, (1 + 0.2) / 4 = 0.3; corners ± half of 0.5 and 0.25.
    d.box.forEach((v, k) => expect(v).toBeCloseTo([0.35, 0.175, 0.85, 0.425][k], 5));
  });
});

describe('decodeCenterObjects', () => {
  it('finds an object whatever its class: the largest class logit of a cell is its objectness', () => {
    // Class 0 peaks at cell 5 (logit 2), class 1 at cell 6 (logit 3): two classes' neighbouring peaks
    // are one object; the merged map's only peak is cell 6, decoded with class 1's box.
    const values = outputs(3, -6).dataSync().slice();
    values[5] = 2;
    const [found] = decodeCenterObjects(tensor(values, [1, 6, 4, 4]), 2);
    expect(found).toHaveLength(1);
    expect(found[0].classId).toBe(0);
    expect(found[0].score).toBeCloseTo(1 / (1 + Math.exp(-3)), 6);
    found[0].box.forEach((v, k) => expect(v).toBeCloseTo([0.35, 0.175, 0.85, 0.425][k], 5));
    // The per-class decoding sees two objects there.
    expect(decodeCenterNet(tensor(values, [1, 6, 4, 4]), 2)[0]).toHaveLength(2);
  });
});

describe('centerNetLoss', () => {
  it('is smaller for a sharp right peak than for a flat heatmap', () => {
    const targets = encodeCenterTargets(objects, 2, 4);
    const right = centerNetLoss(outputs(8, -8), targets, 2).item();
    const flat = centerNetLoss(outputs(-2.19, -2.19), targets, 2).item();
    expect(right).toBeLessThan(0.1);
    expect(flat).toBeGreaterThan(1);
  });

  it('the model gives a stride-8 grid of the classes and 4 numbers', () => {
    const model = new CenterNet(resnet18({ numClasses: 0, width: 0.125 }), 10);
    expect(model.forward(tensor(new Float32Array(2 * 3 * 64 * 64), [2, 3, 64, 64])).shape).toEqual([2, 14, 8, 8]);
  });

  it('names the backbone it needs', () => {
    const vgg = vgg11_bn({ numClasses: 0, width: 0.125 }) as unknown as ResNet;
    expect(() => new CenterNet(vgg, 10)).toThrow('centernet: the backbone must be a ResNet (--backbone resnet18|resnet34|resnet50)');
  });
});
