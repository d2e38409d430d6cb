/** Timing one prepared piece of work: a warm-up run, then the median of several. */

export interface Timing {
  /** Median wall time of the timed runs, in milliseconds. */
  medianMs: number;
  /**
   * Median CPU time of this process over the same runs, in milliseconds. Every
   * implementation here runs on one thread, so on a machine shared with other jobs this is
   * the steadier figure: it does not count the time the scheduler gave to someone else.
   */
  medianCpuMs: number;
  runs: number;
}

/** Aim for about this much timed work per (case, implementation), within the run limits below. */
const TARGET_MS = 2000;
const MIN_RUNS = 3;
const MAX_RUNS = 25;
/** Past this warm-up time (tfjs-cpu on the larger cases) one timed run has to do: the bench must stay within minutes. */
const SLOW_MS = 2500;
/** Past this, the warm-up run itself is the one sample: its JIT compilation is a negligible part of so many seconds. */
const VERY_SLOW_MS = 8000;
/**
 * Fast work warms up for this long before timing: after one run of a few milliseconds V8 is
 * still compiling the hot functions (on background threads that process.cpuUsage counts), so
 * the timed runs measured the JIT more than the work. WARM_RUNS only bounds work that takes
 * microseconds; a cap of 20 runs left work of 2 ms with 40 ms of warm-up, WebAssembly still
 * in its baseline tier, where a peer 6× slower got its full 300 ms.
 */
const WARM_MS = 300;
const WARM_RUNS = 1000;

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

/**
 * Runs `run` once to warm up (JIT, caches, scratch buffers), then enough times to fill
 * TARGET_MS: fast work up to MAX_RUNS, slow peers (seconds per run) once, and work slower
 * than VERY_SLOW_MS not again.
 */
export function measure(run: () => void): Timing {
  const warmCpu = process.cpuUsage();
  const warmStart = performance.now();
  run();
  const warmMs = performance.now() - warmStart;
  if (warmMs > VERY_SLOW_MS) return { medianMs: warmMs, medianCpuMs: cpuMs(warmCpu), runs: 1 };
  const runs = warmMs > SLOW_MS ? 1 : Math.max(MIN_RUNS, Math.min(MAX_RUNS, Math.round(TARGET_MS / Math.max(warmMs, 0.01))));
  for (let i = 1; i < WARM_RUNS && performance.now() - warmStart < WARM_MS; i++) run();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    run();
    wall.push(performance.now() - start);
    cpu.push(cpuMs(cpuStart));
  }
  return { medianMs: median(wall), medianCpuMs: median(cpu), runs };
}

/** One run of work that may be asynchronous: a promise is awaited, a plain return is not. */
async function runOnce(run: () => void | Promise<void>): Promise<void> {
  const result = run();
  if (result instanceof Promise) await result;
}

/** measure() for work that may be asynchronous (tfjs model.fit): a promise is awaited, a plain return is not. */
export async function measureAsync(run: () => void | Promise<void>): Promise<Timing> {
  const once = (): Promise<void> => runOnce(run);
  // The same policy as measure().
  const warmCpu = process.cpuUsage();
  const warmStart = performance.now();
  await once();
  const warmMs = performance.now() - warmStart;
  if (warmMs > VERY_SLOW_MS) return { medianMs: warmMs, medianCpuMs: cpuMs(warmCpu), runs: 1 };
  const runs = warmMs > SLOW_MS ? 1 : Math.max(MIN_RUNS, Math.min(MAX_RUNS, Math.round(TARGET_MS / Math.max(warmMs, 0.01))));
  for (let i = 1; i < WARM_RUNS && performance.now() - warmStart < WARM_MS; i++) await once();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    await once();
    wall.push(performance.now() - start);
    cpu.push(cpuMs(cpuStart));
  }
  return { medianMs: median(wall), medianCpuMs: median(cpu), runs };
}

/**
 * measureAsync for several pieces of work at once, their timed runs interleaved run by run (in
 * a rotating order): this machine's speed moves by up to 1.5× for seconds at a time (the
 * host's clock; matmul 512 by 9.0 or 13.5 ms in one process, the same work), and timed one
 * after the other, one side could fall in a slow spell and the other not. Each warms up as
 * measure() does; the number of runs follows the slowest.
 */
export async function measureInterleaved(works: Array<() => void | Promise<void>>): Promise<Timing[]> {
  const once = runOnce;
  const warmMs: number[] = [];
  for (const run of works) {
    const warmStart = performance.now();
    await once(run);
    const first = performance.now() - warmStart;
    warmMs.push(first);
    if (first <= SLOW_MS) for (let i = 1; i < WARM_RUNS && performance.now() - warmStart < WARM_MS; i++) await once(run);
  }
  const slowest = Math.max(...warmMs);
  const runs = slowest > SLOW_MS ? 1 : Math.max(MIN_RUNS, Math.min(MAX_RUNS, Math.round(TARGET_MS / Math.max(slowest, 0.01))));
  const wall = works.map((): number[] => []);
  const cpu = works.map((): number[] => []);
  for (let i = 0; i < runs; i++) {
    for (let j = 0; j < works.length; j++) {
      const w = (i + j) % works.length;
      const cpuStart = process.cpuUsage();
      const start = performance.now();
      await once(works[w]);
      wall[w].push(performance.now() - start);
      cpu[w].push(cpuMs(cpuStart));
    }
  }
  return works.map((_, w) => ({ medianMs: median(wall[w]), medianCpuMs: median(cpu[w]), runs }));
}
