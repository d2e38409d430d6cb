const { GPU } = require('gpu.js');
const gpu = new GPU({ mode: process.argv[2] || 'webasm' });
const opts = { pipeline: true, immutable: true, precision: 'single', tactic: 'precision' };
const N = +(process.argv[3] || 512);
const A = []; for (let i = 0; i < N; i++) { const r = new Float32Array(N); for (let j=0;j<N;j++) r[j] = ((i*7+j*3)%11)/11; A.push(r); }
const mk = (body, out, vec = true) => gpu.createKernel(body, { ...opts, output: out, ...(vec ? { returnType: 'Array(4)' } : {}) });
const variants = {
  plain: [mk(`function(a, b) { let s = 0.0; for (let k = 0; k < ${N}; k++) { s += a[this.thread.y][k] * b[k][this.thread.x]; } return s; }`, [N, N], false), 1],
  t22bt: [mk(`function(a, bt) { let s0 = 0.0; let s1 = 0.0; let s2 = 0.0; let s3 = 0.0; const x = this.thread.x * 2; const y = this.thread.y * 2;
    for (let k = 0; k < ${N}; k++) { const a0 = a[y][k]; const a1 = a[y + 1][k]; const b0 = bt[x][k]; const b1 = bt[x + 1][k]; s0 += a0 * b0; s1 += a0 * b1; s2 += a1 * b0; s3 += a1 * b1; }
    return [s0, s1, s2, s3]; }`, [N / 2, N / 2]), 1],
  t22bt_u2: [mk(`function(a, bt) { let s0 = 0.0; let s1 = 0.0; let s2 = 0.0; let s3 = 0.0; const x = this.thread.x * 2; const y = this.thread.y * 2;
    for (let k = 0; k < ${N}; k += 2) { const a0 = a[y][k]; const a1 = a[y + 1][k]; const b0 = bt[x][k]; const b1 = bt[x + 1][k]; const c0 = a[y][k+1]; const c1 = a[y + 1][k+1]; const d0 = bt[x][k+1]; const d1 = bt[x + 1][k+1]; s0 += a0 * b0 + c0 * d0; s1 += a0 * b1 + c0 * d1; s2 += a1 * b0 + c1 * d0; s3 += a1 * b1 + c1 * d1; }
    return [s0, s1, s2, s3]; }`, [N / 2, N / 2]), 1],
  t14: [mk(`function(a, b) { let s0 = 0.0; let s1 = 0.0; let s2 = 0.0; let s3 = 0.0; const x = this.thread.x * 4; const y = this.thread.y;
    for (let k = 0; k < ${N}; k++) { const av = a[y][k]; s0 += av * b[k][x]; s1 += av * b[k][x+1]; s2 += av * b[k][x+2]; s3 += av * b[k][x+3]; }
    return [s0, s1, s2, s3]; }`, [N / 4, N]), 1],
  t41: [mk(`function(a, bt) { let s0 = 0.0; let s1 = 0.0; let s2 = 0.0; let s3 = 0.0; const x = this.thread.x; const y = this.thread.y * 4;
    for (let k = 0; k < ${N}; k++) { const bv = bt[x][k]; s0 += a[y][k] * bv; s1 += a[y+1][k] * bv; s2 += a[y+2][k] * bv; s3 += a[y+3][k] * bv; }
    return [s0, s1, s2, s3]; }`, [N, N / 4]), 1],
  t41n: [mk(`function(a, b) { let s0 = 0.0; let s1 = 0.0; let s2 = 0.0; let s3 = 0.0; const x = this.thread.x; const y = this.thread.y * 4;
    for (let k = 0; k < ${N}; k++) { const bv = b[k][x]; s0 += a[y][k] * bv; s1 += a[y+1][k] * bv; s2 += a[y+2][k] * bv; s3 += a[y+3][k] * bv; }
    return [s0, s1, s2, s3]; }`, [N, N / 4]), 1],
  t41n_u2: [mk(`function(a, b) { let s0 = 0.0; let s1 = 0.0; let s2 = 0.0; let s3 = 0.0; const x = this.thread.x; const y = this.thread.y * 4;
    for (let k = 0; k < ${N}; k += 2) { const bv = b[k][x]; const bw = b[k+1][x]; s0 += a[y][k] * bv + a[y][k+1] * bw; s1 += a[y+1][k] * bv + a[y+1][k+1] * bw; s2 += a[y+2][k] * bv + a[y+2][k+1] * bw; s3 += a[y+3][k] * bv + a[y+3][k+1] * bw; }
    return [s0, s1, s2, s3]; }`, [N, N / 4]), 1],
  t22bt_u4: [mk(`function(a, bt) { let s0 = 0.0; let s1 = 0.0; let s2 = 0.0; let s3 = 0.0; const x = this.thread.x * 2; const y = this.thread.y * 2;
    for (let k = 0; k < ${N}; k += 4) { 
      const a0 = a[y][k]; const a1 = a[y + 1][k]; const b0 = bt[x][k]; const b1 = bt[x + 1][k];
      const c0 = a[y][k+1]; const c1 = a[y + 1][k+1]; const d0 = bt[x][k+1]; const d1 = bt[x + 1][k+1];
      const e0 = a[y][k+2]; const e1 = a[y + 1][k+2]; const f0 = bt[x][k+2]; const f1 = bt[x + 1][k+2];
      const g0 = a[y][k+3]; const g1 = a[y + 1][k+3]; const h0 = bt[x][k+3]; const h1 = bt[x + 1][k+3];
      s0 += a0 * b0 + c0 * d0 + e0 * f0 + g0 * h0; s1 += a0 * b1 + c0 * d1 + e0 * f1 + g0 * h1; s2 += a1 * b0 + c1 * d0 + e1 * f0 + g1 * h0; s3 += a1 * b1 + c1 * d1 + e1 * f1 + g1 * h1; }
    return [s0, s1, s2, s3]; }`, [N / 2, N / 2]), 1],
};
const time = (f) => { f(); const t = performance.now(); const reps = 3; for (let i = 0; i < reps; i++) f(); return (performance.now() - t) / reps; };
const g = (ms) => (2*N*N*N/ms/1e6).toFixed(2);
const out = [];
for (const [name, [k]] of Object.entries(variants).filter(([n]) => !process.argv[4] || process.argv[4].split(',').includes(n))) out.push(name + ' ' + g(time(() => k(A, A))));
console.log(N, out.join(' | '));
