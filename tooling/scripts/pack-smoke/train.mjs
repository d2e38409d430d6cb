// A few training steps through all seven packages, as an app would write them: the data
// from @nn/data, the model from @nn/models-zoo, the loss and optimizer from @nn/layers,
// gradients from @nn/autograd, on the backend named. Shared by the Node ESM check and the page.
import '@nn/autograd';
import '@nn/backend-cpu';
import { setGpujsOptions } from '@nn/backend-gpujs';
import { DataLoader, TensorDataset } from '@nn/data';
import { MSELoss, SGD } from '@nn/layers';
import { mlp } from '@nn/models-zoo';
import { engine, getBackend, manualSeed, memory, randn, setBackend, tidy } from '@nn/tensor';

export async function train(backend, gpujsMode) {
  if (gpujsMode) setGpujsOptions({ mode: gpujsMode });
  await setBackend(backend);
  manualSeed(0);
  const x = randn([32, 4]);
  const y = x.sum(1, { keepDim: true });
  const model = mlp({ sizes: [4, 16, 1] });
  const optimizer = new SGD(model.parameters(), { lr: 0.05 });
  const lossFn = new MSELoss();
  const losses = [];
  for (let epoch = 0; epoch < 4; epoch++) {
    for (const [xb, yb] of new DataLoader(new TensorDataset(x, y), { batchSize: 8 })) {
      const loss = tidy(() => {
        optimizer.zeroGrad();
        const l = lossFn.forward(model.forward(xb), yb);
        l.backward();
        optimizer.step();
        return l;
      });
      losses.push((await loss.data())[0]);
      loss.dispose();
      xb.dispose();
      yb.dispose();
    }
  }
  if (!(losses.at(-1) < losses[0])) throw new Error(`${backend}: the loss did not fall: ${losses[0]} -> ${losses.at(-1)}`);
  const where = backend === 'gpujs' ? String(engine().findBackend('gpujs')) : getBackend();
  return { backend: where, steps: losses.length, first: losses[0], last: losses.at(-1), tensors: memory().numTensors };
}
