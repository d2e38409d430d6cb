/** Pooling layers, as torch.nn.MaxPool2d / AvgPool2d / AdaptiveAvgPool2d / AdaptiveMaxPool2d. */
import { adaptiveAvgPool2d, adaptiveMaxPool2d, avgPool2d, maxPool2d, type AdaptiveOutputSize, type IntPair, type Tensor } from '@nn/tensor';
import { Module } from '../module.js';

function text(v: IntPair | null | undefined): string {
  return typeof v === 'number' ? String(v) : v == null ? 'null' : `[${v.join(', ')}]`;
}

export interface MaxPool2dOptions {
  /** Default: kernelSize. */
  stride?: IntPair | null;
  padding?: IntPair;
  dilation?: IntPair;
  ceilMode?: boolean;
}

export class MaxPool2d extends Module {
  readonly stride: IntPair;
  readonly padding: IntPair;
  readonly dilation: IntPair;
  readonly ceilMode: boolean;

  constructor(
    readonly kernelSize: IntPair,
    options: MaxPool2dOptions = {},
  ) {
    super();
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.dilation = options.dilation ?? 1;
    this.ceilMode = options.ceilMode ?? false;
  }

  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode });
  }

  override extraRepr(): string {
    return `kernelSize=${text(this.kernelSize)}, stride=${text(this.stride)}, padding=${text(this.padding)}, dilation=${text(this.dilation)}, ceilMode=${this.ceilMode}`;
  }
}

export interface AvgPool2dOptions {
  stride?: IntPair | null;
  padding?: IntPair;
  ceilMode?: boolean;
  /** Count zero padding in the divisor (PyTorch's default true). */
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

export class AvgPool2d extends Module {
  readonly stride: IntPair;
  readonly padding: IntPair;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  constructor(
    readonly kernelSize: IntPair,
    options: AvgPool2dOptions = {},
  ) {
    super();
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.ceilMode = options.ceilMode ?? false;
    this.countIncludePad = options.countIncludePad ?? true;
    this.divisorOverride = options.divisorOverride ?? null;
  }

  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, { stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad, divisorOverride: this.divisorOverride });
  }

  override extraRepr(): string {
    return `kernelSize=${text(this.kernelSize)}, stride=${text(this.stride)}, padding=${text(this.padding)}`;
  }
}

function sizeText(size: AdaptiveOutputSize): string {
  return typeof size === 'number' ? String(size) : `[${size.map((v) => (v === null ? 'null' : String(v))).join(', ')}]`;
}

/** Averages into a fixed output size whatever the input size (null keeps that axis). */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: AdaptiveOutputSize) {
    super();
  }

  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }

  override extraRepr(): string {
    return `outputSize=${sizeText(this.outputSize)}`;
  }
}

export class AdaptiveMaxPool2d extends Module {
  constructor(readonly outputSize: AdaptiveOutputSize) {
    super();
  }

  forward(x: Tensor): Tensor {
    return adaptiveMaxPool2d(x, this.outputSize);
  }

  override extraRepr(): string {
    return `outputSize=${sizeText(this.outputSize)}`;
  }
}
