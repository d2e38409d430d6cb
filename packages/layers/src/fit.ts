/**
 * The training loop, as Keras's model.fit and PyTorch Lightning's Trainer give it:
 *
 *   const history = await fit(model, trainLoader, {
 *     loss: new MSELoss(), optimizer: new Adam(model.parameters(), { lr: 1e-3 }), epochs: 50,
 *     valLoader, metrics: [new RootMeanSquaredError()], callbacks: [new EarlyStopping({ patience: 10 })],
 *   });
 *
 * A loader is anything that yields batches `{ x, y }` or `[x, y]` each time it is iterated,
 * synchronously or asynchronously: an @nn/data DataLoader, an array of batches, a generator
 * function. Each step runs inside tidy, so memory stays flat across epochs, and nothing in
 * the loop draws random numbers of its own: after manualSeed(n), a run on the CPU backend
 * repeats bit for bit.
 *
 * Batch ownership follows DataLoader's rule: a batch the loader yields belongs to the loop,
 * which disposes it after its step, except when the loader is an array (its batches are
 * reused every epoch). `disposeBatches` overrides this.
 *
 * Logs are flat records, as in Keras: `loss` and each metric's name for training,
 * `val_loss` and `val_<name>` for validation, `lr` (the first group's learning rate during
 * the epoch) and `time` (seconds).
 */
import { noGrad } from '@nn/autograd';
import { concat, dispose, slice, Tensor, tidy } from '@nn/tensor';
import type { TensorModule } from './layers/containers.js';
import type { Metric } from './metrics/metric.js';
import { Module } from './module.js';
import { OneCycleLR, ReduceLROnPlateau, type LRScheduler } from './optim/lr_scheduler.js';
import type { Optimizer, OptimizerOptions } from './optim/optimizer.js';

/** One batch: inputs and targets, as `{ x, y }` or `[x, y]` (a DataLoader over a TensorDataset yields the latter). */
export type Batch = { x: Tensor; y: Tensor } | readonly Tensor[];

/** Something that yields batches every time it is iterated, or a function making such a thing. */
export type BatchSource<B = Batch> = Iterable<B> | AsyncIterable<B> | (() => Iterable<B> | AsyncIterable<B>);

export type LossFunction = ((output: Tensor, target: Tensor) => Tensor) | Module<[Tensor, Tensor], Tensor>;

export type Logs = Record<string, number>;

/** What a callback sees and may change (`stopTraining`). */
export interface FitContext {
  readonly model: TensorModule;
  readonly optimizer: Optimizer<OptimizerOptions>;
  readonly epochs: number;
  /** Batches per epoch if the loader knows (a DataLoader or an array), else undefined. */
  readonly stepsPerEpoch: number | undefined;
  /** The epoch running now, from 0. */
  epoch: number;
  /** Set by a callback (early stopping) to end training after the current epoch. */
  stopTraining: boolean;
  /** The logs of the epochs finished so far. */
  readonly history: Logs[];
}

/** Hooks into the loop; every method is optional and may return a promise, which the loop awaits. */
export interface Callback {
  onTrainBegin?(ctx: FitContext): void | Promise<void>;
  onTrainEnd?(ctx: FitContext): void | Promise<void>;
  onEpochBegin?(epoch: number, ctx: FitContext): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs, ctx: FitContext): void | Promise<void>;
  onBatchBegin?(batch: number, ctx: FitContext): void | Promise<void>;
  /** `logs` holds the batch's `loss` and `size` (examples). */
  onBatchEnd?(batch: number, logs: Logs, ctx: FitContext): void | Promise<void>;
}

export interface FitOptions {
  loss: LossFunction;
  optimizer: Optimizer<OptimizerOptions>;
  epochs: number;
  /** Evaluated after every epoch: `val_loss` and `val_<metric>` in the logs. */
  valLoader?: BatchSource;
  /** Scored on the validation data (and on the training batches too with trainMetrics). */
  metrics?: Metric[];
  /** Also score the metrics on the training batches, as the model saw them in training mode (default false). */
  trainMetrics?: boolean;
  scheduler?: LRScheduler | ReduceLROnPlateau;
  /** When the scheduler steps: 'batch' for OneCycleLR (as PyTorch uses it), 'epoch' otherwise, unless set. */
  schedulerStep?: 'epoch' | 'batch';
  /** The log ReduceLROnPlateau watches (default 'val_loss' with validation data, else 'loss'). */
  schedulerMonitor?: string;
  callbacks?: Callback[];
  /** Dispose each batch after use (default: yes, unless the loader is an array). */
  disposeBatches?: boolean;
}

export interface History {
  /** The logs of each finished epoch, in order. */
  epochs: Logs[];
  /** Whether a callback ended training before `epochs`. */
  stoppedEarly: boolean;
}

function checkModel(op: string, model: unknown): TensorModule {
  if (!(model instanceof Module)) throw new Error(`${op}: model must be a Module`);
  return model as TensorModule;
}

function lossOf(loss: LossFunction): (output: Tensor, target: Tensor) => Tensor {
  if (loss instanceof Module) return (o, t) => loss.forward(o, t);
  if (typeof loss === 'function') return loss;
  throw new Error('fit: loss must be a function (output, target) => Tensor or a loss Module');
}

/** Iterates a source once, sync or async; names it in errors. */
async function* iterate<B>(op: string, source: BatchSource<B>, what: string): AsyncGenerator<B> {
  const iterable = typeof source === 'function' ? source() : source;
  if (iterable !== null && typeof iterable === 'object') {
    if (Symbol.asyncIterator in iterable) {
      yield* iterable;
      return;
    }
    if (Symbol.iterator in iterable) {
      yield* iterable;
      return;
    }
  }
  throw new Error(`${op}: ${what} must be iterable (a DataLoader, an array of batches, or a function returning one), got ${typeof iterable}`);
}

/** The tensors of a batch, checked. */
function unpack(op: string, batch: unknown, index: number): [Tensor, Tensor] {
  let x: unknown;
  let y: unknown;
  if (Array.isArray(batch)) [x, y] = batch as unknown[];
  else if (batch !== null && typeof batch === 'object') ({ x, y } = batch as { x?: unknown; y?: unknown });
  if (!(x instanceof Tensor) || !(y instanceof Tensor)) throw new Error(`${op}: batch ${index} must be { x, y } or [x, y] of Tensors`);
  if (x.isDisposed || y.isDisposed) throw new Error(`${op}: batch ${index} holds a disposed tensor (was it disposed after an earlier epoch? pass disposeBatches: false)`);
  return [x, y];
}

function batchSize(x: Tensor): number {
  return x.rank === 0 ? 1 : x.shape[0];
}

/** Batches per epoch where the source can tell without being iterated. */
function lengthOf(source: BatchSource): number | undefined {
  if (Array.isArray(source)) return source.length;
  try {
    const length = (source as { length?: unknown }).length;
    return typeof length === 'number' && typeof source !== 'function' ? length : undefined;
  } catch {
    return undefined; // a DataLoader over a stream does not know
  }
}

function checkEpochs(epochs: unknown): number {
  if (typeof epochs !== 'number' || !Number.isInteger(epochs) || epochs < 0) throw new Error(`fit: epochs must be a non-negative integer, got ${String(epochs)}`);
  return epochs;
}

/** Mean loss over a source and the metrics' scores, with gradients off and the model in eval mode. */
async function score(op: string, model: TensorModule, source: BatchSource, loss: ((o: Tensor, t: Tensor) => Tensor) | null, metrics: readonly Metric[], owned: boolean): Promise<Logs> {
  for (const m of metrics) m.reset();
  let total = 0;
  let examples = 0;
  let index = 0;
  for await (const batch of iterate(op, source, 'the loader')) {
    const [x, y] = unpack(op, batch, index++);
    try {
      const value = noGrad(() =>
        tidy(() => {
          const output = model.forward(x);
          for (const m of metrics) m.update(output, y);
          return loss === null ? 0 : scalarLoss(op, loss(output, y));
        }),
      );
      total += value * batchSize(x);
      examples += batchSize(x);
    } finally {
      if (owned) dispose(batch);
    }
  }
  if (index === 0) throw new Error(`${op}: the loader yielded no batches`);
  const logs: Logs = {};
  if (loss !== null) logs.loss = total / examples;
  for (const m of metrics) logs[m.name] = m.compute();
  return logs;
}

function scalarLoss(op: string, loss: Tensor): number {
  if (!(loss instanceof Tensor) || loss.size !== 1) {
    throw new Error(`${op}: the loss must be a one-element tensor, got ${loss instanceof Tensor ? `shape [${loss.shape.join(',')}]` : typeof loss}`);
  }
  return loss.item();
}

function checkMetrics(op: string, metrics: unknown): Metric[] {
  if (metrics === undefined) return [];
  if (!Array.isArray(metrics)) throw new Error(`${op}: metrics must be an array of Metric objects`);
  const names = new Set<string>();
  for (const m of metrics as Metric[]) {
    if (typeof m?.update !== 'function' || typeof m.compute !== 'function') throw new Error(`${op}: every metric needs update() and compute()`);
    if (names.has(m.name) || m.name === 'loss') throw new Error(`${op}: two metrics log as '${m.name}' (give one a { name })`);
    names.add(m.name);
  }
  return metrics as Metric[];
}

/** Trains `model` on `trainLoader` for `epochs` epochs; see the file comment. */
export async function fit(model: TensorModule, trainLoader: BatchSource, options: FitOptions): Promise<History> {
  const op = 'fit';
  checkModel(op, model);
  const epochs = checkEpochs(options.epochs);
  const loss = lossOf(options.loss);
  const { optimizer, scheduler, valLoader } = options;
  if (typeof optimizer?.step !== 'function') throw new Error('fit: optimizer must be an Optimizer');
  const metrics = checkMetrics(op, options.metrics);
  const callbacks = options.callbacks ?? [];
  const trainOwned = options.disposeBatches ?? !Array.isArray(trainLoader);
  const valOwned = options.disposeBatches ?? !Array.isArray(valLoader);
  const stepEach = options.schedulerStep ?? (scheduler instanceof OneCycleLR ? 'batch' : 'epoch');
  if (stepEach === 'batch' && scheduler instanceof ReduceLROnPlateau) throw new Error('fit: ReduceLROnPlateau steps once per epoch, with a metric');
  const wasTraining = model.training;
  const ctx: FitContext = { model, optimizer, epochs, stepsPerEpoch: lengthOf(trainLoader), epoch: 0, stopTraining: false, history: [] };
  const call = async <K extends keyof Callback>(hook: K, ...args: Parameters<NonNullable<Callback[K]>>): Promise<void> => {
    for (const c of callbacks) await (c[hook] as ((...a: typeof args) => void | Promise<void>) | undefined)?.apply(c, args);
  };

  try {
    await call('onTrainBegin', ctx);
    for (let epoch = 0; epoch < epochs && !ctx.stopTraining; epoch++) {
      ctx.epoch = epoch;
      const started = performance.now();
      const lr = optimizer.paramGroups[0]?.lr ?? NaN;
      await call('onEpochBegin', epoch, ctx);
      model.train();
      if (options.trainMetrics) for (const m of metrics) m.reset();
      let total = 0;
      let examples = 0;
      let index = 0;
      for await (const batch of iterate(op, trainLoader, 'trainLoader')) {
        const [x, y] = unpack(op, batch, index);
        await call('onBatchBegin', index, ctx);
        let value: number;
        try {
          optimizer.zeroGrad();
          value = tidy(() => {
            const output = model.forward(x);
            const lossTensor = loss(output, y);
            const v = scalarLoss(op, lossTensor);
            if (!Number.isFinite(v)) throw new Error(`fit: the loss is ${v} at epoch ${epoch + 1}, batch ${index + 1} (too high a learning rate, or bad input?)`);
            lossTensor.backward();
            if (options.trainMetrics) for (const m of metrics) m.update(output, y);
            return v;
          });
          optimizer.step();
          if (stepEach === 'batch') (scheduler as LRScheduler | undefined)?.step();
        } finally {
          if (trainOwned) dispose(batch);
        }
        const size = batchSize(x);
        total += value * size;
        examples += size;
        await call('onBatchEnd', index, { loss: value, size }, ctx);
        index++;
      }
      if (index === 0) {
        throw new Error(`fit: trainLoader yielded no batches in epoch ${epoch + 1}${epoch > 0 ? ' (a generator runs once: pass an array, a DataLoader, or a function that returns a new generator)' : ''}`);
      }
      optimizer.zeroGrad();
      const logs: Logs = { loss: total / examples };
      if (options.trainMetrics) for (const m of metrics) logs[m.name] = m.compute();
      if (valLoader !== undefined) {
        model.eval(); // dropout off, batch norm on its running statistics
        const val = await score(op, model, valLoader, loss, metrics, valOwned);
        for (const [key, v] of Object.entries(val)) logs[`val_${key}`] = v;
      }
      logs.lr = lr;
      logs.time = (performance.now() - started) / 1000;
      if (scheduler instanceof ReduceLROnPlateau) {
        const key = options.schedulerMonitor ?? (valLoader !== undefined ? 'val_loss' : 'loss');
        if (!(key in logs)) throw new Error(`fit: schedulerMonitor '${key}' is not in the logs (${Object.keys(logs).join(', ')})`);
        scheduler.step(logs[key]);
      } else if (stepEach === 'epoch') {
        scheduler?.step();
      }
      ctx.history.push(logs);
      await call('onEpochEnd', epoch, logs, ctx);
    }
    await call('onTrainEnd', ctx);
  } finally {
    model.train(wasTraining);
  }
  return { epochs: ctx.history, stoppedEarly: ctx.stopTraining && ctx.history.length < epochs };
}

export interface EvaluateOptions {
  /** Gives `loss` in the result (without it, only the metrics). */
  loss?: LossFunction;
  metrics?: Metric[];
  /** Dispose each batch after use (default: yes, unless the loader is an array). */
  disposeBatches?: boolean;
}

/** The mean loss and the metrics over a loader, in eval mode without gradients. */
export async function evaluate(model: TensorModule, loader: BatchSource, options: EvaluateOptions = {}): Promise<Logs> {
  const op = 'evaluate';
  checkModel(op, model);
  const metrics = checkMetrics(op, options.metrics);
  const wasTraining = model.training;
  model.eval();
  try {
    return await score(op, model, loader, options.loss === undefined ? null : lossOf(options.loss), metrics, options.disposeBatches ?? !Array.isArray(loader));
  } finally {
    model.train(wasTraining);
  }
}

export interface PredictOptions {
  /** Rows per forward pass when the input is one tensor (default 256). */
  batchSize?: number;
  /** Dispose each batch a loader yields after use (default: yes, unless the loader is an array). */
  disposeBatches?: boolean;
}

/**
 * The model's outputs for every example, concatenated along the first axis, in eval mode
 * without gradients. The input is one tensor (run in slices of `batchSize` rows) or a
 * loader of input tensors, `{ x }` objects or `[x, y]` pairs. The result is the caller's.
 */
export async function predict(
  model: TensorModule,
  input: Tensor | BatchSource<Tensor | { x: Tensor } | readonly Tensor[]>,
  options: PredictOptions = {},
): Promise<Tensor> {
  const op = 'predict';
  checkModel(op, model);
  const size = options.batchSize ?? 256;
  if (!Number.isInteger(size) || size < 1) throw new Error(`predict: batchSize must be a positive integer, got ${size}`);
  const wasTraining = model.training;
  model.eval();
  const outputs: Tensor[] = [];
  try {
    const run = (x: Tensor): void => {
      outputs.push(noGrad(() => tidy(() => model.forward(x))));
    };
    if (input instanceof Tensor) {
      if (input.isDisposed) throw new Error('predict: the input tensor has been disposed');
      const rows = batchSize(input);
      for (let start = 0; start < rows; start += size) {
        const end = Math.min(rows, start + size);
        const part: Tensor = start === 0 && end === rows ? input : slice(input, [start], [end]);
        try {
          run(part);
        } finally {
          if (part !== input) part.dispose();
        }
      }
    } else {
      const owned = options.disposeBatches ?? !Array.isArray(input);
      let index = 0;
      for await (const item of iterate(op, input, 'the loader')) {
        const x = item instanceof Tensor ? item : Array.isArray(item) ? (item as readonly Tensor[])[0] : (item as { x?: Tensor }).x;
        if (!(x instanceof Tensor) || x.isDisposed) throw new Error(`predict: batch ${index} must be a live Tensor, { x } or [x, ...]`);
        try {
          run(x);
        } finally {
          if (owned) dispose(item);
        }
        index++;
      }
    }
    if (outputs.length === 0) throw new Error('predict: no input rows');
    if (outputs.length === 1) return outputs.pop()!;
    return concat(outputs, 0);
  } finally {
    dispose(outputs);
    model.train(wasTraining);
  }
}
