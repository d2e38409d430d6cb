// setupFile of the 'layers-on-gpujs' project: every @nn/layers test file runs with gpu.js
// (webasm, the mode every Node has) as the active backend.
import '@nn/backend-cpu';
import { setGpujsOptions } from '@nn/backend-gpujs';
import { setBackend } from '@nn/tensor';

setGpujsOptions({ mode: 'webasm' });
await setBackend('gpujs');
