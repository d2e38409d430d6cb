import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cocoTargets, parseCoco } from './coco.js';

const fixture = readFileSync(new URL('../../test/fixtures/coco/instances.json', import.meta.url), 'utf8');
/** The fixture's text with one field set. */
function edited(path: (string | number)[], value: unknown): string {
  const json = JSON.parse(fixture) as Record<string | number, unknown>;
  let at = json;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  at[path[path.length - 1]] = value;
  return JSON.stringify(json);
}

const rows = (mask: Uint8Array, width: number): number[][] =>
  Array.from({ length: mask.length / width }, (_, y) => Array.from(mask.subarray(y * width, (y + 1) * width)));

describe('COCO', () => {
  it('reads images, categories, boxes and every kind of segmentation', () => {
    const coco = parseCoco(fixture, { file: 'instances.json' });
    expect(coco.images.map((i) => [i.id, i.height, i.width, i.fileName])).toEqual([
      [1, 6, 7, 'triangle.jpg'],
      [2, 5, 6, 'square.jpg'],
      [3, 4, 5, 'crowd.jpg'],
    ]);
    // Polygon, as pycocotools rasterises it.
    const one = cocoTargets(coco, 1);
    expect(Array.from(one.boxes)).toEqual([0.5, 0.5, 5.5, 4.5]);
    expect(Array.from(one.labels)).toEqual([2]); // category 18 is the second category
    expect(rows(one.instanceMasks!, 7).slice(0, 4)).toEqual([
      [0, 0, 0, 0, 0, 0, 0],
      [0, 1, 1, 1, 1, 0, 0],
      [0, 0, 1, 1, 0, 0, 0],
      [0, 0, 1, 1, 0, 0, 0],
    ]);
    // A polygon and an uncompressed RLE on one image.
    const two = cocoTargets(coco, 2);
    expect(Array.from(two.labels)).toEqual([1, 2]);
    expect(rows(two.instanceMasks!.subarray(30), 6)).toEqual([
      [0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 1],
      [0, 0, 0, 0, 1, 1],
      [0, 0, 0, 0, 0, 0],
    ]);
    // A crowd with a compressed RLE string.
    const three = cocoTargets(coco, 3);
    expect(Array.from(three.iscrowd)).toEqual([1]);
    expect(rows(three.instanceMasks!, 5)).toEqual([
      [0, 0, 0, 0, 0],
      [0, 1, 1, 1, 0],
      [0, 1, 1, 1, 0],
      [0, 0, 0, 0, 1],
    ]);
  });

  it('names the file and field of bad annotations', () => {
    const bad = (path: (string | number)[], value: unknown, maxPixels?: number): (() => unknown) => () => parseCoco(edited(path, value), { file: 'instances.json', maxPixels });
    expect(bad(['annotations', 1, 'bbox'], [1, 1, -3, 2])).toThrow('instances.json: annotations[1].bbox must be [x, y, width, height] with width, height ≥ 0, got [1,1,-3,2]');
    expect(bad(['annotations', 1, 'bbox', 2], '3')).toThrow('instances.json: annotations[1].bbox[2] must be a finite number, got "3"');
    expect(bad(['annotations', 0, 'image_id'], 7)).toThrow('instances.json: annotations[0].image_id 7 is not the id of any entry of images');
    expect(bad(['annotations', 0, 'category_id'], 2)).toThrow('instances.json: annotations[0].category_id 2 is not the id of any entry of categories');
    expect(bad(['annotations', 0, 'segmentation'], [[1, 2, 3, 4]])).toThrow('instances.json: annotations[0].segmentation[0] must list x, y pairs of at least 3 points, got 4 numbers');
    expect(bad(['annotations', 2, 'segmentation', 'size'], [6, 5])).toThrow('instances.json: annotations[2].segmentation.size is [6, 5] but image 2 is 5 high and 6 wide');
    expect(bad(['annotations', 2, 'segmentation', 'counts'], [23, 1.5])).toThrow('instances.json: annotations[2].segmentation.counts[1] must be an integer ≥ 0, got 1.5');
    expect(bad(['images', 1, 'id'], 1)).toThrow('instances.json: images[1].id 1 is used twice');
    expect(bad(['images', 0, 'width'], 100000, 1000)).toThrow('instances.json: images[0] declares 100000×6 = 600000 pixels, more than maxPixels = 1000');
    expect(() => parseCoco('{"images": [', { file: 'cut.json' })).toThrow('cut.json: not valid JSON:');
    expect(() => parseCoco('{}', { file: 'e.json' })).toThrow('e.json: images must be a list, got nothing (missing)');
    // Counts are checked when the mask is made (reading stays fast on big files).
    const wrongSum = edited(['annotations', 2, 'segmentation', 'counts'], [23, 1, 3]);
    expect(() => cocoTargets(parseCoco(wrongSum, { file: 'w.json' }), 2)).toThrow('w.json: annotations[2].segmentation.counts sum to 27 pixels, expected height × width = 5 × 6 = 30');
    const badString = edited(['annotations', 3, 'segmentation', 'counts'], '52~');
    expect(() => cocoTargets(parseCoco(badString, { file: 's.json' }), 3)).toThrow("s.json: annotations[3].segmentation.counts has '~' at character 2");
  });
});
