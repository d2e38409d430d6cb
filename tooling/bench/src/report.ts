/** The result table: printed for people, written as JSON for notes and later comparison. */
import { pairedRatio, type Timing } from './measure.js';

export const IMPLEMENTATIONS = ['ours', 'tfjs-cpu', 'tfjs-wasm'] as const;
export type Implementation = (typeof IMPLEMENTATIONS)[number];

export interface Measurement extends Timing {
  /** flops / median wall time, or null when the case counts no flops. */
  gflops: number | null;
  /** flops / median CPU time. */
  cpuGflops: number | null;
}

/** Which of the two clocks a table shows. */
export type Clock = 'wall' | 'cpu';

export interface CaseResult {
  group: string;
  name: string;
  flops: number;
  results: Partial<Record<Implementation, Measurement>>;
  errors: Partial<Record<Implementation, string>>;
  /** Peer median wall time over ours: above 1 means we are faster. */
  speedup: Speedup;
  /** The same by CPU time. */
  cpuSpeedup: Speedup;
}

export interface Speedup {
  'tfjs-cpu': number | null;
  'tfjs-wasm': number | null;
}

export function withRate(timing: Timing, flops: number): Measurement {
  const rate = (ms: number): number | null => (flops > 0 && ms > 0 ? flops / (ms * 1e6) : null);
  return { ...timing, gflops: rate(timing.medianMs), cpuGflops: rate(timing.medianCpuMs) };
}

/**
 * The peer's time over ours for each peer: paired sample by sample where the two were timed
 * interleaved (both carry their samples, measureInterleaved), else the ratio of the medians.
 */
export function speedups(results: CaseResult['results'], clock: Clock): Speedup {
  const time = (m: Measurement | undefined): number | undefined => (clock === 'wall' ? m?.medianMs : m?.medianCpuMs);
  const samples = (m: Measurement | undefined): number[] | undefined => (clock === 'wall' ? m?.wallSamples : m?.cpuSamples);
  const ours = results.ours;
  const ratio = (peer: Implementation): number | null => {
    const [oursSamples, theirSamples] = [samples(ours), samples(results[peer])];
    if (oursSamples !== undefined && theirSamples !== undefined) return pairedRatio(theirSamples, oursSamples);
    const [mine, theirs] = [time(ours), time(results[peer])];
    return mine !== undefined && theirs !== undefined && mine > 0 ? theirs / mine : null;
  };
  return { 'tfjs-cpu': ratio('tfjs-cpu'), 'tfjs-wasm': ratio('tfjs-wasm') };
}

function cell(m: Measurement | undefined, error: string | undefined, clock: Clock): string {
  if (error !== undefined) return /not registered|not supported|not implemented/i.test(error) ? 'not supported' : 'error';
  if (m === undefined) return '-';
  const time = clock === 'wall' ? m.medianMs : m.medianCpuMs;
  const rate = clock === 'wall' ? m.gflops : m.cpuGflops;
  const ms = time >= 100 ? time.toFixed(0) : time >= 10 ? time.toFixed(1) : time.toFixed(2);
  return rate === null ? `${ms} ms` : `${ms} ms  ${rate.toFixed(2)} GF/s`;
}

function ratio(value: number | null): string {
  return value === null ? '-' : `${value.toFixed(2)}×`;
}

/** A plain-text table, one row per case, by wall or CPU time. */
export function formatTable(rows: CaseResult[], clock: Clock): string {
  const header = ['case', 'ours', 'tfjs-cpu', 'tfjs-wasm', 'ours vs tfjs-cpu', 'ours vs tfjs-wasm'];
  const lines: string[][] = [header];
  for (const row of rows) {
    lines.push([
      `${row.group} ${row.name}`,
      ...IMPLEMENTATIONS.map((impl) => cell(row.results[impl], row.errors[impl], clock)),
      ratio((clock === 'wall' ? row.speedup : row.cpuSpeedup)['tfjs-cpu']),
      ratio((clock === 'wall' ? row.speedup : row.cpuSpeedup)['tfjs-wasm']),
    ]);
  }
  const widths = header.map((_, col) => Math.max(...lines.map((line) => [...line[col]].length)));
  const render = (line: string[]): string => line.map((text, col) => (col === 0 ? pad(text, widths[col]) : padStart(text, widths[col]))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [render(lines[0]), rule, ...lines.slice(1).map(render)].join('\n');
}

// Pad by code points, so that '×' counts as one column.
function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - [...text].length));
}
function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - [...text].length)) + text;
}
