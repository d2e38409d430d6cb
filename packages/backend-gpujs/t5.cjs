const { GPU, input } = require('gpu.js');
const gpu = new GPU({ mode: process.argv[2] || 'webasm' });
const opts = { pipeline: true, immutable: true, precision: 'single', tactic: 'precision' };
for (const N of [256, 512]) {
  const A = []; for (let i = 0; i < N; i++) { const r = new Float32Array(N); for (let j=0;j<N;j++) r[j] = ((i*7+j*3)%11)/11; A.push(r); }
  const plain = gpu.createKernel(`function(a, b) { let s = 0.0; for (let k = 0; k < ${N}; k++) { s += a[this.thread.y][k] * b[k][this.thread.x]; } return s; }`, { ...opts, output: [N, N] });
  const tiled = gpu.createKernel(`function(a, b) {
    let s0 = 0.0; let s1 = 0.0; let s2 = 0.0; let s3 = 0.0;
    const x = this.thread.x * 4.0;
    for (let k = 0; k < ${N}; k++) { const av = a[this.thread.y][k]; s0 += av * b[k][x]; s1 += av * b[k][x + 1.0]; s2 += av * b[k][x + 2.0]; s3 += av * b[k][x + 3.0]; }
    return [s0, s1, s2, s3]; }`, { ...opts, output: [N / 4, N], returnType: 'Array(4)' });
  const tiled2 = gpu.createKernel(`function(a, b) {
    let s0 = 0.0; let s1 = 0.0; let s2 = 0.0; let s3 = 0.0;
    const x = this.thread.x * 2.0; const y = this.thread.y * 2.0;
    for (let k = 0; k < ${N}; k++) { const a0 = a[y][k]; const a1 = a[y + 1.0][k]; const b0 = b[k][x]; const b1 = b[k][x + 1.0]; s0 += a0 * b0; s1 += a0 * b1; s2 += a1 * b0; s3 += a1 * b1; }
    return [s0, s1, s2, s3]; }`, { ...opts, output: [N / 2, N / 2], returnType: 'Array(4)' });
  const unpack = gpu.createKernel(`function(t) { const q = Math.floor(this.thread.x / 4.0); const j = this.thread.x - q * 4.0; return t[this.thread.y][q][j]; }`, { ...opts, output: [N, N] });
  const time = (f) => { f(); const t = performance.now(); const reps = 3; for (let i = 0; i < reps; i++) f(); return (performance.now() - t) / reps; };
  let rp, rt, ru;
  const tp = time(() => (rp = plain(A, A)));
  const tt = time(() => (rt = tiled(A, A)));
  const t2 = time(() => tiled2(A, A));
  const tu = time(() => (ru = unpack(rt)));
  let bad = 0; for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) if (Math.abs(rp[i][j] - ru[i][j]) > 1e-3) bad++;
  const g = (ms) => (2*N*N*N/ms/1e6).toFixed(2);
  console.log(N, 'plain', g(tp), 'tiled1x4', g(tt), 'tiled2x2', g(t2), 'unpack ms', tu.toFixed(1), 'bad', bad, tiled.kernel.constructor.mode, unpack.kernel.constructor.mode);
}
