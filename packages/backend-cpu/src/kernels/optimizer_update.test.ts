import { describe, expect, it } from 'vitest';
import { adamLoop, ADAM_WASM_MIN } from './optimizer_update.js';
import { adamWasm, smallWasmAvailable, type AdamArrays, type AdamConstants } from './small_wasm.js';

const f = Math.fround;

/** Values a step meets: ordinary ones at several scales, and zeros, subnormals, huge, ±Infinity and NaN. */
function operand(n: number, seed: number, positive = false): Float32Array {
  const edges = [0, -0, 1e-40, -3e-39, 3e38, -3e38, Infinity, -Infinity, NaN, 1e-30, 1];
  let s = seed;
  return Float32Array.from({ length: n }, (_, i) => {
    s = (s * 1103515245 + 12345) >>> 0;
    const x = i % 97 === 0 ? edges[(s >>> 8) % edges.length] : ((s / 2 ** 32) * 2 - 1) * 10 ** (((s >>> 4) % 9) - 6);
    return positive ? Math.abs(x) : x;
  });
}

function arrays(n: number, amsgrad: boolean): AdamArrays {
  return {
    param: operand(n, 1),
    grad: operand(n, 2),
    expAvg: operand(n, 3),
    expAvgSq: operand(n, 4, true),
    maxExpAvgSq: amsgrad ? operand(n, 5, true) : null,
    nextParam: new Float32Array(n),
    nextAvg: new Float32Array(n),
    nextAvgSq: new Float32Array(n),
    nextMax: amsgrad ? new Float32Array(n) : null,
  };
}

const flagSets = [
  { maximize: false, decays: false, decoupled: false, amsgrad: false },
  { maximize: false, decays: true, decoupled: true, amsgrad: false },
  { maximize: false, decays: true, decoupled: false, amsgrad: false },
  { maximize: true, decays: true, decoupled: true, amsgrad: true },
  { maximize: false, decays: false, decoupled: false, amsgrad: true },
];

const sameBits = (a: Float32Array, b: Float32Array): boolean => a.every((x, i) => Object.is(x, b[i]) || (Number.isNaN(x) && Number.isNaN(b[i])));

describe("Adam's step in WebAssembly", () => {
  it('takes parameters from ADAM_WASM_MIN values', () => {
    expect(smallWasmAvailable()).toBe(true);
    expect(ADAM_WASM_MIN).toBeLessThanOrEqual(4096);
  });

  it.each(flagSets)('gives the bits of the JavaScript loop, over several chunks and a partial quad: %j', (flags) => {
    const n = 40_003;
    const lr = 3e-3, weightDecay = 0.05, step = 7;
    const k: AdamConstants = {
      ...flags,
      beta2: f(0.999),
      oneMinusBeta1: f(1 - 0.9),
      oneMinusBeta2: f(1 - 0.999),
      wd: f(weightDecay),
      decay: f(1 - lr * weightDecay),
      eps: f(1e-8),
      stepSize: f(lr / (1 - 0.9 ** step)),
      bc2: f(Math.sqrt(1 - 0.999 ** step)),
    };
    const wasm = arrays(n, flags.amsgrad);
    const loop = arrays(n, flags.amsgrad);
    expect(adamWasm(wasm, k)).toBe(true);
    adamLoop(loop, k);
    expect(sameBits(wasm.nextParam, loop.nextParam)).toBe(true);
    expect(sameBits(wasm.nextAvg, loop.nextAvg)).toBe(true);
    expect(sameBits(wasm.nextAvgSq, loop.nextAvgSq)).toBe(true);
    if (flags.amsgrad) expect(sameBits(wasm.nextMax!, loop.nextMax!)).toBe(true);
    // The operands are left as they were, and the step moved most values.
    expect(sameBits(wasm.param, arrays(n, false).param)).toBe(true);
    expect(wasm.nextParam.filter((x, i) => x !== wasm.param[i]).length).toBeGreaterThan(n / 2);
  });
});
