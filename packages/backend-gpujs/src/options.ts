/**
 * Checks the backend's options where they are given (setGpujsOptions, registerGpujsBackend,
 * the constructor), and says why a named mode cannot run here before gpu.js does: gpu.js
 * answers a misspelled or unavailable mode alike, with `A requested mode of "x" and is not
 * supported` and a stack, and only when the backend first initialises.
 */
import * as gpujs from 'gpu.js';
import { MODES, type GpujsMode, type GpujsModeOption } from './device.js';

export interface GpujsBackendOptions {
  /** gpu.js mode, or 'auto' for the fastest that works here (see AUTO_ORDER). */
  mode?: GpujsModeOption;
  /** Most compiled kernels kept before the least recently used is destroyed (default 512). */
  maxCachedKernels?: number;
}

const KEYS: readonly string[] = ['mode', 'maxCachedKernels'];
const MODE_NAMES = ['auto', ...MODES].map((m) => `'${m}'`).join(', ');

/** Throws one line naming `where` and the option when `options` is not valid backend options. */
export function checkOptions(options: unknown, where: string): asserts options is GpujsBackendOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new Error(`${where}: options must be an object such as { mode: 'webasm' }, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!KEYS.includes(key)) throw new Error(`${where}: unknown option '${key}'; the options are ${KEYS.join(', ')}`);
  }
  const { mode, maxCachedKernels } = options as Record<string, unknown>;
  if (mode !== undefined && !(mode === 'auto' || (MODES as readonly unknown[]).includes(mode))) {
    throw new Error(`${where}: unknown mode ${describe(mode)}; the modes are ${MODE_NAMES}`);
  }
  if (maxCachedKernels !== undefined && !(Number.isInteger(maxCachedKernels) && (maxCachedKernels as number) > 0)) {
    throw new Error(`${where}: maxCachedKernels must be a positive integer, got ${describe(maxCachedKernels)}`);
  }
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : Array.isArray(value) ? 'an array' : String(value);
}

// gpu.js's typings miss these static checks.
const GPU = gpujs.GPU as unknown as Record<string, boolean | undefined>;

/** Why `mode` cannot run here (one sentence, with what to install), or null when gpu.js supports it. */
export function unavailableReason(mode: GpujsMode): string | null {
  const env = (globalThis as { process?: { versions?: { node?: string }; env?: Record<string, string | undefined> } }).process;
  const inNode = env?.versions?.node !== undefined;
  switch (mode) {
    case 'headlessgl': {
      if (GPU.isHeadlessGLSupported) return null;
      if (!inNode) return "mode 'headlessgl' runs only in Node; in a browser use 'webgl2' or 'webgl'";
      const display = env?.env?.DISPLAY ? '' : ' There is no display ($DISPLAY is unset): run under `xvfb-run -a` (apt package xvfb).';
      return (
        "mode 'headlessgl' is not available: it needs the optional native package `gl` built for this Node " +
        '(`npm install gl`; building it needs python3, make, g++, pkg-config and the apt packages libx11-dev, libxi-dev, libxext-dev, libgl1-mesa-dev) ' +
        `and an X display with Mesa's GL (apt packages libgl1-mesa-dri, xvfb, xauth).${display}`
      );
    }
    case 'webgl2':
    case 'webgl':
      if (mode === 'webgl2' ? GPU.isWebGL2Supported : GPU.isWebGLSupported) return null;
      return inNode
        ? `mode '${mode}' needs a browser; in Node use 'headlessgl' (the gl package and a display), 'webasm' or 'cpu'`
        : `mode '${mode}' is not available in this browser (no ${mode === 'webgl2' ? 'WebGL2' : 'WebGL'} context)`;
    case 'webgpu':
      if (GPU.isWebGPUSupported) return null;
      return "mode 'webgpu' needs a browser with WebGPU (navigator.gpu); use 'webgl2', 'webasm' or 'cpu'";
    case 'webasm':
      return GPU.isWebAssemblySupported ? null : "mode 'webasm' needs WebAssembly, which this runtime lacks; use 'cpu'";
    case 'cpu':
      return null;
  }
}
