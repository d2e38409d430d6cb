/**
 * Validation scores in dollars while training: the model learns the standardised log
 * price, so these metrics turn output and target back into prices (the preprocessing's
 * inverse target transform) before scoring them with @nn/layers' metrics.
 */
import { Metric } from '@nn/layers';
import { tensor, type Tensor } from '@nn/tensor';

/** Something that maps model outputs back to prices (a fitted TablePreprocessor). */
export interface TargetInverse {
  inverseTarget(values: Tensor | ArrayLike<number>): Float64Array;
}

export class InPrices extends Metric {
  constructor(
    private readonly inner: Metric,
    private readonly prep: TargetInverse,
  ) {
    super(inner.name);
  }

  update(output: Tensor, target: Tensor): void {
    const o = tensor(Float32Array.from(this.prep.inverseTarget(output)), output.shape);
    const t = tensor(Float32Array.from(this.prep.inverseTarget(target)), target.shape);
    try {
      this.inner.update(o, t);
    } finally {
      o.dispose();
      t.dispose();
    }
  }

  compute(): number {
    return this.inner.compute();
  }

  reset(): void {
    this.inner.reset();
  }
}
