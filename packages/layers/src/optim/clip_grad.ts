/**
 * Gradient clipping, as torch.nn.utils.clip_grad_norm_ / clip_grad_value_. The gradients
 * are scaled in place (the `grad` handles stay the same).
 */
import { noGrad } from '@nn/autograd';
import { engine, tidy, type Tensor } from '@nn/tensor';

export interface ClipGradNormOptions {
  /** The p of the p-norm; Infinity for the largest absolute value. Default 2. */
  normType?: number;
  /** Throw if the total norm is NaN or infinite instead of scaling by it. */
  errorIfNonfinite?: boolean;
}

/**
 * Scales all gradients together so that their joint norm is at most maxNorm:
 * coefficient = min(1, maxNorm / (norm + 1e-6)), as PyTorch. Returns the norm before clipping.
 */
export function clipGradNorm(parameters: Iterable<Tensor>, maxNorm: number, options: ClipGradNormOptions = {}): number {
  const normType = options.normType ?? 2;
  if (!(maxNorm >= 0)) throw new Error(`clipGradNorm: maxNorm must be >= 0, got ${maxNorm}`);
  if (!(normType > 0)) throw new Error(`clipGradNorm: normType must be > 0 or Infinity, got ${normType}`);
  const grads = [...parameters].map((p) => p.grad).filter((g): g is Tensor => g !== null);
  if (grads.length === 0) return 0;
  return noGrad(() =>
    tidy(() => {
      let total: number;
      if (normType === Infinity) {
        total = Math.max(...grads.map((g) => g.abs().max().item()));
      } else {
        let sum = 0;
        for (const g of grads) sum += g.abs().pow(normType).sum().item();
        total = sum ** (1 / normType);
      }
      if (options.errorIfNonfinite && !Number.isFinite(total)) {
        throw new Error(`clipGradNorm: the total norm of order ${normType} of the gradients is ${total}; set errorIfNonfinite: false to scale anyway`);
      }
      const coefficient = Math.min(1, maxNorm / (total + 1e-6));
      if (coefficient < 1 || Number.isNaN(coefficient)) for (const g of grads) engine().assign(g, g.mul(coefficient));
      return total;
    }),
  );
}

/** Clamps every gradient element into [-clipValue, clipValue]. */
export function clipGradValue(parameters: Iterable<Tensor>, clipValue: number): void {
  if (!(clipValue >= 0)) throw new Error(`clipGradValue: clipValue must be >= 0, got ${clipValue}`);
  noGrad(() =>
    tidy(() => {
      for (const p of parameters) if (p.grad !== null) engine().assign(p.grad, p.grad.clip(-clipValue, clipValue));
    }),
  );
}
