/**
 * Importing this package registers the gpu.js backend as 'gpujs', below 'cpu' in priority,
 * so that it runs only when chosen: `await setBackend('gpujs')`. Its mode comes from
 * `setGpujsOptions({ mode })` (default 'auto', the fastest mode that works here);
 * `registerGpujsBackend(name, options)` adds more instances, e.g. one per mode.
 */
import { registerBackend } from '@nn/tensor';
import { GpujsBackend, type GpujsBackendOptions } from './backend_gpujs.js';
import { checkOptions } from './options.js';

export { GpujsBackend, type GpujsBackendOptions, type ComputeSpec } from './backend_gpujs.js';
export { AUTO_ORDER, MODES, measureMode, probeMode, type GpujsMode, type GpujsModeOption } from './device.js';
export { unavailableReason } from './options.js';
export { MAX_EXACT_INDEX, layoutFor, type Layout } from './layout.js';
export { kernels } from './kernels/index.js';

let defaults: GpujsBackendOptions = { mode: 'auto' };

/** Options for the 'gpujs' backend's next initialisation (before `setBackend('gpujs')`). */
export function setGpujsOptions(options: GpujsBackendOptions): void {
  checkOptions(options, 'setGpujsOptions');
  defaults = { ...defaults, ...options };
}

/** Registers another gpu.js backend under `name`, e.g. `registerGpujsBackend('gpujs-webgl', { mode: 'webgl' })`. */
export function registerGpujsBackend(name: string, options: GpujsBackendOptions, priority = 0): void {
  checkOptions(options, 'registerGpujsBackend');
  registerBackend(name, () => new GpujsBackend(options), priority);
}

registerBackend('gpujs', () => new GpujsBackend(defaults), 0);
