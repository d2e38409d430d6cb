// Reaches @nn/autograd only through @nn/layers, which imports it for its side effect.
import { Linear } from '@nn/layers';
import '@nn/backend-cpu';
import { tensor } from '@nn/tensor';

const layer = new Linear(2, 1);
layer.forward(tensor([[1, 2]])).sum().backward();
console.log(JSON.stringify(layer.bias?.grad?.toArray()));
