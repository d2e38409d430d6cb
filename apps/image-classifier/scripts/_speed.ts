import '@nn/backend-cpu';
import { lenet5 } from '@nn/models-zoo';
import { Adam, CrossEntropyLoss } from '@nn/layers';
import { rand, randint, tidy, manualSeed } from '@nn/tensor';
manualSeed(0);
const model = lenet5({ activation: 'relu', pooling: 'max' });
const opt = new Adam(model.parameters(), { lr: 1e-3 });
const lossFn = new CrossEntropyLoss();
const x = rand([64, 1, 32, 32]);
const y = randint(0, 10, [64]);
for (let rep = 0; rep < 3; rep++) {
  const t0 = performance.now();
  const steps = 40;
  for (let i = 0; i < steps; i++) {
    tidy(() => { opt.zeroGrad(); const l = lossFn.forward(model.forward(x), y); l.backward(); opt.step(); return l.item(); });
  }
  const s = (performance.now() - t0) / 1000;
  console.log(`${(steps * 64 / s).toFixed(0)} images/s`);
}
