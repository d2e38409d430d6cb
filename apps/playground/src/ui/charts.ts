/** Small line charts on plain canvas: the loss curve and the per-layer gradient norms. */

export const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#000'];

/** Lines of `series` (one colour each) over a shared x axis; `log` plots log10 of positive values. */
export function drawLines(canvas: HTMLCanvasElement, series: readonly (readonly number[])[], colors: readonly string[], options: { log?: boolean } = {}): void {
  const context = canvas.getContext('2d')!;
  const { width, height } = canvas;
  context.clearRect(0, 0, width, height);
  const transform = options.log ? (v: number) => Math.log10(Math.max(v, 1e-12)) : (v: number) => v;
  // On the log scale a zero (no gradient yet) has no place: such points are left out.
  const shown = (v: number): boolean => Number.isFinite(v) && (!options.log || v > 0);
  const all = series.flatMap((s) => s.filter(shown).map(transform));
  if (all.length === 0) return;
  let lo = options.log ? Math.min(...all) : 0;
  let hi = Math.max(...all);
  if (hi - lo < 1e-9) {
    hi += 0.5;
    lo -= 0.5;
  }
  const length = Math.max(...series.map((s) => s.length));
  series.forEach((s, k) => {
    context.beginPath();
    let started = false;
    s.forEach((v, i) => {
      if (!shown(v)) return;
      const x = length <= 1 ? 0 : (i / (length - 1)) * (width - 2) + 1;
      const y = height - 2 - ((transform(v) - lo) / (hi - lo)) * (height - 4);
      if (!started) context.moveTo(x, y);
      else context.lineTo(x, y);
      started = true;
    });
    context.strokeStyle = colors[k % colors.length];
    context.lineWidth = 1.5;
    context.stroke();
  });
  if (options.log) {
    context.fillStyle = '#666';
    context.font = '10px sans-serif';
    context.fillText((10 ** hi).toExponential(1), 2, 10);
    context.fillText((10 ** lo).toExponential(1), 2, height - 3);
  }
}

/** Keeps at most `max` points by halving (every other one) when full, so long runs stay cheap. */
export function pushCapped(history: number[], value: number, max = 400): void {
  history.push(value);
  if (history.length > max) {
    const kept = history.filter((_, i) => i % 2 === 0);
    history.length = 0;
    history.push(...kept);
  }
}
