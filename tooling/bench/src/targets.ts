/**
 * Issue 14's targets, so that every run says which it meets and by how much, on whatever
 * machine it runs (the ratios compare ours and theirs in the same run). A target is a ratio
 * of times (peer over ours, or ours on one thread over ours on two) or a rate, and a bar.
 */

/** One thread (`pnpm bench`, by CPU time): ours vs tfjs-wasm single-threaded, by case key prefix. */
export const ONE_THREAD_TARGETS: readonly { prefix: string; vsTfjsWasm: number }[] = [
  { prefix: 'matmul 256×256', vsTfjsWasm: 1.2 },
  { prefix: 'matmul 512×512', vsTfjsWasm: 1.2 },
  { prefix: 'matmul 1024×1024', vsTfjsWasm: 1.2 },
  { prefix: 'conv2d (a)', vsTfjsWasm: 1.0 },
  { prefix: 'conv2d (b)', vsTfjsWasm: 1.0 },
  { prefix: 'conv2d (c)', vsTfjsWasm: 1.0 },
  { prefix: 'models ResNet-18', vsTfjsWasm: 1.0 },
  { prefix: 'training MLP', vsTfjsWasm: 2.0 },
];

/** Two threads (`bench:threads`, by wall time): ours-2 vs tfjs-wasm-2, and ours-2 vs ours-1 where the issue names one. */
export const TWO_THREAD_TARGETS: readonly { prefix: string; vsTfjsWasm?: number; vsOursOne?: number; imagesPerSecond?: number }[] = [
  { prefix: 'matmul 1024×1024', vsTfjsWasm: 1.0, vsOursOne: 1.7 },
  { prefix: 'conv2d (b)', vsTfjsWasm: 1.0 },
  { prefix: 'conv2d (c)', vsTfjsWasm: 1.0 },
  { prefix: 'models ResNet-18', vsTfjsWasm: 1.0 },
  { prefix: 'lenet5 train step', imagesPerSecond: 2500 },
];

/** "met: 1.12× ≥ 1.00× (12% over)" or "NOT met: 0.89× < 1.00× (11% short)"; `unit` follows the numbers. */
export function verdict(value: number, bar: number, unit = '×'): string {
  const digits = unit === '×' ? 2 : 0;
  const shown = (x: number): string => `${x.toFixed(digits)}${unit === '×' ? '×' : ` ${unit}`}`;
  const margin = Math.abs(value / bar - 1) * 100;
  return value >= bar ? `met: ${shown(value)} ≥ ${shown(bar)} (${margin.toFixed(0)}% over)` : `NOT met: ${shown(value)} < ${shown(bar)} (${margin.toFixed(0)}% short)`;
}

/**
 * What a one-thread matmul target asks of the GEMM micro-kernel: ours and the peer as shares
 * of the kernel's in-cache peak (measureGemmPeak), and the rate the bar needs. A bar above
 * 100 % of the peak cannot be met by any code around this kernel on this machine.
 */
export function ceilingNote(name: string, ours: number, peer: number, bar: number, peak: number): string {
  const share = (rate: number): string => `${((100 * rate) / peak).toFixed(0)} %`;
  const needed = peer * bar;
  const verdictText = needed > peak ? 'above the peak: out of reach of this kernel here' : 'within the peak';
  return `${name}: ours ${ours.toFixed(1)} GF/s (${share(ours)} of the peak), tfjs-wasm ${peer.toFixed(1)} (${share(peer)}); ${bar.toFixed(2)}× tfjs-wasm needs ${needed.toFixed(1)} GF/s, ${share(needed)} of the peak: ${verdictText}`;
}
