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
    case 'headlessgl':
      if (GPU.isHeadlessGLSupported) return null;
      if (!inNode) return "mode 'headlessgl' runs only in Node; in a browser use 'webgl2' or 'webgl'";
      return headlessglReason(glPackageState(), Boolean(env?.env?.DISPLAY));
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

const GL_BUILD_NEEDS = 'python3, make, g++, pkg-config and the apt packages libx11-dev, libxi-dev, libxext-dev, libgl1-mesa-dev';
const GL_RUN_NEEDS = "an X display with Mesa's GL (apt packages libgl1-mesa-dri, xvfb, xauth)";

/** Why headlessgl cannot run, given the state of the `gl` package and whether $DISPLAY is set. */
export function headlessglReason(gl: GlPackageState, hasDisplay: boolean): string {
  const display = hasDisplay ? '' : ' There is no display ($DISPLAY is unset): run under `xvfb-run -a` (apt package xvfb).';
  const start = "mode 'headlessgl' is not available: ";
  if (gl === 'unbuilt') {
    return (
      start +
      'the optional package `gl` is installed but its native addon was never built (its install script was skipped: ' +
      'pnpm runs it only when allowed, `allowBuilds: { gl: true }` in pnpm-workspace.yaml or `pnpm approve-builds`; npm skips it under --ignore-scripts). ' +
      `Build it with \`npm rebuild gl\` (needs ${GL_BUILD_NEEDS}, and minutes); it runs with ${GL_RUN_NEEDS}.${display}`
    );
  }
  if (gl === 'built') return `${start}the \`gl\` package is built but opened no GL context: it needs ${GL_RUN_NEEDS}.${display}`;
  return (
    start +
    `it needs the optional native package \`gl\` built for this Node (\`npm install gl\`; building it needs ${GL_BUILD_NEEDS}) ` +
    `and ${GL_RUN_NEEDS}.${display}`
  );
}

export type GlPackageState = 'missing' | 'unbuilt' | 'built' | 'unknown';

interface NodeModuleApi {
  createRequire(from: string): { resolve(id: string): string };
}
interface NodeFsApi {
  existsSync(path: string): boolean;
}

/**
 * In Node, whether gpu.js finds the optional `gl` package and whether its native addon was
 * built ('unknown' elsewhere). Reached through process.getBuiltinModule so that the browser
 * build of this file imports nothing of Node's.
 */
export function glPackageState(): GlPackageState {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = proc?.getBuiltinModule?.('node:module') as NodeModuleApi | undefined;
  const fs = proc?.getBuiltinModule?.('node:fs') as NodeFsApi | undefined;
  if (!mod || !fs) return 'unknown';
  let glPackage: string;
  try {
    const gpujsMain = mod.createRequire((import.meta as { url: string }).url).resolve('gpu.js');
    glPackage = mod.createRequire(gpujsMain).resolve('gl/package.json');
  } catch {
    return 'missing';
  }
  const addon = glPackage.slice(0, -'package.json'.length) + 'build/Release/webgl.node';
  return fs.existsSync(addon) ? 'built' : 'unbuilt';
}
