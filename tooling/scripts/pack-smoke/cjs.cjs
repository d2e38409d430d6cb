// CommonJS: every package loads with require() (Node's require(esm), Node >= 20.19) and computes.
const tensor = require('@nn/tensor');
require('@nn/backend-cpu');
require('@nn/autograd');
const { Linear, MSELoss, SGD } = require('@nn/layers');
const { TensorDataset } = require('@nn/data');
const { lenet5 } = require('@nn/models-zoo');
const { MODES } = require('@nn/backend-gpujs');

const model = new Linear(3, 1);
const x = tensor.randn([5, 3]);
const y = tensor.zeros([5, 1]);
const optimizer = new SGD(model.parameters(), { lr: 0.1 });
const losses = [];
for (let step = 0; step < 3; step++) {
  optimizer.zeroGrad();
  const loss = new MSELoss().forward(model.forward(x), y);
  loss.backward();
  optimizer.step();
  losses.push(loss.item());
}
if (!(losses[2] < losses[0])) throw new Error(`cjs: the loss did not fall: ${losses}`);
if (new TensorDataset(x, y).length !== 5 || typeof lenet5 !== 'function' || !MODES.includes('webgl2')) throw new Error('cjs: exports missing');
console.log(`pack-smoke cjs: require() of all seven packages; ${tensor.getBackend()} loss ${losses[0].toFixed(4)} -> ${losses[2].toFixed(4)}`);
