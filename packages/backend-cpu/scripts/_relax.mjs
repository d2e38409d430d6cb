import wabtInit from 'wabt';
const wabt = await wabtInit();
for (const [name, feats, text] of [
 ['shared', { simd: true, threads: true }, `(module (import "env" "memory" (memory 1 16 shared)))`],
 ['relaxed', { simd: true, relaxed_simd: true }, `(module (func (export "f") (param v128 v128 v128) (result v128) (f32x4.relaxed_madd (local.get 0) (local.get 1) (local.get 2))))`],
]) {
  try {
  const m = wabt.parseWat('t.wat', text, feats);
  m.validate();
  const b = m.toBinary({}).buffer;
  console.log(name, b.length, WebAssembly.validate(b));
  } catch (e) { console.log(name, String(e).slice(0, 200)); }
}
