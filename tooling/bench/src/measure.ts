/**
 * Timing prepared pieces of work: warm-up runs, then the median of several samples, each a
 * block of back-to-back runs started after a garbage collection and a short pause.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface Timing {
  /** Median wall time of one run (a sample's time over its runs), in milliseconds. */
  medianMs: number;
  /**
   * Median CPU time of this process for one run, in milliseconds. Every implementation here
   * runs on one thread, so on a machine shared with other jobs this is the steadier figure:
   * it does not count the time the scheduler gave to someone else.
   */
  medianCpuMs: number;
  /** Timed runs in all (samples × runs per sample). */
  runs: number;
  /** measureInterleaved's samples in order (wall and CPU ms per run), for ratios paired sample by sample. */
  wallSamples?: number[];
  cpuSamples?: number[];
}

/** Aim for about this much timed work per (case, implementation), within the sample limits below. */
const TARGET_MS = 2400;
const MIN_SAMPLES = 3;
const MAX_SAMPLES = 25;
/**
 * A sample is at least this long: runs shorter than this are timed back to back in blocks,
 * as a training loop or a batch of inferences runs them. One run alone after the pause starts
 * cold (the core's clock and caches): the LeNet-5 step took 18.5 ms a run back to back, 22 ms
 * after a 20 ms pause and 27 ms after a collection and the pause; matmul 256 1.25 against
 * 2.0 ms, on both sides, pulling every ratio of short work toward 1.
 */
const SAMPLE_MS = 200;
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
export const WARM_MS = 300;
const WARM_RUNS = 1000;

// V8's gc(), without asking every launcher for --expose-gc.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const PAUSE_MS = 20;
const pauseCell = new Int32Array(new SharedArrayBuffer(4));

/**
 * Before each sample: a full garbage collection and a pause, outside the timing, so that a
 * sample does not pay for the garbage of the one before it, often the other side's (the 25 MB
 * result of conv (c) that each side's dataSync copies out). V8 collects and frees it on its
 * own threads, which process.cpuUsage counts: conv (c) read 0.93–0.96× tfjs-wasm by CPU and
 * 1.17–1.20× by wall in the same runs, 15–20 ms a run on V8's threads during ours; with this,
 * CPU ≈ wall on both sides. The garbage of a sample's own runs is the work's, and stays in it.
 */
export function settleBeforeSample(pauseMs = PAUSE_MS): void {
  collectGarbage();
  Atomics.wait(pauseCell, 0, 0, pauseMs);
}

/** Back-to-back runs that make one sample of work whose steady run takes `runMs`. */
export function runsPerSample(runMs: number): number {
  return runMs >= SAMPLE_MS ? 1 : Math.min(WARM_RUNS, Math.ceil(SAMPLE_MS / Math.max(runMs, 0.01)));
}

export function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * The median over samples of theirs/ours timed in the same round of measureInterleaved:
 * steadier than a ratio of medians while the host's clock moves (ResNet-18's runs went from
 * 130 to 220 ms for seconds on both sides; the ratio of medians read 0.99–1.31× over four
 * runs of the bench).
 */
export function pairedRatio(theirs: number[], ours: number[]): number {
  return median(theirs.map((t, i) => t / ours[i]));
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

/** One run of work that may be asynchronous: a promise is awaited, a plain return is not. */
async function runOnce(run: () => void | Promise<void>): Promise<void> {
  const result = run();
  if (result instanceof Promise) await result;
}

/** What the warm-up found: the first run's time (JIT included) and a steady run's. */
interface Warmed {
  firstMs: number;
  firstCpuMs: number;
  steadyMs: number;
}

/** One run, then more for WARM_MS unless the first was slow (the last of them is the steady time). */
async function warmUp(run: () => void | Promise<void>): Promise<Warmed> {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  await runOnce(run);
  const firstMs = performance.now() - start;
  const warmed = { firstMs, firstCpuMs: cpuMs(cpuStart), steadyMs: firstMs };
  if (firstMs > SLOW_MS) return warmed;
  for (let i = 1; i < WARM_RUNS && performance.now() - start < WARM_MS; i++) {
    const runStart = performance.now();
    await runOnce(run);
    warmed.steadyMs = performance.now() - runStart;
  }
  return warmed;
}

/** One sample: the pause, then `runs` back-to-back runs; wall and CPU ms per run. */
async function sample(run: () => void | Promise<void>, runs: number): Promise<[number, number]> {
  settleBeforeSample();
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < runs; i++) await runOnce(run);
  return [(performance.now() - start) / runs, cpuMs(cpuStart) / runs];
}

/**
 * Several pieces of work timed interleaved, sample by sample in a rotating order: this
 * machine's speed moves by up to 1.5× for seconds at a time (the host's clock; matmul 512 by
 * 9.0 or 13.5 ms in one process, the same work), and timed one after the other, one side could
 * fall in a slow spell and the other not. Each warms up alone (one run; more for WARM_MS unless
 * it was slow); runs per sample and the number of samples follow the slowest, so that a round
 * gives each the same number of runs. Work slower than VERY_SLOW_MS is timed by its first run.
 */
export async function measureInterleaved(works: Array<() => void | Promise<void>>): Promise<Timing[]> {
  const warmed: Warmed[] = [];
  for (const run of works) warmed.push(await warmUp(run));
  const firstMs = Math.max(...warmed.map((w) => w.firstMs));
  if (firstMs > VERY_SLOW_MS) return warmed.map((w) => ({ medianMs: w.firstMs, medianCpuMs: w.firstCpuMs, runs: 1 }));
  const steadyMs = Math.max(...warmed.map((w) => w.steadyMs));
  const perSample = runsPerSample(steadyMs);
  const samples = firstMs > SLOW_MS ? 1 : Math.max(MIN_SAMPLES, Math.min(MAX_SAMPLES, Math.round(TARGET_MS / (perSample * steadyMs))));
  const wall = works.map((): number[] => []);
  const cpu = works.map((): number[] => []);
  for (let i = 0; i < samples; i++) {
    for (let j = 0; j < works.length; j++) {
      const w = (i + j) % works.length;
      const [wallMs, cpuMsPerRun] = await sample(works[w], perSample);
      wall[w].push(wallMs);
      cpu[w].push(cpuMsPerRun);
    }
  }
  return works.map((_, w) => ({ medianMs: median(wall[w]), medianCpuMs: median(cpu[w]), runs: samples * perSample, wallSamples: wall[w], cpuSamples: cpu[w] }));
}

/**
 * One piece of work that may be asynchronous (tfjs model.fit): measureInterleaved of it alone,
 * without its samples, which pair with no other's.
 */
export async function measureAsync(run: () => void | Promise<void>): Promise<Timing> {
  const [{ medianMs, medianCpuMs, runs }] = await measureInterleaved([run]);
  return { medianMs, medianCpuMs, runs };
}
