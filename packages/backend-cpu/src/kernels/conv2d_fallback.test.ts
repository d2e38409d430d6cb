import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conv2dForward } from './conv2d.js';
import { conv2dBackpropFilter } from './conv2d_backprop_filter.js';
import { conv2dBackpropInput } from './conv2d_backprop_input.js';
import { gemmKernel, setGemmKernel, type GemmKernel } from './gemm.js';
import { columnTile } from './im2col.js';
import { geometryOf, maxRelativeError, randomCase, randomValues, referenceBackpropFilter, referenceBackpropInput, referenceConv, seededRandom, type ConvCase } from './test-utils/conv_reference.js';

// Where WASM SIMD runs, most convs take the WebAssembly paths; these are the direct loops and
// im2col tiles that runtimes without it (or with WebAssembly forbidden) still run.
describe('conv kernels on the JavaScript GEMM (no WASM SIMD)', () => {
  let before: GemmKernel;
  beforeAll(() => {
    before = gemmKernel();
    setGemmKernel('js');
  });
  afterAll(() => setGemmKernel(before));

  it('forward, input gradient and filter gradient match the seven-loop definition on 150 random shapes', () => {
    const random = seededRandom(21);
    for (let i = 0; i < 150; i++) checkAll(randomCase(random), random);
  });

  it.each<[string, ConvCase]>([
    ['columns spanning several im2col tiles', { xShape: [2, 64, 23, 25], wShape: [5, 64, 3, 3], attrs: { stride: [1, 1], padding: [1, 2, 0, 1], dilation: [1, 1], groups: 1 } }],
    ['LeNet conv2: several images per GEMM', { xShape: [19, 6, 14, 14], wShape: [16, 6, 5, 5], attrs: { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], groups: 1 } }],
  ])('%s', (_name, c) => {
    if (c.xShape[1] === 64) expect(columnTile(geometryOf(c))).toBeLessThan(geometryOf(c).outArea);
    checkAll(c, seededRandom(8));
  });
});

/** Forward, input gradient and filter gradient of case c against the float64 definitions. */
function checkAll(c: ConvCase, random: () => number): void {
  const g = geometryOf(c);
  const x = randomValues(random, c.xShape.reduce((a, b) => a * b));
  const w = randomValues(random, c.wShape.reduce((a, b) => a * b));
  const dy = randomValues(random, g.batch * g.outChannels * g.outArea);
  const y = new Float32Array(dy.length);
  conv2dForward(x, w, y, g);
  expect(maxRelativeError(y, referenceConv(x, w, g)), `forward ${JSON.stringify(c)}`).toBeLessThan(1e-5);
  const dx = new Float32Array(x.length);
  conv2dBackpropInput(dy, w, dx, g);
  expect(maxRelativeError(dx, referenceBackpropInput(dy, w, g)), `input ${JSON.stringify(c)}`).toBeLessThan(1e-5);
  const dw = new Float32Array(w.length);
  conv2dBackpropFilter(x, dy, dw, g);
  expect(maxRelativeError(dw, referenceBackpropFilter(x, dy, g)), `filter ${JSON.stringify(c)}`).toBeLessThan(1e-5);
}
