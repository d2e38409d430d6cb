import { config, relaxedSimdProject } from '@nn/vitest-config';

// Every test on mul+add and, on Node 20, again on relaxed SIMD's fused multiply-add kernel
// (what Node 22+ and Chrome 114+ run by default).
export default config({ projects: [{ extends: true, test: { name: 'default' } }, ...relaxedSimdProject()] });
