/** Checks every zoo model goes through: it trains, it saves and loads, eval() changes it. */
import { expect } from 'vitest';
import { noGrad } from '@nn/autograd';
import { fromBytes, SGD, toBytes, type AnyModule, type Module } from '@nn/layers';
import { dispose, manualSeed, tidy, type Tensor } from '@nn/tensor';

export type ImageModel = Module<[Tensor], Tensor>;

/**
 * One SGD step on `lossOf()` lowers it: the loss is measured again on the same batch with the
 * same dropout masks (the generator reseeded), so only the step can have changed it.
 */
export function expectStepLowersLoss(model: AnyModule, lossOf: () => Tensor, lr = 0.01): { before: number; after: number } {
  const optimizer = new SGD(model.parameters(), { lr });
  manualSeed(11);
  const loss = tidy(lossOf);
  loss.backward();
  const before = loss.item();
  loss.dispose();
  const withGrad = model.parameters().filter((p) => p.grad !== null).length;
  expect(withGrad).toBe(model.parameters().length);
  optimizer.step();
  model.zeroGrad();
  manualSeed(11);
  const after = noGrad(() => tidy(() => lossOf().item()));
  expect(Number.isFinite(before)).toBe(true);
  expect(after).toBeLessThan(before);
  return { before, after };
}

/** Values of one forward pass, as a plain array. */
export function outputOf(model: ImageModel, x: Tensor): Float32Array {
  return noGrad(() => {
    const y = tidy(() => model.forward(x));
    const values = y.dataSync() as Float32Array;
    y.dispose();
    return values;
  });
}

/** The state dict survives safetensors bytes: a fresh, zero-initialised model gives the same outputs. */
export function expectSafetensorsRoundTrip(model: ImageModel, fresh: ImageModel, x: Tensor): void {
  model.eval();
  fresh.eval();
  const bytes = toBytes(model.stateDict());
  const loaded = fromBytes(bytes);
  const result = fresh.loadStateDict(loaded);
  dispose(Object.values(loaded));
  expect(result).toEqual({ missingKeys: [], unexpectedKeys: [] });
  expect(Object.keys(fresh.stateDict())).toEqual(Object.keys(model.stateDict()));
  expect(outputOf(fresh, x)).toEqual(outputOf(model, x));
}

/**
 * eval() switches batch norm to running statistics and dropout off: eval outputs repeat,
 * differ from training outputs, and running statistics move only in training.
 */
export function expectEvalChangesBehaviour(model: ImageModel, x: Tensor, options: { dropout: boolean; batchNorm: boolean }): void {
  const stats = (): number[] => model.namedBuffers().filter(([k]) => k.endsWith('running_mean')).flatMap(([, b]) => [...b.dataSync()]);
  model.train();
  const before = stats();
  manualSeed(1);
  const train1 = outputOf(model, x);
  const afterTrain = stats();
  manualSeed(2);
  const train2 = outputOf(model, x);
  model.eval();
  const eval1 = outputOf(model, x);
  const eval2 = outputOf(model, x);
  expect(eval2).toEqual(eval1);
  expect(eval1).not.toEqual(train1);
  if (options.dropout) expect(train2).not.toEqual(train1);
  if (options.batchNorm) {
    expect(afterTrain).not.toEqual(before);
    const evalStats = stats();
    outputOf(model, x);
    expect(stats()).toEqual(evalStats);
  }
  model.train();
}
