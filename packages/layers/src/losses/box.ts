/**
 * Box regression losses on matching rows of two [N, 4] tensors of corner boxes
 * (x0, y0, x1, y1), with torchvision.ops' formulas:
 *
 *   boxIouLoss             1 − IoU            (Yu et al. 2016, UnitBox)
 *   generalizedBoxIouLoss  1 − GIoU, GIoU = IoU − |C \ (A ∪ B)| / |C|   (Rezatofighi et al. 2019)
 *
 * C is the smallest box enclosing both. IoU is flat (gradient 0) while two boxes do not
 * overlap; GIoU keeps pulling them together. `eps` (default 1e-7, torchvision's) keeps the
 * divisions finite for empty boxes.
 */
import { clip, maximum, minimum, shapesEqual, slice, type Tensor } from '@nn/tensor';
import type { ReductionOptions } from './functional.js';

export interface BoxLossOptions extends ReductionOptions {
  eps?: number;
}

/** The four [N, 1] columns of [N, 4] boxes. */
function columns(boxes: Tensor): Tensor[] {
  const n = boxes.shape[0];
  return [0, 1, 2, 3].map((i) => slice(boxes, [0, i], [n, i + 1]));
}

function check(op: string, boxes1: Tensor, boxes2: Tensor, options: BoxLossOptions): { eps: number; reduction: 'none' | 'mean' | 'sum' } {
  const shape = (t: Tensor): string => `[${t.shape.join(',')}]`;
  if (boxes1.rank !== 2 || boxes1.shape[1] !== 4 || !shapesEqual(boxes1.shape, boxes2.shape)) {
    throw new Error(`${op}: boxes1 ${shape(boxes1)} and boxes2 ${shape(boxes2)} must both be [N, 4] corner boxes (x0, y0, x1, y1)`);
  }
  if (boxes1.dtype !== 'float32' || boxes2.dtype !== 'float32') throw new Error(`${op}: boxes must be float32, got ${boxes1.dtype} and ${boxes2.dtype}`);
  const eps = options.eps ?? 1e-7;
  if (!(eps >= 0)) throw new Error(`${op}: eps must be >= 0, got ${eps}`);
  const reduction = options.reduction ?? 'mean';
  if (reduction !== 'none' && reduction !== 'mean' && reduction !== 'sum') throw new Error(`${op}: reduction must be 'none', 'mean' or 'sum', got '${String(reduction)}'`);
  return { eps, reduction };
}

/** IoU of matching rows [N, 1], with the union and the enclosing box's area for GIoU. */
function overlap(boxes1: Tensor, boxes2: Tensor, eps: number): { iou: Tensor; union: Tensor; enclosing: Tensor } {
  const [ax0, ay0, ax1, ay1] = columns(boxes1);
  const [bx0, by0, bx1, by1] = columns(boxes2);
  const inter = clip(minimum(ax1, bx1).sub(maximum(ax0, bx0)), 0).mul(clip(minimum(ay1, by1).sub(maximum(ay0, by0)), 0));
  const union = ax1.sub(ax0).mul(ay1.sub(ay0)).add(bx1.sub(bx0).mul(by1.sub(by0))).sub(inter);
  const enclosing = maximum(ax1, bx1).sub(minimum(ax0, bx0)).mul(maximum(ay1, by1).sub(minimum(ay0, by0)));
  return { iou: inter.div(union.add(eps)), union, enclosing };
}

function reduce(loss: Tensor, reduction: 'none' | 'mean' | 'sum'): Tensor {
  const perBox = loss.reshape([loss.shape[0]]);
  return reduction === 'none' ? perBox : reduction === 'sum' ? perBox.sum() : perBox.mean();
}

/** 1 − IoU per pair of boxes; 'none' gives [N]. */
export function boxIouLoss(boxes1: Tensor, boxes2: Tensor, options: BoxLossOptions = {}): Tensor {
  const { eps, reduction } = check('boxIouLoss', boxes1, boxes2, options);
  return reduce(overlap(boxes1, boxes2, eps).iou.neg().add(1), reduction);
}

/** 1 − GIoU per pair of boxes (torchvision.ops.generalized_box_iou_loss); 'none' gives [N]. */
export function generalizedBoxIouLoss(boxes1: Tensor, boxes2: Tensor, options: BoxLossOptions = {}): Tensor {
  const { eps, reduction } = check('generalizedBoxIouLoss', boxes1, boxes2, options);
  const { iou, union, enclosing } = overlap(boxes1, boxes2, eps);
  const giou = iou.sub(enclosing.sub(union).div(enclosing.add(eps)));
  return reduce(giou.neg().add(1), reduction);
}
