// WAT text to WebAssembly bytes with wabt (pinned in devDependencies), SIMD enabled.
import wabtInit from 'wabt';

/** @param {string} wat @returns {Promise<Uint8Array>} */
export async function compileGemmWat(wat) {
  const wabt = await wabtInit();
  const module = wabt.parseWat('gemm.wat', wat, { simd: true });
  try {
    module.validate();
    return module.toBinary({ log: false }).buffer;
  } finally {
    module.destroy();
  }
}
