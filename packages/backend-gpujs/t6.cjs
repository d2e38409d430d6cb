const { GPU } = require('gpu.js');
const gpu = new GPU({ mode: process.argv[2] || 'webasm' });
const opts = { pipeline: true, immutable: true, precision: 'single', tactic: 'precision' };
const vals = new Float32Array([3e9, NaN, -2.5, 1e10, Infinity, -Infinity, 2.5, -0.5]);
for (const src of [
  'function(a) { return Math.floor(a[0][this.thread.x]); }',
  'function(a) { let f = Math.floor(a[0][this.thread.x]); return f; }',
  'function(a) { let f = Math.floor(a[0][this.thread.x]); f = f + 0.5; return f; }',
  'function(a) { const v = a[0][this.thread.x]; return v != v ? 1.0 : 0.0; }',
  'function(a) { const v = a[0][this.thread.x]; return Math.tanh(v) + Math.log1p(v*0.0) + Math.expm1(0.0); }',
]) {
  const k = gpu.createKernel(src, { ...opts, output: [8, 1] });
  console.log(src.slice(14, 70), Array.from(k([vals])[0]));
}
