// The lecture's first example in a few lines: fit a line to noisy points by gradient
// descent on the CPU backend, printing the tensors as it goes. Run with `pnpm demo`.
import { assign, keep, manualSeed, mean, randn, square, tensor, tidy } from '@nn/tensor';
import { noGrad, requiresGrad, zeroGrad } from '@nn/autograd';
import '@nn/backend-cpu';

manualSeed(0);
const x = keep(randn([64, 1]));
const y = keep(tidy(() => x.mul(3).add(2).add(randn([64, 1]).mul(0.1)))); // y = 3x + 2 + noise
const w = keep(requiresGrad(tensor([[0]])));
const b = keep(requiresGrad(tensor([0])));
console.log('x[:4] =', x.slice([0, 0], [4, 1]).toString());
console.log('y[:4] =', y.slice([0, 0], [4, 1]).toString());

for (let step = 0; step <= 100; step++) {
  const loss = tidy(() => mean(square(x.matmul(w).add(b).sub(y))));
  loss.backward();
  noGrad(() => tidy(() => {
    assign(w, w.sub(w.grad.mul(0.1)));
    assign(b, b.sub(b.grad.mul(0.1)));
  }));
  zeroGrad([w, b]);
  if (step % 20 === 0) console.log(`step ${String(step).padStart(3)}  loss ${loss.item().toFixed(5)}`);
  loss.dispose();
}
console.log('w =', w.toString(), ' b =', b.toString(), ' (true: 3 and 2)');
