/** TF Playground's diverging scale: orange (−1), light grey (0), blue (+1). */
const NEGATIVE = [245, 147, 34];
const MIDDLE = [232, 234, 235];
const POSITIVE = [8, 119, 189];

/** RGB of value v in [-1, 1] (clamped); `discretize` snaps to the two ends, as TF Playground's checkbox. */
export function colorOf(v: number, discretize = false): [number, number, number] {
  if (Number.isNaN(v)) return [0, 0, 0];
  const t = discretize ? (v >= 0 ? 1 : -1) : Math.max(-1, Math.min(1, v));
  const [from, to, f] = t < 0 ? [MIDDLE, NEGATIVE, -t] : [MIDDLE, POSITIVE, t];
  return [from[0] + (to[0] - from[0]) * f, from[1] + (to[1] - from[1]) * f, from[2] + (to[2] - from[2]) * f];
}

export function cssColor(v: number): string {
  const [r, g, b] = colorOf(v);
  return `rgb(${r | 0},${g | 0},${b | 0})`;
}
