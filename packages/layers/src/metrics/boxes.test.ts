import '@nn/backend-cpu';
import { tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { boxArea, boxConvert, boxIou, cornerBoxIou } from './boxes.js';

describe('box formats', () => {
  // One box, x from 1 to 5 and y from 2 to 8, in each format: width 4, height 6, centre (3, 5).
  const xyxy = [[1, 2, 5, 8]];
  const xywh = [[1, 2, 4, 6]];
  const cxcywh = [[3, 5, 4, 6]];

  it('converts between corners, corner-and-size, and centre-and-size', () => {
    expect(boxConvert(xyxy, 'xyxy', 'xywh')).toEqual(xywh);
    expect(boxConvert(xyxy, 'xyxy', 'cxcywh')).toEqual(cxcywh);
    expect(boxConvert(xywh, 'xywh', 'xyxy')).toEqual(xyxy);
    expect(boxConvert(cxcywh, 'cxcywh', 'xyxy')).toEqual(xyxy);
    expect(boxConvert(xywh, 'xywh', 'cxcywh')).toEqual(cxcywh);
    expect(boxConvert(cxcywh, 'cxcywh', 'xywh')).toEqual(xywh);
  });

  it('round-trips every pair of formats, on rows and on tensors', () => {
    const rows = [[0.5, 1.25, 3, 4], [10, 20, 10, 20], [-2, -3, 7, 1]];
    const formats = ['xyxy', 'xywh', 'cxcywh'] as const;
    for (const from of formats) {
      for (const to of formats) {
        const back = boxConvert(boxConvert(rows, from, to), to, from);
        back.flat().forEach((v, i) => expect(v).toBeCloseTo(rows.flat()[i], 12));
        const t = boxConvert(boxConvert(tensor(rows), from, to), to, from);
        expect(t.shape).toEqual([3, 4]);
        (t.toArray() as number[][]).flat().forEach((v, i) => expect(v).toBeCloseTo(rows.flat()[i], 5));
      }
    }
    expect(boxConvert(tensor(xyxy), 'xyxy', 'cxcywh').toArray()).toEqual(cxcywh);
  });

  it('areas are width times height, with no VOC "+1"', () => {
    expect(boxArea([[0, 0, 2, 2], [1, 1, 1, 5]])).toEqual([4, 0]);
    expect(boxArea(cxcywh, { format: 'cxcywh' })).toEqual([24]);
  });
});

describe('box IoU', () => {
  const unit = [0, 0, 2, 2] as const;

  it('disjoint and touching boxes do not overlap', () => {
    expect(cornerBoxIou(unit, [5, 5, 6, 6])).toBe(0);
    expect(cornerBoxIou(unit, [2, 0, 4, 2])).toBe(0); // shares the edge x = 2
    expect(cornerBoxIou(unit, [2, 2, 3, 3])).toBe(0); // shares the corner (2, 2)
  });

  it('a contained box scores its share of the area; identical boxes score 1', () => {
    expect(cornerBoxIou(unit, [0.5, 0.5, 1.5, 1.5])).toBe(1 / 4); // I = 1, U = 4
    expect(cornerBoxIou(unit, unit)).toBe(1);
    // Half-overlapping: I = 1·2 = 2, U = 4 + 4 − 2 = 6.
    expect(cornerBoxIou(unit, [1, 0, 3, 2])).toBeCloseTo(1 / 3, 15);
    expect(cornerBoxIou([1, 1, 1, 1], [1, 1, 1, 1])).toBe(0); // empty boxes have no overlap
  });

  it('gives the [N, M] matrix, the same in every format', () => {
    const a = [[0, 0, 2, 2], [1, 0, 3, 2]];
    const b = [[0, 0, 2, 2], [5, 5, 6, 6], [0.5, 0.5, 1.5, 1.5]];
    const expected = [
      [1, 0, 1 / 4],
      [1 / 3, 0, 1 / 9], // the small box overlaps the second on [1, 1.5] × [0.5, 1.5]: I = 0.5, U = 4 + 1 − 0.5 = 4.5
    ];
    const check = (m: number[][]): void => m.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i][j], 12)));
    check(boxIou(a, b));
    check(boxIou(tensor(a), tensor(b)));
    check(boxIou(boxConvert(a, 'xyxy', 'xywh'), boxConvert(b, 'xyxy', 'xywh'), { format: 'xywh' }));
    check(boxIou(boxConvert(a, 'xyxy', 'cxcywh'), boxConvert(b, 'xyxy', 'cxcywh'), { format: 'cxcywh' }));
    expect(boxIou([], b)).toEqual([]);
    expect(boxIou(a, [])).toEqual([[], []]);
  });

  it('bad boxes and formats are named', () => {
    expect(() => boxIou([[0, 0, 1, 1]], [[2, 0, 1, 1]])).toThrow("boxIou: b[0] = [2, 0, 1, 1] is not a box in 'xyxy' format (finite, with non-negative width and height)");
    expect(() => boxIou([[0, 0, -1, 1]], [], { format: 'xywh' })).toThrow(/boxIou: a\[0\] = \[0, 0, -1, 1\] is not a box in 'xywh' format/);
    expect(() => boxIou([[0, 0, 1]], [])).toThrow('boxIou: a[0] must be four numbers, got [0,0,1]');
    expect(() => boxIou(tensor([0, 0, 1, 1]), [])).toThrow('boxIou: a must be [N, 4], got [4]');
    expect(() => boxArea([[0, 0, NaN, 1]])).toThrow(/boxArea: boxes\[0\] = \[0, 0, NaN, 1\] is not a box/);
    expect(() => boxConvert([[0, 0, 1, 1]], 'xyxy', 'yolo' as never)).toThrow(`boxConvert: box format must be 'xyxy', 'xywh' or 'cxcywh', got "yolo"`);
  });
});
