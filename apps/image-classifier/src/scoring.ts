/** Scoring a model on a split, shared by train (at the end) and evaluate. */
import { predict, type TensorModule } from '@nn/layers';
import type { ModelConfig } from './checkpoint.js';
import { loader, type Examples } from './datasets.js';
import { scoreTest, type TestReport } from './report.js';

/** The test report of `model` on `examples` (already transformed for it), whose labels are `labels`. */
export async function scoreSplit(model: TensorModule, examples: Examples, labels: Int32Array, classes: readonly string[]): Promise<TestReport> {
  const logits = await predict(model, loader(examples, 256));
  try {
    return scoreTest(logits, labels, classes);
  } finally {
    logits.dispose();
  }
}

/** 'lenet5 on Fashion-MNIST', 'resnet18 ×0.25 on MNIST': how plots name a run. */
export function runTitle(config: ModelConfig): string {
  const width = config.width !== 1 ? ` ×${config.width}` : '';
  return `${config.model}${width} on ${config.dataset === 'mnist' ? 'MNIST' : 'Fashion-MNIST'}`;
}
