/**
 * Callbacks for fit(): early stopping, a line of progress per epoch, and the watching of a
 * logged value that both early stopping and checkpointing need (ModelCheckpoint, which
 * writes files, lives in '@nn/layers/node').
 */
import { engine, type Tensor } from '@nn/tensor';
import type { Callback, FitContext, Logs } from './fit.js';
import type { TensorModule } from './layers/containers.js';
import type { StateDict } from './safetensors.js';

export type MonitorMode = 'min' | 'max' | 'auto';

/** Logs where higher is better, for mode 'auto' (everything else is a loss or an error). */
const HIGHER_IS_BETTER = /(accuracy|acc|r2|iou|dice|f1|precision|recall|auc)$/;

/**
 * Watches one value of the logs and says when it improves: in 'min' mode when it falls
 * below the best so far by more than `minDelta`, in 'max' mode when it rises above it.
 * 'auto' picks 'max' for accuracy-like names and 'min' otherwise, as Keras does.
 */
export class Monitor {
  readonly mode: 'min' | 'max';
  best: number;

  constructor(
    readonly owner: string,
    readonly key: string,
    mode: MonitorMode = 'auto',
    readonly minDelta = 0,
  ) {
    if (typeof key !== 'string' || key === '') throw new Error(`${owner}: monitor must be the name of a logged value, got ${String(key)}`);
    if (mode !== 'min' && mode !== 'max' && mode !== 'auto') throw new Error(`${owner}: mode must be 'min', 'max' or 'auto', got '${String(mode)}'`);
    if (typeof minDelta !== 'number' || !(minDelta >= 0)) throw new Error(`${owner}: minDelta must be a non-negative number, got ${String(minDelta)}`);
    this.mode = mode === 'auto' ? (HIGHER_IS_BETTER.test(key) ? 'max' : 'min') : mode;
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  /** The watched value; an error naming the logged keys if it is missing. */
  read(logs: Logs): number {
    const value = logs[this.key];
    if (typeof value !== 'number') {
      throw new Error(`${this.owner}: monitor '${this.key}' is not in the logs (they have ${Object.keys(logs).join(', ')}; 'val_' values need a valLoader)`);
    }
    return value;
  }

  /** True, and remembers the value, if it beats the best so far. NaN never improves. */
  update(value: number): boolean {
    const better = this.mode === 'min' ? value < this.best - this.minDelta : value > this.best + this.minDelta;
    if (better) this.best = value;
    return better;
  }

  reset(): void {
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }
}

/**
 * A copy of a model's parameters and buffers that costs no copying: tensors are immutable
 * and optimizers give a parameter a new buffer on each step (engine().assign), so holding
 * a second handle on today's buffer keeps today's values.
 */
export class WeightsSnapshot {
  private readonly tensors: StateDict;

  constructor(model: TensorModule) {
    this.tensors = Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, engine().share(t)]));
  }

  restore(model: TensorModule): void {
    model.loadStateDict(this.tensors);
  }

  get stateDict(): Readonly<Record<string, Tensor>> {
    return this.tensors;
  }

  dispose(): void {
    for (const t of Object.values(this.tensors)) t.dispose();
  }
}

export interface EarlyStoppingOptions {
  /** The logged value to watch (default 'val_loss'). */
  monitor?: string;
  mode?: MonitorMode;
  /** Stop after this many epochs in a row without improvement (default 0, which like 1 stops at the first, as in Keras). */
  patience?: number;
  /** The least change that counts as an improvement (default 0). */
  minDelta?: number;
  /** At the end of training, load the weights of the best epoch (default false). */
  restoreBestWeights?: boolean;
}

/**
 * Stops training when the monitored value has not improved for `patience` epochs, as
 * Keras's EarlyStopping. With `restoreBestWeights`, the model ends with the weights of its
 * best epoch, whether or not training stopped early.
 */
export class EarlyStopping implements Callback {
  readonly patience: number;
  readonly restoreBestWeights: boolean;
  /** Epochs since the last improvement. */
  wait = 0;
  /** The epoch (from 0) with the best value, or -1. */
  bestEpoch = -1;
  /** The epoch after which training stopped, or -1. */
  stoppedEpoch = -1;
  private readonly monitor: Monitor;
  private snapshot: WeightsSnapshot | null = null;

  constructor(options: EarlyStoppingOptions = {}) {
    this.monitor = new Monitor('EarlyStopping', options.monitor ?? 'val_loss', options.mode, options.minDelta ?? 0);
    this.patience = options.patience ?? 0;
    if (!Number.isInteger(this.patience) || this.patience < 0) throw new Error(`EarlyStopping: patience must be a non-negative integer, got ${this.patience}`);
    this.restoreBestWeights = options.restoreBestWeights ?? false;
  }

  get best(): number {
    return this.monitor.best;
  }

  onTrainBegin(): void {
    this.monitor.reset();
    this.wait = 0;
    this.bestEpoch = -1;
    this.stoppedEpoch = -1;
    this.dropSnapshot();
  }

  onEpochEnd(epoch: number, logs: Logs, ctx: FitContext): void {
    if (this.monitor.update(this.monitor.read(logs))) {
      this.wait = 0;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) {
        this.dropSnapshot();
        this.snapshot = new WeightsSnapshot(ctx.model);
      }
      return;
    }
    this.wait++;
    if (this.wait >= this.patience) {
      this.stoppedEpoch = epoch;
      ctx.stopTraining = true;
    }
  }

  onTrainEnd(ctx: FitContext): void {
    if (this.snapshot !== null && this.bestEpoch !== ctx.history.length - 1) this.snapshot.restore(ctx.model);
    this.dropSnapshot();
  }

  private dropSnapshot(): void {
    this.snapshot?.dispose();
    this.snapshot = null;
  }
}

export interface ProgressLoggerOptions {
  /** Where lines go (default console.log). */
  log?: (line: string) => void;
  /** Print every n-th epoch, and the last (default 1). */
  every?: number;
  /** Significant digits of the values (default 4). */
  digits?: number;
}

/** Prints one line per epoch: `epoch 3/50  loss 0.1234  val_loss 0.2345  ...  1.2s`. */
export class ProgressLogger implements Callback {
  private readonly log: (line: string) => void;
  private readonly every: number;
  private readonly digits: number;

  constructor(options: ProgressLoggerOptions = {}) {
    this.log = options.log ?? ((line) => console.log(line));
    this.every = options.every ?? 1;
    this.digits = options.digits ?? 4;
    if (!Number.isInteger(this.every) || this.every < 1) throw new Error(`ProgressLogger: every must be a positive integer, got ${this.every}`);
  }

  onEpochEnd(epoch: number, logs: Logs, ctx: FitContext): void {
    const last = epoch === ctx.epochs - 1 || ctx.stopTraining;
    if ((epoch + 1) % this.every !== 0 && !last) return;
    const values = Object.entries(logs)
      .filter(([key]) => key !== 'time')
      .map(([key, v]) => `${key} ${v.toPrecision(this.digits)}`);
    this.log(`epoch ${epoch + 1}/${ctx.epochs}  ${values.join('  ')}  ${(logs.time ?? 0).toFixed(1)}s`);
  }
}
