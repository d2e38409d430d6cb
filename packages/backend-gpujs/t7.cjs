const { GPU } = require('gpu.js');
const gpu = new GPU({ mode: process.argv[2] || 'webasm' });
const opts = { pipeline: true, immutable: true, precision: 'single', tactic: 'precision' };
for (const N of [256, 512]) {
  const A = []; for (let i = 0; i < N; i++) { const r = new Float32Array(N); for (let j=0;j<N;j++) r[j] = ((i*7+j*3)%11)/11; A.push(r); }
  const plain = gpu.createKernel(`function(a, b) { let s = 0.0; for (let k = 0; k < ${N}; k++) { s += a[this.thread.y][k] * b[k][this.thread.x]; } return s; }`, { ...opts, output: [N, N] });
  const tiled2 = gpu.createKernel(`function(a, b) {
    let s0 = 0.0; let s1 = 0.0; let s2 = 0.0; let s3 = 0.0;
    const x = this.thread.x * 2; const y = this.thread.y * 2;
    for (let k = 0; k < ${N}; k++) { const a0 = a[y][k]; const a1 = a[y + 1][k]; const b0 = b[k][x]; const b1 = b[k][x + 1]; s0 += a0 * b0; s1 += a0 * b1; s2 += a1 * b0; s3 += a1 * b1; }
    return [s0, s1, s2, s3]; }`, { ...opts, output: [N / 2, N / 2], returnType: 'Array(4)' });
  const tiledT = gpu.createKernel(`function(a, bt) {
    let s0 = 0.0; let s1 = 0.0; let s2 = 0.0; let s3 = 0.0;
    const x = this.thread.x * 2; const y = this.thread.y * 2;
    for (let k = 0; k < ${N}; k++) { const a0 = a[y][k]; const a1 = a[y + 1][k]; const b0 = bt[x][k]; const b1 = bt[x + 1][k]; s0 += a0 * b0; s1 += a0 * b1; s2 += a1 * b0; s3 += a1 * b1; }
    return [s0, s1, s2, s3]; }`, { ...opts, output: [N / 2, N / 2], returnType: 'Array(4)' });
  const unpack = gpu.createKernel(`function(t) { const q = Math.floor(this.thread.x / 2); const p = Math.floor(this.thread.y / 2); const j = (this.thread.y - p * 2) * 2 + this.thread.x - q * 2; return t[p][q][j]; }`, { ...opts, output: [N, N] });
  const time = (f) => { f(); const t = performance.now(); const reps = 3; for (let i = 0; i < reps; i++) f(); return (performance.now() - t) / reps; };
  let rp, rt, ru;
  const tp = time(() => (rp = plain(A, A)));
  const t2 = time(() => (rt = tiled2(A, A)));
  const t3 = time(() => tiledT(A, A));
  const tu = time(() => (ru = unpack(rt)));
  let bad = 0; for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) if (Math.abs(rp[i][j] - ru[i][j]) > 1e-3) bad++;
  const g = (ms) => (2*N*N*N/ms/1e6).toFixed(2);
  console.log(N, 'plain', g(tp), 'tiled2x2', g(t2), 'tiled2x2 Bt', g(t3), 'unpack ms', tu.toFixed(1), 'bad', bad);
}
