/**
 * The calling convention (tensor README, "Calling convention"): tensors, axes and the one
 * size that defines an op are positional; every optional setting is one trailing options
 * object. In plain JavaScript nothing stops a PyTorch-style positional call, so each op family
 * must turn one into an error naming the op rather than a silently different result: a
 * number where the options go, an unknown key, an extra argument, a string as options.
 * The `as never` casts play the JavaScript caller that TypeScript would have stopped.
 */
import * as nn from '@nn/tensor';
import { describe, expect, it } from 'vitest';

const image = (): nn.Tensor => nn.randn([1, 2, 6, 6]);
const weight = (): nn.Tensor => nn.randn([3, 2, 3, 3]);
const values = (t: nn.Tensor): number[] => Array.from(t.dataSync());
/** The op as plain JavaScript sees it: any number of arguments. */
const js = (fn: unknown): ((...args: unknown[]) => unknown) => fn as (...args: unknown[]) => unknown;
/** A method called as plain JavaScript would. */
const jsMethod = (t: nn.Tensor, name: string, ...args: unknown[]): unknown => (t as unknown as Record<string, (...a: unknown[]) => unknown>)[name](...args);

export function defineCallingConventionSuite(backend: string): void {
  describe(`calling convention (${backend})`, () => {
    it('pooling: PyTorch positional stride/padding, unknown keys and extra arguments throw naming the op', () => {
      nn.tidy(() => {
        const x = image();
        expect(() => nn.maxPool2d(x, 3, 1 as never)).toThrow(/^maxPool2d: options must be an object \{ stride, padding, dilation, ceilMode, returnIndices \}, got 1; options go in an object, e\.g\. \{ stride: 1 \}$/);
        expect(() => nn.maxPool2d(x, 2, { strides: 2 } as never)).toThrow(/^maxPool2d: unknown option 'strides'; the options are stride, padding, dilation, ceilMode, returnIndices$/);
        expect(() => js(nn.maxPool2d)(x, 2, {}, 1)).toThrow(/^maxPool2d: unexpected extra argument 1; options go in one object \{ stride, /);
        expect(() => jsMethod(x, 'maxPool2d', 2, {}, 1)).toThrow(/^maxPool2d: unexpected extra argument 1/);
        expect(() => nn.maxPool2d(x, { kernelSize: 2 } as never)).toThrow(/^maxPool2d: kernelSize is the second argument, not an option: maxPool2d\(x, 2, \{ stride: 1 \}\)$/);
        expect(() => nn.avgPool2d(x, 3, 1 as never)).toThrow(/^avgPool2d: options must be an object .*e\.g\. \{ stride: 1 \}$/);
        expect(() => x.avgPool2d(3, 'same' as never)).toThrow(/^avgPool2d: options must be an object .*got 'same'; options go in an object, e\.g\. \{ stride: 'same' \}$/);
        expect(() => nn.adaptiveMaxPool2d(x, 2, true as never)).toThrow(/^adaptiveMaxPool2d: options must be an object \{ returnIndices \}, got true/);
        // The settings in their object still work, with returnIndices typed through the overloads.
        const { values: pooled, indices } = nn.maxPool2d(x, 3, { stride: 1, returnIndices: true });
        expect(pooled.shape).toEqual([1, 2, 4, 4]);
        expect(indices.dtype).toBe('int32');
        expect(nn.avgPool2d(x, 3, { stride: 1 }).shape).toEqual([1, 2, 4, 4]);
      });
    });

    it('convolution: conv2d(x, w, null, 1, 1) throws instead of ignoring stride and padding', () => {
      nn.tidy(() => {
        const [x, w] = [image(), weight()];
        expect(() => nn.conv2d(x, w, null, 1 as never, 1 as never)).toThrow(/^conv2d: options must be an object \{ stride, padding, dilation, groups \}, got 1; options go in an object, e\.g\. \{ stride: 1 \}$/);
        expect(() => nn.conv2d(x, w, null, {}, 1 as never)).toThrow(/^conv2d: unexpected extra argument 1/);
        expect(() => x.conv2d(w, null, { pad: 1 } as never)).toThrow(/^conv2d: unknown option 'pad'; the options are stride, padding, dilation, groups$/);
        expect(() => nn.conv1d(nn.randn([1, 2, 5]), nn.randn([3, 2, 3]), null, 2 as never)).toThrow(/^conv1d: options must be an object/);
        expect(() => nn.convTranspose2d(x, nn.randn([2, 3, 3, 3]), null, { outputPadding: 1, stride: 2, extra: 1 } as never)).toThrow(/^convTranspose2d: unknown option 'extra'/);
        expect(nn.conv2d(x, w, null, { stride: 1, padding: 1 }).shape).toEqual([1, 3, 6, 6]);
      });
    });

    it('reductions: keepDim goes in the options; null axes mean all, as PyTorch dim=None', () => {
      nn.tidy(() => {
        const x = nn.tensor([[1, 2, 3], [4, 5, 6]]);
        expect(() => nn.sum(x, 0, true as never)).toThrow(/^sum: options must be an object \{ keepDim \}, got true; options go in an object, e\.g\. \{ keepDim: true \}$/);
        expect(() => x.mean(1, { keepdim: true } as never)).toThrow(/^mean: unknown option 'keepdim'; the options are keepDim$/);
        expect(() => nn.max(x, 0, {}, 1 as never)).toThrow(/^max: unexpected extra argument 1/);
        expect(() => jsMethod(x, 'sum', 0, {}, 1)).toThrow(/^sum: unexpected extra argument 1/);
        expect(() => nn.argmax(x, 1, true as never)).toThrow(/^argmax: options must be an object \{ keepDim \}/);
        expect(() => nn.maxWithIndices(x, 1, 'keep' as never)).toThrow(/^maxWithIndices: options must be an object/);
        expect(() => nn.variance(x, 0, 0 as never)).toThrow(/^variance: options must be an object \{ correction, keepDim \}, got 0; options go in an object, e\.g\. \{ correction: 0 \}$/);
        expect(nn.sum(x, null).item()).toBe(21);
        expect(values(nn.sum(x, null, { keepDim: true }))).toEqual([21]);
        expect(nn.sum(x, null, { keepDim: true }).shape).toEqual([1, 1]);
        expect(x.mean(null).item()).toBe(3.5);
        for (const op of [nn.prod, nn.max, nn.min, nn.logsumexp, nn.argmax, nn.argmin, nn.variance, nn.std]) {
          expect(values(op(x, null)), op.name).toEqual(values(op(x)));
        }
        expect(() => nn.softmax(x, 1, 'float32' as never)).toThrow(/^softmax: unexpected extra argument 'float32'$/);
        expect(() => jsMethod(x, 'logSoftmax', -1, 'float32')).toThrow(/^logSoftmax: unexpected extra argument 'float32'$/);
        expect(values(nn.sum(x, 1, { keepDim: true }))).toEqual([6, 15]);
        expect(nn.argmax(x, 1, { keepDim: true }).shape).toEqual([2, 1]);
      });
    });

    it('activations, normalisation, dropout and pad take their settings in one object', () => {
      nn.tidy(() => {
        const x = nn.randn([2, 4, 3, 3]);
        expect(() => nn.leakyRelu(x, 0.2 as never)).toThrow(/^leakyRelu: options must be an object \{ negativeSlope \}, got 0\.2; options go in an object, e\.g\. \{ negativeSlope: 0\.2 \}$/);
        expect(() => nn.elu(x, 1 as never)).toThrow(/^elu: options must be an object \{ alpha \}/);
        expect(() => x.gelu('tanh' as never)).toThrow(/^gelu: options must be an object \{ approximate \}, got 'tanh'; options go in an object, e\.g\. \{ approximate: 'tanh' \}$/);
        expect(() => nn.softplus(x, 2 as never, 5 as never)).toThrow(/^softplus: options must be an object \{ beta, threshold \}/);
        expect(() => jsMethod(x, 'softplus', { beta: 2 }, 5)).toThrow(/^softplus: unexpected extra argument 5; options go in one object \{ beta, threshold \}$/);
        expect(() => nn.localResponseNorm(x, 3, 1e-4 as never, 0.75 as never)).toThrow(/^localResponseNorm: options must be an object \{ alpha, beta, k \}/);
        expect(() => nn.layerNorm(x, 3, nn.ones([3]) as never)).toThrow(/^layerNorm: options must be an object \{ weight, bias, eps \}, got a Tensor/);
        expect(() => nn.dropout(x, 0.5 as never)).toThrow(/^dropout: options must be an object \{ p, training, generator \}, got 0\.5; options go in an object, e\.g\. \{ p: 0\.5 \}$/);
        expect(() => x.dropout2d({ prob: 0.5 } as never)).toThrow(/^dropout2d: unknown option 'prob'/);
        expect(() => nn.pad(x, [1, 1], 'reflect' as never)).toThrow(/^pad: options must be an object \{ mode, value \}, got 'reflect'/);
        expect(() => js(nn.batchNorm)(x, null, null, null, null, { training: true }, 1)).toThrow(/^batchNorm: unexpected extra argument 1/);
        expect(() => nn.matmul(nn.ones([2, 2]), nn.ones([2, 2]), [true] as never)).toThrow(/^matmul: options must be an object \{ transposeA, transposeB \}, got \[true\]/);
        expect(() => nn.zeros([2], 'int32' as never)).toThrow(/^zeros: options must be an object \{ dtype \}, got 'int32'/);
        expect(() => nn.upsample(x, { size: 4, align_corners: true } as never)).toThrow(/^upsample: unknown option 'align_corners'/);
        expect(values(nn.leakyRelu(nn.tensor([-1, 2]), { negativeSlope: 0.5 }))).toEqual([-0.5, 2]);
        expect(values(nn.pad(nn.tensor([1, 2, 3]), [2, 0], { mode: 'reflect' }))).toEqual([3, 2, 1, 2, 3]);
        expect(values(nn.dropout(nn.ones([3]), { p: 0.5, training: false }))).toEqual([1, 1, 1]);
      });
    });

    it('the issue-15 ops (hardtanh, celu, prelu, groupNorm, instanceNorm, convTranspose1d) follow it too', () => {
      nn.tidy(() => {
        const x = nn.randn([2, 4, 5]);
        expect(() => nn.hardtanh(x, -2 as never, 2 as never)).toThrow(/^hardtanh: options must be an object \{ minVal, maxVal \}, got -2/);
        expect(() => nn.hardtanh(x, { min_val: -2 } as never)).toThrow(/^hardtanh: unknown option 'min_val'; the options are minVal, maxVal$/);
        expect(() => nn.celu(x, 1.5 as never)).toThrow(/^celu: options must be an object \{ alpha \}/);
        expect(() => js(nn.prelu)(x, nn.ones([4]), { inplace: true })).toThrow(/^prelu: unexpected extra argument/);
        expect(() => nn.groupNorm(x, 2, nn.ones([4]) as never)).toThrow(/^groupNorm: options must be an object \{ weight, bias, eps \}, got a Tensor/);
        expect(() => js(nn.instanceNorm)(x, null, null, null, null, { useInputStats: true }, 1)).toThrow(/^instanceNorm: unexpected extra argument 1/);
        expect(() => nn.instanceNorm(x, null, null, null, null, { use_input_stats: true } as never)).toThrow(/^instanceNorm: unknown option 'use_input_stats'/);
        expect(() => nn.convTranspose1d(x, nn.randn([4, 2, 3]), null, 2 as never)).toThrow(/^convTranspose1d: options must be an object \{ stride, padding, outputPadding, groups, dilation \}/);
        expect(values(nn.hardtanh(nn.tensor([-3, 0, 3]), { minVal: -2, maxVal: 2 }))).toEqual([-2, 0, 2]);
        expect(nn.convTranspose1d(x, nn.randn([4, 2, 3]), null, { stride: 2 }).shape).toEqual([2, 2, 11]);
      });
    });
  });
}
