// Imports @nn/autograd only for its side effect (Tensor.prototype.backward), as apps do.
import '@nn/autograd';
import '@nn/backend-cpu';
import { tensor } from '@nn/tensor';

const w = tensor([2, 3]).requiresGrad_();
w.mul(w).sum().backward();
console.log(JSON.stringify(w.grad?.toArray()));
