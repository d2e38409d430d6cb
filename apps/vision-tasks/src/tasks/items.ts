/**
 * The second stage's cheap first lessons: the 12,000 clean training items themselves, each drawn
 * as SceneDataset draws a garment's ink (a random tint, opaque on the ink and fading on the
 * fringe) but cut out on black, as segmentation's masked crops are. An item costs no scene to
 * paint, and every pass sees every training item once, where crops of scenes sample them.
 */
import type { Image } from '@nn/data';
import type { Generator } from '@nn/tensor';
import type { Corners } from './crops.js';

/** SceneDataset's default: pixels from this value up are ink (the box and mask); below, fringe. */
export const INK_THRESHOLD = 16;

export interface ItemSource {
  images: { shape: readonly number[]; data: ArrayLike<number> };
  labels: { data: ArrayLike<number> };
}

/**
 * Item `index` as a one-channel image on black (a grey tint in [0.5, 1), as the scenes draw it)
 * and the box of its ink [x0, y0, x1, y1) in pixels (the whole item where it has none).
 */
export function itemObject(items: ItemSource, index: number, generator: Generator): { image: Image; box: Corners } {
  const [, height, width] = items.images.shape;
  const plane = height * width;
  const tint = 0.5 + 0.5 * generator.nextFloat();
  const data = new Float32Array(plane);
  let [x0, y0, x1, y1] = [width, height, 0, 0];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = items.images.data[index * plane + y * width + x];
      if (v === 0) continue;
      // scene.ts: shade = 0.5 + 0.5·tint·(0.25 + 0.75·v/255) blended over the background with alpha min(1, v/16).
      data[y * width + x] = (0.5 + 0.5 * tint * (0.25 + (0.75 * v) / 255)) * Math.min(1, v / INK_THRESHOLD);
      if (v >= INK_THRESHOLD) [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x + 1), Math.max(y1, y + 1)];
    }
  }
  const box: Corners = x1 > x0 ? [x0, y0, x1, y1] : [0, 0, width, height];
  return { image: { channels: 1, height, width, data }, box };
}
