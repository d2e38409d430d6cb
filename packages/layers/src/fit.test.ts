import '@nn/backend-cpu';
import { assign, getGenerator, indexSelect, manualSeed, memory, randn, tensor, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { EarlyStopping, ProgressLogger } from './callbacks.js';
import { evaluate, fit, predict, type Batch, type Callback } from './fit.js';
import { ReLU, Tanh } from './layers/activation.js';
import { Sequential } from './layers/containers.js';
import { Dropout } from './layers/dropout.js';
import { Linear } from './layers/linear.js';
import { mseLoss } from './losses/functional.js';
import { MSELoss } from './losses/modules.js';
import { MeanAbsoluteError, RootMeanSquaredError } from './metrics/regression.js';
import { Adam } from './optim/adam.js';
import { OneCycleLR, ReduceLROnPlateau, StepLR } from './optim/lr_scheduler.js';
import { SGD } from './optim/sgd.js';

/** y = 2·x0 − 3·x1 + 1 + a little noise, as kept tensors. */
function linearData(n: number, seed: number): { x: Tensor; y: Tensor } {
  manualSeed(seed);
  const x = randn([n, 2]);
  const y = x.matmul(tensor([[2], [-3]])).add(1).add(randn([n, 1]).mul(0.01));
  return { x, y };
}

/**
 * A minimal loader: new batch tensors on every pass, reshuffled by the default generator
 * (so manualSeed decides the order), as a DataLoader with shuffle does.
 */
function loader(data: { x: Tensor; y: Tensor }, batchSize: number, shuffle = true): () => Iterable<Batch> {
  const n = data.x.shape[0];
  return function* () {
    const order = Array.from({ length: n }, (_, i) => i);
    if (shuffle) {
      for (let i = n - 1; i > 0; i--) {
        const j = getGenerator().nextInt(0, i + 1);
        [order[i], order[j]] = [order[j], order[i]];
      }
    }
    for (let start = 0; start < n; start += batchSize) {
      const index = tensor(order.slice(start, start + batchSize), undefined, 'int32');
      const batch = { x: indexSelect(data.x, 0, index), y: indexSelect(data.y, 0, index) };
      index.dispose();
      yield batch;
    }
  };
}

function mlp(): Sequential {
  return new Sequential(new Linear(2, 16), new ReLU(), new Dropout(0.1), new Linear(16, 1));
}

describe('fit', () => {
  it('learns a linear function, and the loss falls', async () => {
    const data = linearData(128, 1);
    const model = new Linear(2, 1);
    const history = await fit(model, loader(data, 16), { loss: mseLoss, optimizer: new SGD(model.parameters(), { lr: 0.1 }), epochs: 20 });
    expect(history.epochs).toHaveLength(20);
    expect(history.epochs[19].loss).toBeLessThan(history.epochs[0].loss / 100);
    const [w0, w1] = Array.from(model.weight.dataSync());
    expect(w0).toBeCloseTo(2, 1);
    expect(w1).toBeCloseTo(-3, 1);
    expect(model.bias!.item()).toBeCloseTo(1, 1);
  });

  it('repeats bit for bit after the same manualSeed (shuffling, dropout, initialisation)', async () => {
    const run = async (): Promise<{ losses: number[]; weights: number[][] }> => {
      const data = linearData(96, 2);
      manualSeed(42);
      const model = mlp();
      const history = await fit(model, loader(data, 8), {
        loss: new MSELoss(),
        optimizer: new Adam(model.parameters(), { lr: 0.01 }),
        epochs: 4,
        valLoader: loader(data, 32, false),
        metrics: [new RootMeanSquaredError()],
      });
      return { losses: history.epochs.flatMap((e) => [e.loss, e.val_loss, e.val_rmse]), weights: model.parameters().map((p) => Array.from(p.dataSync())) };
    };
    const first = await run();
    const second = await run();
    expect(second.losses).toEqual(first.losses);
    expect(second.weights).toEqual(first.weights);
    expect(new Set(first.losses).size).toBeGreaterThan(4); // it did train
  });

  it('keeps memory flat across epochs, for owned batches and for an array of batches', async () => {
    const data = linearData(64, 3);
    const model = mlp();
    const counts: number[] = [];
    const record: Callback = { onEpochEnd: () => void counts.push(memory().numTensors) };
    const optimizer = new Adam(model.parameters(), { lr: 0.01 });
    await fit(model, loader(data, 8), { loss: mseLoss, optimizer, epochs: 5, valLoader: loader(data, 16), metrics: [new MeanAbsoluteError()], callbacks: [record] });
    expect(new Set(counts.slice(1)).size).toBe(1);

    const batches: Batch[] = [...loader(data, 16)()];
    counts.length = 0;
    await fit(model, batches, { loss: mseLoss, optimizer, epochs: 4, valLoader: batches, callbacks: [record], trainMetrics: true, metrics: [new MeanAbsoluteError()] });
    expect(new Set(counts).size).toBe(1);
    expect(batches.every((b) => !('x' in b) || !b.x.isDisposed)).toBe(true); // arrays are not disposed
  });

  it('logs loss, metrics on train and validation, lr and time; evaluate agrees', async () => {
    const data = linearData(40, 4);
    const model = new Linear(2, 1);
    const batches: Batch[] = [...loader(data, 10, false)()];
    const history = await fit(model, batches, {
      loss: mseLoss,
      optimizer: new SGD(model.parameters(), { lr: 0.05 }),
      epochs: 2,
      valLoader: batches,
      metrics: [new RootMeanSquaredError()],
      trainMetrics: true,
    });
    const last = history.epochs[1];
    expect(Object.keys(last).sort()).toEqual(['loss', 'lr', 'rmse', 'time', 'val_loss', 'val_rmse']);
    expect(last.lr).toBe(0.05);
    expect(last.val_rmse).toBeCloseTo(Math.sqrt(last.val_loss), 6);
    const evaluated = await evaluate(model, batches, { loss: mseLoss, metrics: [new RootMeanSquaredError()] });
    expect(evaluated.loss).toBeCloseTo(last.val_loss, 6);
    expect(evaluated.rmse).toBeCloseTo(last.val_rmse, 6);
  });

  it('validates in eval mode (no dropout), as evaluate does', async () => {
    const data = linearData(32, 12);
    manualSeed(12);
    const model = new Sequential(new Linear(2, 32), new Dropout(0.5), new Linear(32, 1));
    const batches: Batch[] = [...loader(data, 8, false)()];
    const modes: boolean[] = [];
    const history = await fit(model, batches, {
      loss: mseLoss,
      optimizer: new SGD(model.parameters(), { lr: 0.01 }),
      epochs: 1,
      valLoader: batches,
      callbacks: [{ onBatchBegin: () => void modes.push(model.training), onEpochEnd: () => void modes.push(model.training) }],
    });
    expect(modes).toEqual([true, true, true, true, false]);
    expect(history.epochs[0].val_loss).toBe((await evaluate(model, batches, { loss: mseLoss })).loss);
  });

  it('weights the epoch loss by batch size (a short last batch counts less)', async () => {
    const model = new Linear(1, 1);
    assign(model.weight, tensor([[0]]));
    assign(model.bias!, tensor([0]));
    const batches: Batch[] = [
      [tensor([[1], [1], [1]]), tensor([[1], [1], [1]])], // loss 1 over 3 examples
      [tensor([[1]]), tensor([[3]])], // loss 9 over 1
    ];
    const logs = await evaluate(model, batches, { loss: mseLoss });
    expect(logs.loss).toBe((3 * 1 + 9) / 4);
  });

  it('reads async iterables, and [x, y] pairs', async () => {
    const data = linearData(32, 5);
    const model = new Linear(2, 1);
    async function* stream(): AsyncGenerator<[Tensor, Tensor]> {
      for (const b of loader(data, 8, false)()) {
        await Promise.resolve();
        const { x, y } = b as { x: Tensor; y: Tensor };
        yield [x, y];
      }
    }
    const before = memory().numTensors;
    const history = await fit(model, stream, { loss: mseLoss, optimizer: new SGD(model.parameters(), { lr: 0.1 }), epochs: 3 });
    expect(history.epochs).toHaveLength(3);
    expect(memory().numTensors).toBe(before);
  });

  it('calls the callbacks in order and restores the training mode', async () => {
    const data = linearData(16, 6);
    const model = new Sequential(new Linear(2, 2), new Tanh(), new Linear(2, 1));
    model.eval();
    const calls: string[] = [];
    const spy: Callback = {
      onTrainBegin: () => void calls.push('trainBegin'),
      onEpochBegin: (e) => void calls.push(`epochBegin ${e}`),
      onBatchBegin: (b) => void calls.push(`batchBegin ${b}`),
      onBatchEnd: (b, logs) => void calls.push(`batchEnd ${b} size ${logs.size} training ${model.training}`),
      onEpochEnd: async (e) => {
        await Promise.resolve();
        calls.push(`epochEnd ${e}`);
      },
      onTrainEnd: () => void calls.push('trainEnd'),
    };
    await fit(model, loader(data, 10, false), { loss: mseLoss, optimizer: new SGD(model.parameters(), { lr: 0.1 }), epochs: 2, callbacks: [spy] });
    expect(calls).toEqual([
      'trainBegin',
      'epochBegin 0', 'batchBegin 0', 'batchEnd 0 size 10 training true', 'batchBegin 1', 'batchEnd 1 size 6 training true', 'epochEnd 0',
      'epochBegin 1', 'batchBegin 0', 'batchEnd 0 size 10 training true', 'batchBegin 1', 'batchEnd 1 size 6 training true', 'epochEnd 1',
      'trainEnd',
    ]);
    expect(model.training).toBe(false);
  });

  it('steps schedulers per epoch, OneCycleLR per batch, and ReduceLROnPlateau on the monitored value', async () => {
    const data = linearData(32, 7);
    const model = new Linear(2, 1);
    let optimizer = new SGD(model.parameters(), { lr: 1e-2 });
    const history = await fit(model, loader(data, 8), { loss: mseLoss, optimizer, epochs: 3, scheduler: new StepLR(optimizer, 1, 0.5) });
    expect(history.epochs.map((e) => e.lr)).toEqual([1e-2, 5e-3, 2.5e-3]);

    optimizer = new SGD(model.parameters(), { lr: 1e-2, momentum: 0.9 });
    const oneCycle = new OneCycleLR(optimizer, 0.1, { totalSteps: 8 });
    await fit(model, loader(data, 8), { loss: mseLoss, optimizer, epochs: 2, scheduler: oneCycle });
    expect(oneCycle.lastEpoch).toBe(8);

    // Training with lr 0 on an unshuffled validation set: only the first epoch improves, and
    // with patience 0 each later epoch halves the lr of the optimizer the scheduler watches.
    const watched = new SGD(model.parameters(), { lr: 1 });
    const plateau = new ReduceLROnPlateau(watched, { patience: 0, factor: 0.5 });
    optimizer = new SGD(model.parameters(), { lr: 0 });
    await fit(model, loader(data, 8), { loss: mseLoss, optimizer, epochs: 3, scheduler: plateau, valLoader: loader(data, 32, false) });
    expect(watched.paramGroups[0].lr).toBe(0.25);
  });
});

describe('EarlyStopping', () => {
  it('stops after `patience` epochs without improvement and can restore the best weights', async () => {
    const data = linearData(32, 8);
    const model = new Linear(2, 1);
    const stopper = new EarlyStopping({ monitor: 'val_loss', patience: 2 });
    // lr 0: the validation loss never changes, so only the first epoch improves.
    const history = await fit(model, loader(data, 8), { loss: mseLoss, optimizer: new SGD(model.parameters(), { lr: 0 }), epochs: 10, valLoader: loader(data, 16, false), callbacks: [stopper] });
    expect(history.epochs).toHaveLength(3);
    expect(history.stoppedEarly).toBe(true);
    expect(stopper.stoppedEpoch).toBe(2);
    expect(stopper.bestEpoch).toBe(0);
  });

  it('restores the weights of the best epoch at the end', () => {
    const model = new Linear(1, 1);
    const stopper = new EarlyStopping({ monitor: 'val_mae', patience: 1, restoreBestWeights: true, minDelta: 0.1 });
    const ctx = { model, optimizer: new SGD(model.parameters(), { lr: 0 }), epochs: 5, stepsPerEpoch: 1, epoch: 0, stopTraining: false, history: [] as Record<string, number>[] };
    stopper.onTrainBegin();
    const setWeight = (w: number): void => assign(model.weight, tensor([[w]]));
    setWeight(1);
    stopper.onEpochEnd(0, { val_mae: 1 }, ctx);
    setWeight(2);
    stopper.onEpochEnd(1, { val_mae: 0.5 }, ctx); // best
    setWeight(3);
    stopper.onEpochEnd(2, { val_mae: 0.45 }, ctx); // better, but by less than minDelta
    expect(ctx.stopTraining).toBe(true);
    ctx.history.push({}, {}, {});
    stopper.onTrainEnd(ctx);
    expect(model.weight.item()).toBe(2);
    expect(stopper.best).toBe(0.5);
  });

  it('watches accuracy-like values upwards, and names missing keys', () => {
    const stopper = new EarlyStopping({ monitor: 'val_accuracy' });
    const model = new Linear(1, 1);
    const ctx = { model, optimizer: new SGD(model.parameters(), { lr: 0 }), epochs: 5, stepsPerEpoch: 1, epoch: 0, stopTraining: false, history: [] };
    stopper.onEpochEnd(0, { val_accuracy: 0.5 }, ctx);
    stopper.onEpochEnd(1, { val_accuracy: 0.7 }, ctx);
    expect(ctx.stopTraining).toBe(false);
    expect(() => stopper.onEpochEnd(2, { loss: 1 }, ctx)).toThrow("EarlyStopping: monitor 'val_accuracy' is not in the logs (they have loss; 'val_' values need a valLoader)");
    expect(() => new EarlyStopping({ patience: -1 })).toThrow('EarlyStopping: patience must be a non-negative integer, got -1');
    expect(() => new EarlyStopping({ mode: 'up' as never })).toThrow("EarlyStopping: mode must be 'min', 'max' or 'auto', got 'up'");
  });
});

describe('predict', () => {
  it('runs a tensor in slices and a loader in batches, in eval mode, giving the forward pass of the whole', async () => {
    manualSeed(9);
    const model = mlp();
    const x = randn([10, 2]);
    model.eval();
    const expected = Array.from(model.forward(x).dataSync());
    model.train();
    const whole = await predict(model, x, { batchSize: 3 });
    expect(whole.shape).toEqual([10, 1]);
    expect(Array.from(whole.dataSync())).toEqual(expected);
    expect(model.training).toBe(true);
    const fromLoader = await predict(model, [x.slice([0], [4]), x.slice([4], [10])]);
    expect(Array.from(fromLoader.dataSync())).toEqual(expected);
  });
});

describe('fit errors', () => {
  const model = new Linear(2, 1);
  const optimizer = new SGD(model.parameters(), { lr: 0.1 });
  const data = linearData(8, 10);
  const good: Batch[] = [{ x: data.x, y: data.y }];

  it('names bad models, epochs, loaders and batches', async () => {
    await expect(fit({} as never, good, { loss: mseLoss, optimizer, epochs: 1 })).rejects.toThrow('fit: model must be a Module');
    await expect(fit(model, good, { loss: mseLoss, optimizer, epochs: 1.5 })).rejects.toThrow('fit: epochs must be a non-negative integer, got 1.5');
    await expect(fit(model, 42 as never, { loss: mseLoss, optimizer, epochs: 1 })).rejects.toThrow('fit: trainLoader must be iterable');
    await expect(fit(model, [[data.x]] as never, { loss: mseLoss, optimizer, epochs: 1 })).rejects.toThrow('fit: batch 0 must be { x, y } or [x, y] of Tensors');
    await expect(fit(model, [], { loss: mseLoss, optimizer, epochs: 1 })).rejects.toThrow('fit: trainLoader yielded no batches in epoch 1');
  });

  it('says that a generator runs only once', async () => {
    await expect(fit(model, loader(data, 4)(), { loss: mseLoss, optimizer, epochs: 2 })).rejects.toThrow(/fit: trainLoader yielded no batches in epoch 2 \(a generator runs once/);
  });

  it('refuses a loss that is not one number, or not finite', async () => {
    await expect(fit(model, good, { loss: (o, t) => o.sub(t), optimizer, epochs: 1 })).rejects.toThrow('fit: the loss must be a one-element tensor, got shape [8,1]');
    await expect(fit(model, good, { loss: (o) => o.sum().mul(NaN), optimizer, epochs: 1 })).rejects.toThrow('fit: the loss is NaN at epoch 1, batch 1');
  });

  it('refuses two metrics with one name and a missing scheduler monitor', async () => {
    await expect(fit(model, good, { loss: mseLoss, optimizer, epochs: 1, metrics: [new RootMeanSquaredError(), new RootMeanSquaredError()] })).rejects.toThrow(
      "fit: two metrics log as 'rmse' (give one a { name })",
    );
    await expect(fit(model, good, { loss: mseLoss, optimizer, epochs: 1, scheduler: new ReduceLROnPlateau(optimizer), schedulerMonitor: 'val_rmse' })).rejects.toThrow(
      "fit: schedulerMonitor 'val_rmse' is not in the logs (loss, lr, time)",
    );
  });

  it('ProgressLogger prints a line per epoch', async () => {
    const lines: string[] = [];
    await fit(model, good, { loss: mseLoss, optimizer: new SGD(model.parameters(), { lr: 0 }), epochs: 3, callbacks: [new ProgressLogger({ log: (l) => lines.push(l), every: 2 })] });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^epoch 2\/3 {2}loss \d\.\d{3}\S* {2}lr 0\.000 {2}\d+\.\ds$/);
  });
});
