/**
 * One class per garment: the U-Net labels each pixel on its own, so one garment often comes
 * out in patches of two or three look-alike classes (shirt, T-shirt, coat). The scenes keep
 * their clothes apart, so every connected patch of non-background pixels is one garment; each
 * patch takes the class with the largest summed probability over its pixels (a vote weighted
 * by confidence). The background/clothes boundary stays the U-Net's own.
 */

/**
 * `labels`: argmax class per pixel [H·W] (0 = background); `probabilities`: [C, H·W] softmax
 * scores of the same image. Returns the voted labels (a new array).
 */
export function voteComponents(labels: ArrayLike<number>, probabilities: ArrayLike<number>, classes: number, height: number, width: number): Uint8Array {
  const plane = height * width;
  const out = Uint8Array.from(labels);
  const seen = new Uint8Array(plane);
  const stack: number[] = [];
  const members: number[] = [];
  const votes = new Float64Array(classes);
  for (let start = 0; start < plane; start++) {
    if (seen[start] || labels[start] === 0) continue;
    // Flood-fill the 4-connected patch of clothes pixels that holds `start`.
    members.length = 0;
    votes.fill(0);
    seen[start] = 1;
    stack.push(start);
    while (stack.length > 0) {
      const i = stack.pop()!;
      members.push(i);
      for (let c = 1; c < classes; c++) votes[c] += probabilities[c * plane + i];
      const y = Math.floor(i / width);
      const x = i - y * width;
      for (const j of [x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, y > 0 ? i - width : -1, y < height - 1 ? i + width : -1]) {
        if (j >= 0 && !seen[j] && labels[j] !== 0) {
          seen[j] = 1;
          stack.push(j);
        }
      }
    }
    let best = 1;
    for (let c = 2; c < classes; c++) if (votes[c] > votes[best]) best = c;
    for (const i of members) out[i] = best;
  }
  return out;
}
