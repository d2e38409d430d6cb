/**
 * COCO's run-length encoded masks, as pycocotools (maskApi.c) reads and writes them. Runs
 * go down the columns (column-major, Fortran order: pixel (y, x) is run position x * height + y),
 * alternate 0s and 1s, and start with a run of 0s (possibly empty). The compressed string form
 * is LEB128-like: 5 bits per character (ASCII 48..111, bit 0x20 = more follows, 0x10 = sign
 * of the last group), and from the fourth count on each count is stored as the difference
 * from the count two before it (pycocotools' `i > 2`, kept as it is so strings match).
 * Masks here are row-major Uint8Array [height * width] of 0/1, like the rest of the package.
 */

export interface Rle {
  /** [height, width], as COCO's `size`. */
  size: [number, number];
  /** Run lengths: 0s, 1s, 0s, ... summing to height × width. */
  counts: number[];
}

const at = (file: string | undefined, field: string): string => `${file === undefined ? '' : `${file}: `}${field}`;

/** Throws unless the counts are non-negative integers that cover the mask exactly. */
export function checkRle(rle: Rle, file?: string, field = 'segmentation'): void {
  const [height, width] = rle.size;
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 0 || width < 0) {
    throw new Error(`${at(file, `${field}.size`)} must be [height, width] of non-negative integers, got ${JSON.stringify(rle.size)}`);
  }
  let total = 0;
  for (let i = 0; i < rle.counts.length; i++) {
    const c = rle.counts[i];
    if (!Number.isInteger(c) || c < 0) throw new Error(`${at(file, `${field}.counts[${i}]`)} must be a non-negative integer, got ${c}`);
    total += c;
  }
  if (total !== height * width) {
    throw new Error(`${at(file, `${field}.counts`)} sum to ${total} pixels, expected height × width = ${height} × ${width} = ${height * width}`);
  }
}

/** The 0/1 mask (row-major [height, width]) of a checked RLE. */
export function rleDecode(rle: Rle, file?: string, field?: string): Uint8Array {
  checkRle(rle, file, field);
  const [height, width] = rle.size;
  const mask = new Uint8Array(height * width);
  let position = 0;
  rle.counts.forEach((count, i) => {
    if (i % 2 === 1) {
      for (let p = position; p < position + count; p++) mask[(p % height) * width + Math.floor(p / height)] = 1;
    }
    position += count;
  });
  return mask;
}

/** The RLE of a row-major 0/1 (or 0/non-zero) mask. */
export function rleEncode(mask: ArrayLike<number>, height: number, width: number): Rle {
  if (mask.length !== height * width) throw new Error(`rleEncode: the mask has ${mask.length} values, expected ${height} × ${width} = ${height * width}`);
  const counts: number[] = [];
  let value = 0;
  let run = 0;
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      const v = mask[y * width + x] !== 0 ? 1 : 0;
      if (v !== value) {
        counts.push(run);
        run = 0;
        value = v;
      }
      run++;
    }
  }
  counts.push(run);
  return { size: [height, width], counts };
}

/** pycocotools' rleToString: the compressed `counts` string of an RLE. */
export function rleToString(rle: Rle): string {
  let out = '';
  rle.counts.forEach((count, i) => {
    let x = i > 2 ? count - rle.counts[i - 2] : count;
    let more = true;
    while (more) {
      let c = x & 0x1f;
      x = Math.floor(x / 32); // an arithmetic shift that also holds past 32 bits
      more = c & 0x10 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      out += String.fromCharCode(c + 48);
    }
  });
  return out;
}

/** pycocotools' rleFrString: the counts of a compressed string; a bad character names its position. */
export function rleFromString(counts: string, size: [number, number], file?: string, field = 'segmentation'): Rle {
  const out: number[] = [];
  let p = 0;
  while (p < counts.length) {
    let x = 0;
    let k = 0;
    let more = true;
    while (more) {
      if (p >= counts.length) throw new Error(`${at(file, `${field}.counts`)} ends inside a number (character ${p}); the string is truncated`);
      const c = counts.charCodeAt(p) - 48;
      if (c < 0 || c > 63) {
        throw new Error(`${at(file, `${field}.counts`)} has '${counts[p]}' at character ${p}; compressed RLE uses the characters '0' to 'o' (ASCII 48 to 111)`);
      }
      if (k > 6) throw new Error(`${at(file, `${field}.counts`)} has a number longer than 7 characters at character ${p}; not a COCO RLE string`);
      x += (c & 0x1f) * 2 ** (5 * k);
      more = (c & 0x20) !== 0;
      p++;
      k++;
      if (!more && c & 0x10) x -= 2 ** (5 * k); // the last group's sign bit extends to the left
    }
    if (out.length > 2) x += out[out.length - 2];
    out.push(x);
  }
  const rle: Rle = { size, counts: out };
  checkRle(rle, file, field);
  return rle;
}

/**
 * pycocotools' rleFrPoly: a polygon [x0, y0, x1, y1, ...] (pixel coordinates, pixel (x, y)
 * covering [x, x+1) × [y, y+1)) rasterised the way COCO's masks were made, so areas and IoUs
 * match pycocotools: the outline is traced at 5× resolution, its crossings of the column
 * centres become run boundaries down each column (an even-odd fill), then downsampled.
 */
export function polygonToRle(xy: readonly number[], height: number, width: number): Rle {
  const scale = 5;
  const k = xy.length >> 1;
  const x: number[] = [];
  const y: number[] = [];
  for (let j = 0; j < k; j++) {
    x.push(Math.trunc(scale * xy[2 * j] + 0.5));
    y.push(Math.trunc(scale * xy[2 * j + 1] + 0.5));
  }
  x.push(x[0]);
  y.push(y[0]);
  // Dense integer points along every edge, stepping along its longer axis.
  const u: number[] = [];
  const v: number[] = [];
  for (let j = 0; j < k; j++) {
    let xs = x[j];
    let xe = x[j + 1];
    let ys = y[j];
    let ye = y[j + 1];
    const dx = Math.abs(xe - xs);
    const dy = Math.abs(ys - ye);
    const flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
    if (flip) [xs, xe, ys, ye] = [xe, xs, ye, ys];
    const s = dx >= dy ? (ye - ys) / dx : (xe - xs) / dy;
    if (dx >= dy) {
      for (let d = 0; d <= dx; d++) {
        const t = flip ? dx - d : d;
        u.push(t + xs);
        v.push(Math.trunc(ys + s * t + 0.5));
      }
    } else {
      for (let d = 0; d <= dy; d++) {
        const t = flip ? dy - d : d;
        v.push(t + ys);
        u.push(Math.trunc(xs + s * t + 0.5));
      }
    }
  }
  // Where the outline crosses a column centre: one run boundary, downsampled to pixels.
  const boundaries: number[] = [];
  for (let j = 1; j < u.length; j++) {
    if (u[j] === u[j - 1]) continue;
    const xd = ((u[j] < u[j - 1] ? u[j] : u[j] - 1) + 0.5) / scale - 0.5;
    if (Math.floor(xd) !== xd || xd < 0 || xd > width - 1) continue;
    let yd = ((v[j] < v[j - 1] ? v[j] : v[j - 1]) + 0.5) / scale - 0.5;
    yd = Math.ceil(yd < 0 ? 0 : yd > height ? height : yd);
    boundaries.push(xd * height + yd);
  }
  boundaries.push(height * width);
  boundaries.sort((a, b) => a - b);
  let previous = 0;
  const runs = boundaries.map((b) => {
    const run = b - previous;
    previous = b;
    return run;
  });
  // Empty runs in the middle join their neighbours (two crossings at one pixel cancel).
  const counts = [runs[0]];
  for (let j = 1; j < runs.length; ) {
    if (runs[j] > 0) counts.push(runs[j++]);
    else {
      j++;
      if (j < runs.length) counts[counts.length - 1] += runs[j++];
    }
  }
  return { size: [height, width], counts };
}

/** Union of masks of the same size (pycocotools merges an object's polygons this way). */
export function maskUnion(masks: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (const m of masks) for (let i = 0; i < size; i++) out[i] |= m[i];
  return out;
}
