/**
 * `--relaxed-simd` (or NN_BENCH_RELAXED_SIMD=1, which the runners' child processes inherit):
 * turns on WebAssembly relaxed SIMD on Node 20, where V8 has it behind
 * --experimental-wasm-relaxed-simd, so that @nn/backend-cpu loads its fused multiply-add
 * kernel (f32x4.relaxed_madd) as it does by default on Node 22+ and Chrome 114+. Imported
 * first, before the backend compiles its module. tfjs-wasm 4.22's binaries use no relaxed
 * instructions, so the flag leaves the peer as it was. Node 22+ knows no such flag
 * (setFlagsFromString ignores it there) and needs none.
 */
import { setFlagsFromString } from 'node:v8';

export const RELAXED_SIMD_ARG = '--relaxed-simd';

export const relaxedSimdAsked = process.argv.includes(RELAXED_SIMD_ARG) || process.env.NN_BENCH_RELAXED_SIMD === '1';

if (relaxedSimdAsked) {
  process.env.NN_BENCH_RELAXED_SIMD = '1';
  setFlagsFromString('--experimental-wasm-relaxed-simd');
}

/** The runners' arguments less `--` and `--relaxed-simd`: the case filters. */
export function caseFilters(): string[] {
  return process.argv.slice(2).filter((a) => a !== '--' && a !== RELAXED_SIMD_ARG);
}
