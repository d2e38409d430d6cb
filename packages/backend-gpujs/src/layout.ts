/**
 * How a tensor lies on the device: its flat row-major values in a 2-D output of
 * `width` × `height` (the last row padded), so that no texture side passes the device's
 * limit. gpu.js computes indices in float32, which counts integers exactly only up to
 * 2^24; every index a kernel forms is below the size of some tensor, so capping tensors
 * at 2^24 elements keeps every index exact. A 4096-wide layout of 2^24 elements is
 * 4096 × 4096, which every WebGL device can hold.
 */

/** Largest integer that float32 index arithmetic represents exactly, with its neighbours. */
export const MAX_EXACT_INDEX = 2 ** 24;

/** Widest row used, even where textures may be wider: 2^24 elements still fit a 4096² texture. */
export const MAX_ROW = 4096;

export interface Layout {
  /** Elements of the tensor. */
  size: number;
  /** Row length of the 2-D output. */
  width: number;
  /** Rows of the 2-D output (the last may be partly padding). */
  height: number;
}

/**
 * The layout of `size` elements on a device whose textures reach `maxTextureSize` per side;
 * throws, naming the size and the limit, when no exact layout exists.
 */
export function layoutFor(size: number, maxTextureSize: number, what = 'tensor'): Layout {
  if (size > MAX_EXACT_INDEX) {
    throw new Error(
      `gpujs: a ${what} of ${size} elements is larger than ${MAX_EXACT_INDEX} (2^24), the most that gpu.js's float32 index arithmetic addresses exactly; split the work or use the cpu backend`,
    );
  }
  const width = Math.max(1, Math.min(size, MAX_ROW, maxTextureSize));
  const height = Math.max(1, Math.ceil(size / width));
  if (height > maxTextureSize) {
    throw new Error(
      `gpujs: a ${what} of ${size} elements needs a ${width}×${height} texture, larger than this device's maximum texture size ${maxTextureSize}×${maxTextureSize}`,
    );
  }
  return { size, width, height };
}

/** Whether a width × height buffer fits the device and float32 indexing. */
export function fits(width: number, height: number, maxTextureSize: number): boolean {
  return width <= maxTextureSize && height <= maxTextureSize && width * height <= MAX_EXACT_INDEX;
}
