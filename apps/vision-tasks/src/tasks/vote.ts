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
import { drawGaussian } from './centernet.js';

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
      for (const j of neighbours4(i, x, y, width, height)) {
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
 * part of a patch of touching garments (garments). Returns the class mask (a new array).
 */
export function nameComponents(clothes: ArrayLike<number>, height: number, width: number, name: (found: Patch[]) => ArrayLike<number>, centres?: readonly number[]): Uint8Array {
  const out = new Uint8Array(height * width);
  const found = garments(clothes, height, width, centres);
  const classes = name(found);
  found.forEach(({ pixels }, k) => {
    for (const i of pixels) out[i] = classes[k];
  });
  return out;
}

/**
 * The garments the first stage finds: the patches of clothes (boxes that overlap merged), each
 * split where it holds several of the U-Net's garment centres (`centres`, pixel indices: see
 * splitAtCentres), or, without centres (checkpoints from before them), where eroded cores
 * remain (splitTouching).
 */
export function garments(clothes: ArrayLike<number>, height: number, width: number, centres?: readonly number[]): Patch[] {
  const whole = mergeOverlapping(patches(clothes, height, width));
  return centres === undefined ? splitTouching(whole, height, width) : splitAtCentres(whole, centres, height, width);
}

/**
 * The first stage's centre heatmap targets [H·W]: a Gaussian around each garment's box centre
 * (its spread a sixth of the box's shorter side, at least one pixel), the largest where two
 * meet; 1 exactly at each centre pixel. `boxes`: corners [x0, y0, x1, y1) in pixels, 4 per garment.
 */
export function centreTargets(boxes: ArrayLike<number>, height: number, width: number): Float32Array {
  const out = new Float32Array(height * width);
  for (let k = 0; 4 * k < boxes.length; k++) {
    const [x0, y0, x1, y1] = [boxes[4 * k], boxes[4 * k + 1], boxes[4 * k + 2], boxes[4 * k + 3]];
    const [cx, cy] = [Math.min(width - 1, Math.floor((x0 + x1) / 2)), Math.min(height - 1, Math.floor((y0 + y1) / 2))];
    drawGaussian(out, height, width, cx, cy, Math.max(1, Math.min(x1 - x0, y1 - y0) / 6));
  }
  return out;
}

/**
 * Centre peaks of a heatmap [H·W] (probabilities): pixels at least `threshold` that hold the
 * largest value of their (2·`reach` + 1)² window (ties: the first in row order), as indices.
 */
export function peaks(heat: ArrayLike<number>, height: number, width: number, threshold = 0.3, reach = 3): number[] {
  const found: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const v = heat[i];
      if (v < threshold) continue;
      let best = true;
      for (let v2 = Math.max(0, y - reach); v2 <= Math.min(height - 1, y + reach) && best; v2++) {
        for (let u = Math.max(0, x - reach); u <= Math.min(width - 1, x + reach) && best; u++) {
          const j = v2 * width + u;
          if (heat[j] > v || (heat[j] === v && j < i)) best = false;
        }
      }
      if (best) found.push(i);
    }
  }
  return found;
}

/**
 * Patches split at the garments' centres (peaks of the U-Net's centre heatmap): a patch that
 * holds two peaks or more is that many garments; each peak's seed is the patch's pixels within
 * `radius` of it (4-steps inside the patch), and every pixel goes to its nearest seed (growSeeds).
 */
export function splitAtCentres(found: readonly Patch[], centres: readonly number[], height: number, width: number, radius = 2): Patch[] {
  const plane = height * width;
  const of = new Int32Array(plane).fill(-1);
  found.forEach((patch, k) => patch.pixels.forEach((i) => (of[i] = k)));
  return found.flatMap((patch, k) => {
    const own = centres.filter((i) => of[i] === k);
    if (own.length < 2) return [patch];
    const taken = new Uint8Array(plane);
    const cores = own.map((c): Patch => {
      const pixels: number[] = [];
      let frontier = [c];
      taken[c] = 1;
      for (let step = 0; step <= radius && frontier.length > 0; step++) {
        pixels.push(...frontier);
        const next: number[] = [];
        if (step < radius) {
          for (const i of frontier) {
            const y = Math.floor(i / width);
            const x = i - y * width;
            for (const j of neighbours4(i, x, y, width, height)) {
              if (j >= 0 && of[j] === k && !taken[j]) {
                taken[j] = 1;
                next.push(j);
              }
            }
          }
        }
        frontier = next;
      }
      return { pixels, box: [0, 0, 0, 0] };
    });
    return growSeeds(patch, cores, height, width);
  });
}

/**
 * Patches of touching garments, split: two garments the scenes paste side by side (their boxes
 * apart, their fringes touching) come out of the U-Net as one patch, and one class for both
 * loses both. Each patch is eroded `erosions` times (a pixel stays where its 4 neighbours are
 * clothes); where the erosion leaves several cores of at least `minCore` pixels, every pixel of
 * the patch goes to its nearest core (growSeeds), else the patch stays whole. The first stage
 * without a centre heatmap (checkpoints from before it) splits this way.
 */
export function splitTouching(found: readonly Patch[], height: number, width: number, erosions = 2, minCore = 30): Patch[] {
  const plane = height * width;
  return found.flatMap((patch) => {
    let inside: Uint8Array = new Uint8Array(plane);
    for (const i of patch.pixels) inside[i] = 1;
    for (let k = 0; k < erosions; k++) inside = erode(inside, height, width);
    return growSeeds(patch, patches(inside, height, width).filter((core) => core.pixels.length >= minCore), height, width);
  });
}

/**
 * A patch split among `cores` (disjoint sets of its pixels): a breadth-first growth from all
 * cores at once through the patch's own pixels (4-neighbours), so each pixel goes to the core
 * it reaches first (the nearest, in steps inside the patch; ties to the first core). A pixel
 * the growth cannot reach joins the first core. Fewer than two cores: the patch, whole.
 */
export function growSeeds(patch: Patch, cores: readonly Patch[], height: number, width: number): Patch[] {
  if (cores.length < 2) return [patch];
  const plane = height * width;
  const whole = new Uint8Array(plane);
  for (const i of patch.pixels) whole[i] = 1;
  const owner = new Int32Array(plane).fill(-1);
  let frontier: number[] = [];
  cores.forEach((core, c) => core.pixels.forEach((i) => ((owner[i] = c), frontier.push(i))));
  while (frontier.length > 0) {
    const next: number[] = [];
    for (const i of frontier) {
      const y = Math.floor(i / width);
      const x = i - y * width;
      for (const j of neighbours4(i, x, y, width, height)) {
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
    const part = parts[Math.max(0, owner[i])];
    const y = Math.floor(i / width);
    const x = i - y * width;
    part.pixels.push(i);
    part.box = [Math.min(part.box[0], x), Math.min(part.box[1], y), Math.max(part.box[2], x + 1), Math.max(part.box[3], y + 1)];
  }
  return parts;
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

/**
 * How the found garments meet the true ones (`instanceMasks`: [K, H·W] 0/1, a Scene's), the
 * classes aside: `matched`, the true garments that a found garment covers at IoU 0.5 or more
 * (at most one can); `merged`, those whose best found garment also holds more than half of
 * another true garment; `split`, those that two found garments or more hold a quarter of each.
 */
export function matchGarments(found: readonly Patch[], instanceMasks: ArrayLike<number>, plane: number): { garments: number; matched: number; merged: number; split: number } {
  const count = Math.floor(instanceMasks.length / plane);
  const owner = new Int32Array(plane).fill(-1);
  const sizes = new Array<number>(count).fill(0);
  for (let k = 0; k < count; k++) {
    for (let i = 0; i < plane; i++) {
      if (instanceMasks[k * plane + i]) {
        owner[i] = k;
        sizes[k]++;
      }
    }
  }
  const shared = Array.from({ length: count }, () => new Array<number>(found.length).fill(0));
  found.forEach((p, j) => p.pixels.forEach((i) => owner[i] >= 0 && shared[owner[i]][j]++));
  let [matched, merged, split] = [0, 0, 0];
  for (let k = 0; k < count; k++) {
    const iou = found.map((p, j) => shared[k][j] / (sizes[k] + p.pixels.length - shared[k][j]));
    const best = iou.indexOf(Math.max(-1, ...iou));
    if (best >= 0 && iou[best] >= 0.5) matched++;
    if (best >= 0 && sizes.some((size, m) => m !== k && shared[m][best] > size / 2)) merged++;
    if (found.filter((_, j) => shared[k][j] >= sizes[k] / 4).length >= 2) split++;
  }
  return { garments: count, matched, merged, split };
}

/** The class most of a found garment's pixels have in the true class mask (a clothes class where it has any): naming with the truth, to score the first stage alone. */
export function trueClassOf(patch: Patch, mask: ArrayLike<number>): number {
  const votes = new Map<number, number>();
  for (const i of patch.pixels) votes.set(mask[i], (votes.get(mask[i]) ?? 0) + 1);
  let best = 0;
  for (const [c, n] of votes) if (c !== 0 && (best === 0 || n > votes.get(best)! || (n === votes.get(best)! && c < best))) best = c;
  return best;
}

/** The 4-neighbours of pixel i at (x, y) in a height × width plane, -1 where one would fall outside. */
function neighbours4(i: number, x: number, y: number, width: number, height: number): number[] {
  return [x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, y > 0 ? i - width : -1, y < height - 1 ? i + width : -1];
}
