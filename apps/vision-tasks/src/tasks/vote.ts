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
 * background) of each garment: a patch, or patches whose boxes overlap (mergeOverlapping), or a
 * part of a patch of touching garments (splitTouching).
 * Returns the class mask (a new array).
 */
export function nameComponents(clothes: ArrayLike<number>, height: number, width: number, name: (found: Patch[]) => ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(height * width);
  const found = splitTouching(mergeOverlapping(patches(clothes, height, width)), height, width);
  const classes = name(found);
  found.forEach(({ pixels }, k) => {
    for (const i of pixels) out[i] = classes[k];
  });
  return out;
}

/**
 * Patches of touching garments, split: two garments the scenes paste side by side (their boxes
 * apart, their fringes touching) come out of the U-Net as one patch, and one class for both
 * loses both. Each patch is eroded `erosions` times (a pixel stays where its 4 neighbours are
 * clothes); where the erosion leaves several cores of at least `minCore` pixels, every pixel of
 * the patch goes to its nearest core (a breadth-first growth inside the patch), else the patch
 * stays whole.
 */
export function splitTouching(found: readonly Patch[], height: number, width: number, erosions = 2, minCore = 30): Patch[] {
  const plane = height * width;
  return found.flatMap((patch) => {
    let inside: Uint8Array = new Uint8Array(plane);
    for (const i of patch.pixels) inside[i] = 1;
    const whole = inside;
    for (let k = 0; k < erosions; k++) inside = erode(inside, height, width);
    const cores = patches(inside, height, width).filter((core) => core.pixels.length >= minCore);
    if (cores.length < 2) return [patch];
    // Multi-source breadth-first growth from the cores, through the patch's own pixels.
    const owner = new Int32Array(plane).fill(-1);
    let frontier: number[] = [];
    cores.forEach((core, c) => core.pixels.forEach((i) => ((owner[i] = c), frontier.push(i))));
    while (frontier.length > 0) {
      const next: number[] = [];
      for (const i of frontier) {
        const y = Math.floor(i / width);
        const x = i - y * width;
        for (const j of [x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, y > 0 ? i - width : -1, y < height - 1 ? i + width : -1]) {
          if (j >= 0 && whole[j] && owner[j] < 0) {
            owner[j] = owner[i];
            next.push(j);
          }
        }
      }
      frontier = next;
    }
    const parts = cores.map((): Patch => ({ pixels: [], box: [width, height, 0, 0] }));
    for (const i of patch.pixels) {
      // A pixel the growth cannot reach (cut off by the erosion's corners) joins the first core.
      const part = parts[Math.max(0, owner[i])];
      const y = Math.floor(i / width);
      const x = i - y * width;
      part.pixels.push(i);
      part.box = [Math.min(part.box[0], x), Math.min(part.box[1], y), Math.max(part.box[2], x + 1), Math.max(part.box[3], y + 1)];
    }
    return parts;
  });
}

/** Pixels of `mask` whose four neighbours (inside the image) are all in it. */
function erode(mask: Uint8Array, height: number, width: number): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      out[i] = Number(mask[i] === 1 && (x === 0 || mask[i - 1] === 1) && (x === width - 1 || mask[i + 1] === 1) && (y === 0 || mask[i - width] === 1) && (y === height - 1 || mask[i + width] === 1));
    }
  }
  return out;
}
