/**
 * One class per garment: the scenes keep their clothes apart, so every 4-connected patch of
 * clothes pixels is one garment, and the whole patch takes one class. Two ways to choose it:
 *
 * - `voteComponents` (one stage): the U-Net labels each pixel on its own and often splits a
 *   garment into look-alike classes (shirt, T-shirt, coat); the patch takes the class with the
 *   largest summed probability over its pixels (a vote weighted by confidence).
 * - `nameComponents` (two stages): the U-Net only finds the clothes; the patch takes the class
 *   the crop classifier gives its bounding box (classifier.ts).
 *
 * The background/clothes boundary stays the U-Net's own.
 */

/** A 4-connected patch of non-zero pixels: its pixel indices and its box [x0, y0, x1, y1) in pixels. */
export interface Patch {
  pixels: number[];
  box: [number, number, number, number];
}

/** The 4-connected patches of non-zero `labels` [H·W], in the order of their first pixel. */
export function patches(labels: ArrayLike<number>, height: number, width: number): Patch[] {
  const plane = height * width;
  const seen = new Uint8Array(plane);
  const stack: number[] = [];
  const found: Patch[] = [];
  for (let start = 0; start < plane; start++) {
    if (seen[start] || labels[start] === 0) continue;
    const pixels: number[] = [];
    const box: [number, number, number, number] = [width, height, 0, 0];
    seen[start] = 1;
    stack.push(start);
    while (stack.length > 0) {
      const i = stack.pop()!;
      pixels.push(i);
      const y = Math.floor(i / width);
      const x = i - y * width;
      box[0] = Math.min(box[0], x);
      box[1] = Math.min(box[1], y);
      box[2] = Math.max(box[2], x + 1);
      box[3] = Math.max(box[3], y + 1);
      for (const j of [x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, y > 0 ? i - width : -1, y < height - 1 ? i + width : -1]) {
        if (j >= 0 && !seen[j] && labels[j] !== 0) {
          seen[j] = 1;
          stack.push(j);
        }
      }
    }
    found.push({ pixels, box });
  }
  return found;
}

/**
 * `labels`: argmax class per pixel [H·W] (0 = background); `probabilities`: [C, H·W] softmax
 * scores of the same image. Returns the voted labels (a new array).
 */
export function voteComponents(labels: ArrayLike<number>, probabilities: ArrayLike<number>, classes: number, height: number, width: number): Uint8Array {
  const plane = height * width;
  const out = Uint8Array.from(labels);
  const votes = new Float64Array(classes);
  for (const { pixels } of patches(labels, height, width)) {
    votes.fill(0);
    for (const i of pixels) for (let c = 1; c < classes; c++) votes[c] += probabilities[c * plane + i];
    let best = 1;
    for (let c = 2; c < classes; c++) if (votes[c] > votes[best]) best = c;
    for (const i of pixels) out[i] = best;
  }
  return out;
}

/**
 * Patches whose boxes overlap, merged into one (repeatedly, until no two boxes overlap): a
 * sandal's straps or a bag's handle come out as several patches, but the scenes keep the
 * boxes of different garments apart, so overlapping boxes are one garment.
 */
export function mergeOverlapping(found: readonly Patch[]): Patch[] {
  const merged = found.map((p) => ({ pixels: [...p.pixels], box: [...p.box] as Patch['box'] }));
  const overlap = (a: Patch['box'], b: Patch['box']): boolean => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = 0; i < merged.length && !changed; i++) {
      for (let j = i + 1; j < merged.length && !changed; j++) {
        if (!overlap(merged[i].box, merged[j].box)) continue;
        const [a, b] = [merged[i], merged[j]];
        a.pixels.push(...b.pixels);
        a.box = [Math.min(a.box[0], b.box[0]), Math.min(a.box[1], b.box[1]), Math.max(a.box[2], b.box[2]), Math.max(a.box[3], b.box[3])];
        merged.splice(j, 1);
        changed = true;
      }
    }
  }
  return merged;
}

/**
 * `clothes`: 1 where the U-Net finds clothes [H·W]; `name(patches)`: the class (1..C, 0 is the
 * background) of each garment: a patch, or patches whose boxes overlap (mergeOverlapping).
 * Returns the class mask (a new array).
 */
export function nameComponents(clothes: ArrayLike<number>, height: number, width: number, name: (found: Patch[]) => ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(height * width);
  const found = mergeOverlapping(patches(clothes, height, width));
  const classes = name(found);
  found.forEach(({ pixels }, k) => {
    for (const i of pixels) out[i] = classes[k];
  });
  return out;
}
