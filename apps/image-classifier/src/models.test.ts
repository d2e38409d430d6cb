import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import { noGrad } from '@nn/autograd';
import { tidy, zeros } from '@nn/tensor';
import { MODELS, modelSpec, resolveWidth } from './models.js';

describe('the models train accepts', () => {
  // A small width keeps the big ones cheap; each must map the app's input to 10 scores.
  for (const spec of MODELS) {
    it(`${spec.name}: 1×${spec.inputSize}×${spec.inputSize} images to 10 class scores`, () => {
      const model = spec.build({ numClasses: 10, width: spec.hasWidth ? 1 / 16 : 1, init: false });
      model.eval();
      const shape = noGrad(() => tidy(() => model.forward(zeros([2, 1, spec.inputSize, spec.inputSize])).shape));
      expect(shape).toEqual([2, 10]);
    });
  }

  it('LeNet-5 is the paper\'s size: 61,706 parameters for 32×32 digits', () => {
    const model = modelSpec('lenet5').build({ numClasses: 10, width: 1 });
    expect(model.parameters().reduce((n, p) => n + p.size, 0)).toBe(61_706);
  });

  it('refuses unknown names and widths for fixed networks', () => {
    expect(() => modelSpec('lenet6')).toThrow(/unknown model 'lenet6'; the models are: lenet5, lenet5-tanh, mlp, /);
    expect(() => resolveWidth(modelSpec('lenet5'), 0.5)).toThrow("--width: lenet5 is the paper's network and has no width option");
    expect(resolveWidth(modelSpec('resnet18'), 0.25)).toBe(0.25);
    expect(() => resolveWidth(modelSpec('resnet18'), -1)).toThrow('--width must be a positive number, got -1');
  });
});
