/**
 * The second stage's input: each object cut out of its scene at about its own resolution
 * (R-CNN's idea), as the square around its box that Fashion-MNIST frames its items in (the
 * longer side fills it, so a trouser stays narrow), resampled to CROP_SIZE × CROP_SIZE. The
 * scene's 64×64 pixels keep a garment at 28 to 50 pixels; the whole-scene networks see it
 * at an eighth of that.
 */
import { crop, resize, type Image } from '@nn/data';
import { tensor, type Generator, type Tensor } from '@nn/tensor';

/** Side of a crop: Fashion-MNIST's own. */
export const CROP_SIZE = 28;
/** Fashion-MNIST's items leave about a pixel in 28 free around them; the crop does the same. */
export const CROP_MARGIN = 0.08;

export type Corners = readonly [number, number, number, number];

/**
 * The square window [top, left, side] around a box [x0, y0, x1, y1) (pixels): centred on it,
 * its side the box's longer side times 1 + margin, rounded to whole pixels.
 */
export function squareWindow(box: Corners, margin = CROP_MARGIN): [number, number, number] {
  const [x0, y0, x1, y1] = box;
  const side = Math.max(1, Math.round(Math.max(x1 - x0, y1 - y0) * (1 + margin)));
  return [Math.round((y0 + y1 - side) / 2), Math.round((x0 + x1 - side) / 2), side];
}

/** The box's square window of `image`, resampled to size × size (outside the image: 0). */
export function cropBox(image: Image, box: Corners, size = CROP_SIZE, margin = CROP_MARGIN): Image {
  const [top, left, side] = squareWindow(box, margin);
  return resize([size, size])(crop(image, top, left, side, side));
}

/**
 * The image with every pixel outside `mask` (0/1 per pixel, one plane) set to 0: a garment cut
 * out along its mask, without the background (segmentation knows the mask; boxes do not).
 */
export function maskedImage(image: Image, mask: ArrayLike<number>): Image {
  const plane = image.height * image.width;
  const data = image.data.slice();
  for (let c = 0; c < image.channels; c++) for (let i = 0; i < plane; i++) if (!mask[i]) data[c * plane + i] = 0;
  return { ...image, data };
}

/**
 * A training box near the true one, as a detector's box would be: its centre moved by up to
 * `amount` of the box's size and each side scaled by up to 1 ± amount.
 */
export function jitterBox(box: Corners, generator: Generator, amount = 0.1): [number, number, number, number] {
  const [x0, y0, x1, y1] = box;
  const u = (): number => 2 * generator.nextFloat() - 1;
  const w = (x1 - x0) * (1 + amount * u());
  const h = (y1 - y0) * (1 + amount * u());
  const cx = (x0 + x1) / 2 + amount * (x1 - x0) * u();
  const cy = (y0 + y1) / 2 + amount * (y1 - y0) * u();
  return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
}

/**
 * Crops as the classifier reads them, [N, 1, size, size]: grey (the mean of the channels: a
 * garment's colour is a random tint, never its class), then standardized per crop (zero mean,
 * unit spread: the backgrounds' brightness and contrast vary), optionally mirrored.
 */
export function cropTensor(crops: readonly Image[], flip: readonly boolean[] = []): Tensor {
  const { channels, height, width } = crops[0];
  const plane = height * width;
  const values = new Float32Array(crops.length * plane);
  crops.forEach((image, n) => {
    const grey = values.subarray(n * plane, (n + 1) * plane);
    for (let c = 0; c < channels; c++) {
      for (let y = 0; y < height; y++) {
        const row = (c * height + y) * width;
        for (let x = 0; x < width; x++) grey[y * width + x] += image.data[row + (flip[n] ? width - 1 - x : x)];
      }
    }
    let mean = 0;
    for (const v of grey) mean += v;
    mean /= plane;
    let spread = 0;
    for (const v of grey) spread += (v - mean) ** 2;
    const scale = 1 / Math.max(Math.sqrt(spread / plane), 1e-6 * channels);
    for (let i = 0; i < plane; i++) grey[i] = (grey[i] - mean) * scale;
  });
  return tensor(values, [crops.length, 1, height, width]);
}
