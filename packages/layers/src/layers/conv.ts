/**
 * Convolution layers, as torch.nn.Conv1d / Conv2d / ConvTranspose1d / ConvTranspose2d: weight
 * [outChannels, inChannels/groups, kH, kW] (ConvTranspose2d: [inChannels, outChannels/groups, kH, kW]),
 * PyTorch's default initialisation (kaiming_uniform_(a=√5) weight, U(±1/√fan_in) bias).
 */
import { conv1d, conv2d, convTranspose1d, convTranspose2d, pad, zeros, type Shape, type Tensor } from '@nn/tensor';
import { defaultLinearInit } from '../init.js';
import { Module, parameter } from '../module.js';

type Pair = number | readonly [number, number];
export type PaddingMode = 'zeros' | 'reflect';

function pair(layer: string, name: string, value: Pair, min: number): [number, number] {
  const p: [number, number] = typeof value === 'number' ? [value, value] : [value[0], value[1]];
  if (!(Array.isArray(value) ? value.length === 2 : typeof value === 'number') || !p.every((v) => Number.isInteger(v) && v >= min)) {
    throw new Error(`${layer}: ${name} must be an integer >= ${min} or a pair of them, got ${JSON.stringify(value)}`);
  }
  return p;
}

function checkChannels(layer: string, inChannels: number, outChannels: number, groups: number): void {
  for (const [name, v] of [['inChannels', inChannels], ['outChannels', outChannels], ['groups', groups]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${layer}: ${name} must be a positive integer, got ${v}`);
  }
  if (inChannels % groups !== 0) throw new Error(`${layer}: inChannels (${inChannels}) must be divisible by groups (${groups})`);
  if (outChannels % groups !== 0) throw new Error(`${layer}: outChannels (${outChannels}) must be divisible by groups (${groups})`);
}

function tuple(p: readonly number[]): string {
  return `[${p.join(', ')}]`;
}

export interface Conv2dOptions {
  stride?: Pair;
  /** An int, [h, w], 'valid' or 'same' (stride 1). Default 0. */
  padding?: Pair | 'valid' | 'same';
  dilation?: Pair;
  groups?: number;
  bias?: boolean;
  /** 'zeros' (default) or 'reflect' (mirror the border instead of padding with zeros). */
  paddingMode?: PaddingMode;
}

export class Conv2d extends Module {
  weight: Tensor;
  bias: Tensor | null;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number] | 'valid' | 'same';
  readonly dilation: [number, number];
  readonly groups: number;
  readonly paddingMode: PaddingMode;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    options: Conv2dOptions = {},
  ) {
    super();
    const name = 'Conv2d';
    this.groups = options.groups ?? 1;
    checkChannels(name, inChannels, outChannels, this.groups);
    this.kernelSize = pair(name, 'kernelSize', kernelSize, 1);
    this.stride = pair(name, 'stride', options.stride ?? 1, 1);
    this.dilation = pair(name, 'dilation', options.dilation ?? 1, 1);
    const padding = options.padding ?? 0;
    this.padding = padding === 'same' || padding === 'valid' ? padding : pair(name, 'padding', padding, 0);
    if (this.padding === 'same' && (this.stride[0] !== 1 || this.stride[1] !== 1)) throw new Error(`${name}: padding='same' needs stride 1, got stride ${tuple(this.stride)}`);
    this.paddingMode = options.paddingMode ?? 'zeros';
    if (this.paddingMode !== 'zeros' && this.paddingMode !== 'reflect') throw new Error(`${name}: paddingMode must be 'zeros' or 'reflect', got '${String(this.paddingMode)}'`);
    this.weight = parameter(zeros([outChannels, inChannels / this.groups, ...this.kernelSize]));
    this.bias = options.bias ?? true ? parameter(zeros([outChannels])) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    defaultLinearInit(this.weight, this.bias);
  }

  /** [top, bottom, left, right] zero or mirrored padding. */
  private paddingAmounts(): [number, number, number, number] {
    if (this.padding === 'valid') return [0, 0, 0, 0];
    if (this.padding === 'same') {
      const total = this.kernelSize.map((k, i) => this.dilation[i] * (k - 1));
      const top = Math.floor(total[0] / 2);
      const left = Math.floor(total[1] / 2);
      return [top, total[0] - top, left, total[1] - left];
    }
    return [this.padding[0], this.padding[0], this.padding[1], this.padding[1]];
  }

  forward(x: Tensor): Tensor {
    const options = { stride: this.stride, dilation: this.dilation, groups: this.groups };
    if (this.paddingMode === 'reflect') {
      const [top, bottom, left, right] = this.paddingAmounts();
      return conv2d(pad(x, [left, right, top, bottom], { mode: 'reflect' }), this.weight, this.bias, { ...options, padding: 0 });
    }
    return conv2d(x, this.weight, this.bias, { ...options, padding: this.padding });
  }

  /** Multiply-accumulates: every output position of every output channel sees inChannels/groups·kH·kW inputs (padding included). */
  macs(_inputs: Shape[], output: Shape): number {
    const positions = output.length === 4 ? output[0] * output[2] * output[3] : output[1] * output[2];
    return positions * this.weight.size;
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernelSize=${tuple(this.kernelSize)}, stride=${tuple(this.stride)}`;
    if (typeof this.padding === 'string') s += `, padding='${this.padding}'`;
    else if (this.padding[0] !== 0 || this.padding[1] !== 0) s += `, padding=${tuple(this.padding)}`;
    if (this.dilation[0] !== 1 || this.dilation[1] !== 1) s += `, dilation=${tuple(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=false';
    if (this.paddingMode !== 'zeros') s += `, paddingMode='${this.paddingMode}'`;
    return s;
  }
}

export interface Conv1dOptions {
  stride?: number;
  padding?: number | 'valid' | 'same';
  dilation?: number;
  groups?: number;
  bias?: boolean;
}

export class Conv1d extends Module {
  weight: Tensor;
  bias: Tensor | null;
  readonly stride: number;
  readonly padding: number | 'valid' | 'same';
  readonly dilation: number;
  readonly groups: number;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: number,
    options: Conv1dOptions = {},
  ) {
    super();
    const name = 'Conv1d';
    this.groups = options.groups ?? 1;
    checkChannels(name, inChannels, outChannels, this.groups);
    const int = (what: string, v: number, min: number): number => {
      if (!Number.isInteger(v) || v < min) throw new Error(`${name}: ${what} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
      return v;
    };
    int('kernelSize', kernelSize, 1);
    this.stride = int('stride', options.stride ?? 1, 1);
    this.dilation = int('dilation', options.dilation ?? 1, 1);
    const padding = options.padding ?? 0;
    this.padding = typeof padding === 'string' ? padding : int('padding', padding, 0);
    this.weight = parameter(zeros([outChannels, inChannels / this.groups, kernelSize]));
    this.bias = options.bias ?? true ? parameter(zeros([outChannels])) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    defaultLinearInit(this.weight, this.bias);
  }

  forward(x: Tensor): Tensor {
    return conv1d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }

  macs(_inputs: Shape[], output: Shape): number {
    const positions = output.length === 3 ? output[0] * output[2] : output[1];
    return positions * this.weight.size;
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize}], stride=[${this.stride}]`;
    if (typeof this.padding === 'string') s += `, padding='${this.padding}'`;
    else if (this.padding !== 0) s += `, padding=[${this.padding}]`;
    if (this.dilation !== 1) s += `, dilation=[${this.dilation}]`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=false';
    return s;
  }
}

export interface ConvTranspose2dOptions {
  stride?: Pair;
  padding?: Pair;
  outputPadding?: Pair;
  groups?: number;
  bias?: boolean;
  dilation?: Pair;
}

export class ConvTranspose2d extends Module {
  weight: Tensor;
  bias: Tensor | null;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly outputPadding: [number, number];
  readonly dilation: [number, number];
  readonly groups: number;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    options: ConvTranspose2dOptions = {},
  ) {
    super();
    const name = 'ConvTranspose2d';
    this.groups = options.groups ?? 1;
    checkChannels(name, inChannels, outChannels, this.groups);
    this.kernelSize = pair(name, 'kernelSize', kernelSize, 1);
    this.stride = pair(name, 'stride', options.stride ?? 1, 1);
    this.padding = pair(name, 'padding', options.padding ?? 0, 0);
    this.outputPadding = pair(name, 'outputPadding', options.outputPadding ?? 0, 0);
    this.dilation = pair(name, 'dilation', options.dilation ?? 1, 1);
    for (let i = 0; i < 2; i++) {
      if (this.outputPadding[i] >= Math.max(this.stride[i], this.dilation[i])) {
        throw new Error(`${name}: outputPadding ${tuple(this.outputPadding)} must be smaller than stride ${tuple(this.stride)} or dilation ${tuple(this.dilation)}`);
      }
    }
    this.weight = parameter(zeros([inChannels, outChannels / this.groups, ...this.kernelSize]));
    this.bias = options.bias ?? true ? parameter(zeros([outChannels])) : null;
    this.resetParameters();
  }

  /** As PyTorch: fan_in from the weight's dim 1, i.e. outChannels/groups·kH·kW. */
  resetParameters(): void {
    defaultLinearInit(this.weight, this.bias);
  }

  forward(x: Tensor): Tensor {
    return convTranspose2d(x, this.weight, this.bias, {
      stride: this.stride,
      padding: this.padding,
      outputPadding: this.outputPadding,
      groups: this.groups,
      dilation: this.dilation,
    });
  }

  /** Each input position scatters into outChannels/groups·kH·kW outputs. */
  macs(inputs: Shape[], _output: Shape): number {
    const x = inputs[0];
    const positions = x.length === 4 ? x[0] * x[2] * x[3] : x[1] * x[2];
    return positions * this.weight.size;
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernelSize=${tuple(this.kernelSize)}, stride=${tuple(this.stride)}`;
    if (this.padding[0] !== 0 || this.padding[1] !== 0) s += `, padding=${tuple(this.padding)}`;
    if (this.outputPadding[0] !== 0 || this.outputPadding[1] !== 0) s += `, outputPadding=${tuple(this.outputPadding)}`;
    if (this.dilation[0] !== 1 || this.dilation[1] !== 1) s += `, dilation=${tuple(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=false';
    return s;
  }
}

export interface ConvTranspose1dOptions {
  stride?: number;
  padding?: number;
  outputPadding?: number;
  groups?: number;
  bias?: boolean;
  dilation?: number;
}

/** torch.nn.ConvTranspose1d: weight [inChannels, outChannels / groups, kernelSize]. */
export class ConvTranspose1d extends Module {
  weight: Tensor;
  bias: Tensor | null;
  readonly stride: number;
  readonly padding: number;
  readonly outputPadding: number;
  readonly dilation: number;
  readonly groups: number;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: number,
    options: ConvTranspose1dOptions = {},
  ) {
    super();
    const name = 'ConvTranspose1d';
    this.groups = options.groups ?? 1;
    checkChannels(name, inChannels, outChannels, this.groups);
    const int = (what: string, v: number, min: number): number => {
      if (!Number.isInteger(v) || v < min) throw new Error(`${name}: ${what} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
      return v;
    };
    int('kernelSize', kernelSize, 1);
    this.stride = int('stride', options.stride ?? 1, 1);
    this.padding = int('padding', options.padding ?? 0, 0);
    this.outputPadding = int('outputPadding', options.outputPadding ?? 0, 0);
    this.dilation = int('dilation', options.dilation ?? 1, 1);
    if (this.outputPadding >= Math.max(this.stride, this.dilation)) {
      throw new Error(`${name}: outputPadding ${this.outputPadding} must be smaller than stride ${this.stride} or dilation ${this.dilation}`);
    }
    this.weight = parameter(zeros([inChannels, outChannels / this.groups, kernelSize]));
    this.bias = options.bias ?? true ? parameter(zeros([outChannels])) : null;
    this.resetParameters();
  }

  /** As PyTorch: fan_in from the weight's dim 1, i.e. outChannels/groups·kernelSize. */
  resetParameters(): void {
    defaultLinearInit(this.weight, this.bias);
  }

  forward(x: Tensor): Tensor {
    return convTranspose1d(x, this.weight, this.bias, {
      stride: this.stride,
      padding: this.padding,
      outputPadding: this.outputPadding,
      groups: this.groups,
      dilation: this.dilation,
    });
  }

  /** Each input position scatters into outChannels/groups·kernelSize outputs. */
  macs(inputs: Shape[], _output: Shape): number {
    const x = inputs[0];
    const positions = x.length === 3 ? x[0] * x[2] : x[1];
    return positions * this.weight.size;
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize}], stride=[${this.stride}]`;
    if (this.padding !== 0) s += `, padding=[${this.padding}]`;
    if (this.outputPadding !== 0) s += `, outputPadding=[${this.outputPadding}]`;
    if (this.dilation !== 1) s += `, dilation=[${this.dilation}]`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=false';
    return s;
  }
}
