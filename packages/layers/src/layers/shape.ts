/** Layers that move values around without weights: Identity, Flatten, Unflatten, Upsample. */
import { flatten, normalizeAxis, reshape, upsample, type Tensor, type UpsampleMode } from '@nn/tensor';
import { Module } from '../module.js';

/** Returns its input (a placeholder, e.g. for a removed classifier head). */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}

/** Flattens dims startDim..endDim into one; by default everything but the batch. */
export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }

  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `startDim=${this.startDim}, endDim=${this.endDim}`;
  }
}

/** Splits dim into the given sizes (one may be -1). */
export class Unflatten extends Module {
  constructor(
    readonly dim: number,
    readonly unflattenedSize: readonly number[],
  ) {
    super();
  }

  forward(x: Tensor): Tensor {
    const d = normalizeAxis('Unflatten', this.dim, x.rank);
    return reshape(x, [...x.shape.slice(0, d), ...this.unflattenedSize, ...x.shape.slice(d + 1)]);
  }

  override extraRepr(): string {
    return `dim=${this.dim}, unflattenedSize=[${this.unflattenedSize.join(', ')}]`;
  }
}

export interface UpsampleLayerOptions {
  size?: number | readonly [number, number];
  scaleFactor?: number | readonly [number, number];
  mode?: UpsampleMode;
  alignCorners?: boolean;
}

/** Resizes [N, C, H, W] images (nearest or bilinear), as torch.nn.Upsample. */
export class Upsample extends Module {
  constructor(readonly options: UpsampleLayerOptions) {
    super();
    if ((options.size === undefined) === (options.scaleFactor === undefined)) throw new Error('Upsample: give exactly one of size and scaleFactor');
    if (options.alignCorners !== undefined && (options.mode ?? 'nearest') === 'nearest') {
      throw new Error("Upsample: alignCorners only applies to mode 'bilinear'");
    }
  }

  forward(x: Tensor): Tensor {
    return upsample(x, this.options);
  }

  override extraRepr(): string {
    const { size, scaleFactor, mode = 'nearest' } = this.options;
    const show = (v: number | readonly number[]): string => (typeof v === 'number' ? String(v) : `[${v.join(', ')}]`);
    return `${size !== undefined ? `size=${show(size)}` : `scaleFactor=${show(scaleFactor!)}`}, mode='${mode}'`;
  }
}
