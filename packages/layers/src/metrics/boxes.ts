/**
 * Boxes and their overlap, as torchvision.ops has them (`box_convert`, `box_area`,
 * `box_iou`). A box is four numbers in one of three formats:
 *
 * - 'xyxy': corners [x1, y1, x2, y2] with x1 ≤ x2, y1 ≤ y2 (torchvision's and VOC's);
 * - 'xywh': top-left corner, width and height [x, y, w, h] (COCO's annotation format);
 * - 'cxcywh': centre, width and height [cx, cy, w, h] (YOLO's).
 *
 * Coordinates are continuous, as in COCO: a box [0, 0, 2, 2] has area 4 (not VOC's devkit
 * "+1 pixel" 9). Boxes are a [N, 4] tensor or an array of N rows of four numbers; overlaps
 * are computed in float64 and returned as plain numbers.
 */
import { concat, split, type Tensor } from '@nn/tensor';
import { checkTensor, shapeText } from './metric.js';

export type BoxFormat = 'xyxy' | 'xywh' | 'cxcywh';

/** A [N, 4] tensor, or N rows [a, b, c, d] in one BoxFormat. */
export type Boxes = Tensor | readonly (readonly number[])[];

/** A corner box [x1, y1, x2, y2]. */
export type CornerBox = readonly [number, number, number, number];

const formats: readonly BoxFormat[] = ['xyxy', 'xywh', 'cxcywh'];

export function checkBoxFormat(op: string, format: unknown): BoxFormat {
  if (!formats.includes(format as BoxFormat)) throw new Error(`${op}: box format must be 'xyxy', 'xywh' or 'cxcywh', got ${JSON.stringify(format)}`);
  return format as BoxFormat;
}

/** The arithmetic the conversions need, for numbers and for tensors alike. */
interface Arithmetic<T> {
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  half(a: T): T;
}

const numbers: Arithmetic<number> = { add: (a, b) => a + b, sub: (a, b) => a - b, half: (a) => a / 2 };
const tensors: Arithmetic<Tensor> = { add: (a, b) => a.add(b), sub: (a, b) => a.sub(b), half: (a) => a.mul(0.5) };

/** The one table of formulas: any format to corners and back. */
function toCorners<T>(format: BoxFormat, [a, b, c, d]: readonly T[], k: Arithmetic<T>): T[] {
  if (format === 'xywh') return [a, b, k.add(a, c), k.add(b, d)];
  if (format === 'cxcywh') return [k.sub(a, k.half(c)), k.sub(b, k.half(d)), k.add(a, k.half(c)), k.add(b, k.half(d))];
  return [a, b, c, d];
}

function fromCorners<T>(format: BoxFormat, [x1, y1, x2, y2]: readonly T[], k: Arithmetic<T>): T[] {
  if (format === 'xywh') return [x1, y1, k.sub(x2, x1), k.sub(y2, y1)];
  if (format === 'cxcywh') return [k.half(k.add(x1, x2)), k.half(k.add(y1, y2)), k.sub(x2, x1), k.sub(y2, y1)];
  return [x1, y1, x2, y2];
}

function isTensor(boxes: unknown): boxes is Tensor {
  return typeof boxes === 'object' && boxes !== null && 'shape' in boxes && 'dataSync' in boxes;
}

/** The boxes as rows of four numbers (read back from the backend for a tensor); checks the layout. */
export function boxRows(op: string, arg: string, boxes: Boxes): number[][] {
  if (isTensor(boxes)) {
    checkTensor(op, arg, boxes);
    if (boxes.rank !== 2 || boxes.shape[1] !== 4) throw new Error(`${op}: ${arg} must be [N, 4], got ${shapeText(boxes)}`);
    const values = boxes.dataSync();
    return Array.from({ length: boxes.shape[0] }, (_, i) => Array.from(values.subarray(4 * i, 4 * i + 4)));
  }
  if (!Array.isArray(boxes)) throw new Error(`${op}: ${arg} must be a [N, 4] tensor or an array of [a, b, c, d] rows`);
  return boxes.map((row: readonly number[], i) => {
    if (!Array.isArray(row) || row.length !== 4 || !row.every((v) => typeof v === 'number')) throw new Error(`${op}: ${arg}[${i}] must be four numbers, got ${JSON.stringify(row)}`);
    return [...row];
  });
}

/**
 * The boxes converted from one format to another (torchvision's `box_convert`). A tensor
 * gives a tensor, computed with tensor ops (so on its backend, and differentiable); rows give rows.
 */
export function boxConvert(boxes: Tensor, inFmt: BoxFormat, outFmt: BoxFormat): Tensor;
export function boxConvert(boxes: readonly (readonly number[])[], inFmt: BoxFormat, outFmt: BoxFormat): number[][];
export function boxConvert(boxes: Boxes, inFmt: BoxFormat, outFmt: BoxFormat): Tensor | number[][] {
  const op = 'boxConvert';
  checkBoxFormat(op, inFmt);
  checkBoxFormat(op, outFmt);
  if (isTensor(boxes)) {
    checkTensor(op, 'boxes', boxes);
    if (boxes.rank !== 2 || boxes.shape[1] !== 4) throw new Error(`${op}: boxes must be [N, 4], got ${shapeText(boxes)}`);
    if (inFmt === outFmt) return boxes;
    const columns = fromCorners(outFmt, toCorners(inFmt, split(boxes, 1, 1), tensors), tensors);
    return concat(columns, 1);
  }
  return boxRows(op, 'boxes', boxes).map((row) => fromCorners(outFmt, toCorners(inFmt, row, numbers), numbers));
}

/**
 * The boxes as corners, each checked to be finite with x1 ≤ x2 and y1 ≤ y2 (a negative
 * width or height is a mistake in the data, not an empty box).
 */
export function cornersOf(op: string, arg: string, boxes: Boxes, format: BoxFormat): CornerBox[] {
  return boxRows(op, arg, boxes).map((row, i) => {
    const [x1, y1, x2, y2] = toCorners(format, row, numbers);
    if (!row.every(Number.isFinite) || !(x1 <= x2 && y1 <= y2)) {
      throw new Error(`${op}: ${arg}[${i}] = [${row.join(', ')}] is not a box in '${format}' format (finite, with non-negative width and height)`);
    }
    return [x1, y1, x2, y2] as const;
  });
}

/** Intersection over union of two corner boxes: 0 when they do not overlap (touching is not overlapping), or both are empty. */
export function cornerBoxIou(a: CornerBox, b: CornerBox): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const intersection = w * h;
  return intersection / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - intersection);
}

export interface BoxOptions {
  /** How the four numbers of each box are to be read (default 'xyxy'). */
  format?: BoxFormat;
}

/** The area of each box. */
export function boxArea(boxes: Boxes, options: BoxOptions = {}): number[] {
  const op = 'boxArea';
  return cornersOf(op, 'boxes', boxes, checkBoxFormat(op, options.format ?? 'xyxy')).map(([x1, y1, x2, y2]) => (x2 - x1) * (y2 - y1));
}

/** The [N, M] matrix of IoUs between N boxes `a` and M boxes `b` (torchvision's `box_iou`). */
export function boxIou(a: Boxes, b: Boxes, options: BoxOptions = {}): number[][] {
  const op = 'boxIou';
  const format = checkBoxFormat(op, options.format ?? 'xyxy');
  const rows = cornersOf(op, 'a', a, format);
  const columns = cornersOf(op, 'b', b, format);
  return rows.map((r) => columns.map((c) => cornerBoxIou(r, c)));
}
