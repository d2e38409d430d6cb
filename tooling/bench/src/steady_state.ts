/**
 * Steady-state CPU time of the small-tensor work that per-op overhead dominates, for
 * profiling (`node --cpu-prof`) and before/after comparisons of engine and backend changes:
 *   train   one Playground training step (6-8-8-1 tanh, batch 10, BCE, SGD);
 *   grid    the Playground heat maps' forward pass over 100×100 points, read back;
 *   step    both (the bench's "step" case);
 *   adam    one Adam step of a 13-64-64-1 ReLU MLP on a batch of 32.
 * Each is warmed up, then timed five times by process.cpuUsage (all threads, GC included);
 * the times per iteration are printed sorted, so the smallest is the least disturbed by a
 * shared machine. `pnpm --filter @nn/bench exec tsx src/steady_state.ts [train|grid|step|adam]`.
 */
import { noGrad } from '@nn/autograd';
import { Adam, BCEWithLogitsLoss, Linear, MSELoss, ReLU, SGD, Sequential, Tanh, type Module } from '@nn/layers';
import { dispose, tensor, tidy, type Tensor } from '@nn/tensor';
import '@nn/backend-cpu';
import { values } from './values.js';

const FEATURES = 6;
const BATCH = 10;
const GRID = 100 * 100;
const pointsX = values(250 * FEATURES, 11).map((v) => v * 6);
const pointsY = values(250, 12).map((v) => (v > 0 ? 1 : 0));
const gridX = values(GRID * FEATURES, 13).map((v) => v * 6);

const layers: Module<[Tensor], Tensor>[] = [new Linear(FEATURES, 8), new Tanh(), new Linear(8, 8), new Tanh(), new Linear(8, 1)];
const model = new Sequential(...layers);
const sgd = new SGD(model.parameters(), { lr: 0.03 });
const bce = new BCEWithLogitsLoss();

function train(s: number): void {
  const b = s % 25;
  tidy(() => {
    sgd.zeroGrad();
    const x = tensor(pointsX.slice(b * BATCH * FEATURES, (b + 1) * BATCH * FEATURES), [BATCH, FEATURES]);
    bce.forward(model.forward(x), tensor(pointsY.slice(b * BATCH, (b + 1) * BATCH), [BATCH, 1])).backward();
    sgd.step();
  });
}

function grid(): void {
  const maps = noGrad(() =>
    tidy(() => {
      let h = tensor(gridX, [GRID, FEATURES]);
      const out: Tensor[] = [];
      for (const [i, layer] of layers.entries()) {
        h = layer.forward(h);
        if (i === 1 || i === 3 || i === 4) out.push(h);
      }
      return out;
    }),
  );
  for (const t of maps) t.dataSync();
  dispose(maps);
}

const mlp = new Sequential(new Linear(13, 64), new ReLU(), new Linear(64, 64), new ReLU(), new Linear(64, 1));
const adam = new Adam(mlp.parameters(), { lr: 1e-3 });
const mse = new MSELoss();
const mlpX = values(32 * 13, 14);
const mlpY = values(32, 15);

function adamStep(): void {
  tidy(() => {
    adam.zeroGrad();
    mse.forward(mlp.forward(tensor(mlpX, [32, 13])), tensor(mlpY, [32, 1])).backward();
    adam.step();
  });
}

/** CPU milliseconds per iteration of `fn`, five samples of `n` iterations each, sorted. */
function cpuPerIteration(fn: (i: number) => void, n: number): number[] {
  for (let i = 0; i < Math.min(n, 50); i++) fn(i);
  const samples: number[] = [];
  for (let k = 0; k < 5; k++) {
    const start = process.cpuUsage();
    for (let i = 0; i < n; i++) fn(i);
    const used = process.cpuUsage(start);
    samples.push((used.user + used.system) / 1000 / n);
  }
  return samples.sort((a, b) => a - b);
}

const work: Record<string, [(i: number) => void, number]> = {
  train: [train, 400],
  grid: [grid, 30],
  step: [
    (i) => {
      train(i);
      grid();
    },
    40,
  ],
  adam: [adamStep, 300],
};
const chosen = process.argv[2];
for (const [name, [fn, n]] of Object.entries(work)) {
  if (chosen !== undefined && chosen !== name) continue;
  console.log(`${name.padEnd(6)} CPU ms per iteration: ${cpuPerIteration(fn, n).map((v) => v.toFixed(3)).join(' ')}`);
}
