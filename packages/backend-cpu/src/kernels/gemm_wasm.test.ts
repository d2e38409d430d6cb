import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateModuleSource, SHARED_MAX_PAGES as DECLARED_MAX_PAGES } from '../../scripts/build-wasm.mjs';
import { SHARED_MAX_PAGES } from '../threads/pool.js';
import { gemmKernel } from './gemm.js';
import { decodeBase64, wasmApi, wasmGemmAvailable, wasmGemmRelaxed } from './gemm_wasm.js';
import { GEMM_WASM_RELAXED_BASE64 } from './gemm_wasm_module.js';

describe('the WebAssembly SIMD GEMM kernel', () => {
  it('is embedded exactly as wasm/gemm.wat compiles, in all four variants (run `pnpm build:wasm` after editing the .wat)', async () => {
    const wat = readFileSync(new URL('../../wasm/gemm.wat', import.meta.url), 'utf8');
    const embedded = readFileSync(new URL('./gemm_wasm_module.ts', import.meta.url), 'utf8');
    expect(embedded).toBe(await generateModuleSource(wat));
    expect(SHARED_MAX_PAGES).toBe(DECLARED_MAX_PAGES);
  });

  it('loads in Node and is the default micro-kernel', () => {
    expect(wasmGemmAvailable()).toBe(true);
    expect(gemmKernel()).toBe('wasm');
  });

  it('runs on relaxed SIMD exactly where the runtime validates it, else on mul+add', () => {
    const runtimeHasIt = wasmApi()!.validate(decodeBase64(GEMM_WASM_RELAXED_BASE64));
    // Node 22+ has relaxed SIMD by default; Node 20 behind --experimental-wasm-relaxed-simd,
    // which the relaxed-simd test project (@nn/vitest-config) turns on and says so.
    if (Number(process.versions.node.split('.')[0]) >= 22 || process.env.NN_EXPECT_RELAXED_SIMD === '1') expect(runtimeHasIt).toBe(true);
    expect(wasmGemmRelaxed()).toBe(runtimeHasIt && process.env.NN_RELAXED_SIMD !== '0');
  });
});
