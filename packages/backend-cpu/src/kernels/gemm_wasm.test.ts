import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import { gemmKernel } from './gemm.js';
import { wasmGemmAvailable } from './gemm_wasm.js';
import { GEMM_WASM_BASE64 } from './gemm_wasm_module.js';

describe('the WebAssembly SIMD GEMM kernel', () => {
  it('is embedded exactly as wasm/gemm.wat compiles (run `pnpm build:wasm` after editing the .wat)', async () => {
    const wabt = await wabtInit();
    const wat = readFileSync(new URL('../../wasm/gemm.wat', import.meta.url), 'utf8');
    const module = wabt.parseWat('gemm.wat', wat, { simd: true });
    const compiled = module.toBinary({ log: false }).buffer;
    module.destroy();
    expect(Buffer.from(compiled).toString('base64')).toBe(GEMM_WASM_BASE64);
  });

  it('loads in Node and is the default micro-kernel', () => {
    expect(wasmGemmAvailable()).toBe(true);
    expect(gemmKernel()).toBe('wasm');
  });
});
