// A strict TypeScript consumer: the packages' declarations typecheck under strict NodeNext.
import '@nn/backend-cpu';
import { GpujsBackend, type GpujsMode } from '@nn/backend-gpujs';
import { TensorDataset, type Dataset } from '@nn/data';
import { Linear, summary, type ModelSummary } from '@nn/layers';
import { load } from '@nn/layers/node';
import { lenet5 } from '@nn/models-zoo';
import { onMeta, tensor, type Tensor } from '@nn/tensor';
import { noGrad } from '@nn/autograd';

const t: Tensor = tensor([[1, 2]]);
const layer = new Linear(2, 1);
const out: Tensor = noGrad(() => layer.forward(t));
const table: ModelSummary = summary(lenet5(), [1, 1, 32, 32], { print: false, compute: false });
const data: Dataset<Tensor[]> = new TensorDataset(t);
const mode: GpujsMode = 'webasm';
const meta: number[] = onMeta(() => tensor([1, 2, 3]).shape.slice());
export { out, table, data, mode, meta, load, GpujsBackend };
