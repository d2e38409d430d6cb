import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import { requiresGrad } from '@nn/autograd';
import { tensor } from '@nn/tensor';
import { boxIouLoss, generalizedBoxIouLoss } from './box.js';

const a = (): ReturnType<typeof tensor> => tensor([[0, 0, 2, 2], [0, 0, 1, 1], [0, 0, 1, 1]], [3, 4]);
const b = (): ReturnType<typeof tensor> => tensor([[1, 1, 3, 3], [2, 0, 3, 1], [0, 0, 1, 1]], [3, 4]);

describe('box IoU losses (torchvision.ops formulas)', () => {
  it('1 − IoU and 1 − GIoU: overlapping, disjoint and identical boxes', () => {
    // [0,0,2,2] vs [1,1,3,3]: IoU 1/7, enclosing 9, GIoU 1/7 − 2/9. Disjoint unit boxes 1 apart: IoU 0, GIoU −1/3.
    const iou = boxIouLoss(a(), b(), { reduction: 'none' }).toArray() as number[];
    [1 - 1 / 7, 1, 0].forEach((v, i) => expect(iou[i]).toBeCloseTo(v, 5));
    const giou = generalizedBoxIouLoss(a(), b(), { reduction: 'none' }).toArray() as number[];
    [1 - 1 / 7 + 2 / 9, 4 / 3, 0].forEach((v, i) => expect(giou[i]).toBeCloseTo(v, 5));
    expect(generalizedBoxIouLoss(a(), b()).item()).toBeCloseTo((1 - 1 / 7 + 2 / 9 + 4 / 3) / 3, 5);
    expect(generalizedBoxIouLoss(a(), b(), { reduction: 'sum' }).item()).toBeCloseTo(1 - 1 / 7 + 2 / 9 + 4 / 3, 5);
  });

  it('GIoU still pulls disjoint boxes together where IoU gives no gradient', () => {
    const fixed = tensor([[2, 0, 3, 1]], [1, 4]);
    const forIou = requiresGrad(tensor([[0, 0, 1, 1]], [1, 4]));
    boxIouLoss(forIou, fixed).backward();
    expect(Array.from(forIou.grad!.dataSync()).every((g) => g === 0)).toBe(true);
    const forGiou = requiresGrad(tensor([[0, 0, 1, 1]], [1, 4]));
    generalizedBoxIouLoss(forGiou, fixed).backward();
    expect(forGiou.grad!.dataSync()[2]).toBeLessThan(0); // growing x1 towards the other box lowers the loss
  });

  it('names the op and both shapes', () => {
    expect(() => boxIouLoss(tensor([[0, 0, 1, 1]], [1, 4]), tensor([0, 0, 1, 1], [4]))).toThrow('boxIouLoss: boxes1 [1,4] and boxes2 [4] must both be [N, 4] corner boxes (x0, y0, x1, y1)');
    expect(() => generalizedBoxIouLoss(a(), b(), { eps: -1 })).toThrow('generalizedBoxIouLoss: eps must be >= 0, got -1');
  });
});
