// Options are checked where they are given, and a mode that cannot run here says why and what to install.
import * as gpujs from 'gpu.js';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GpujsBackend, registerGpujsBackend, setGpujsOptions, unavailableReason } from './index.js';
import { glPackageState, headlessglReason } from './options.js';

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('gpujs options', () => {
  it('refuses an unknown mode where it is set, naming the modes', () => {
    const modes = "the modes are 'auto', 'webgl2', 'webgl', 'headlessgl', 'webgpu', 'webasm', 'cpu'";
    expect(() => setGpujsOptions({ mode: 'bogus' as never })).toThrow(`setGpujsOptions: unknown mode 'bogus'; ${modes}`);
    expect(() => setGpujsOptions({ mode: 'WebGL2' as never })).toThrow(/unknown mode 'WebGL2'/);
    expect(() => registerGpujsBackend('gpujs-x', { mode: 'gpu' as never })).toThrow(`registerGpujsBackend: unknown mode 'gpu'; ${modes}`);
    expect(() => new GpujsBackend({ mode: 'bogus' as never })).toThrow(/^GpujsBackend: unknown mode 'bogus'/);
  });

  it('refuses unknown keys, a bad kernel cache size and options that are not an object', () => {
    expect(() => setGpujsOptions({ mdoe: 'cpu' } as never)).toThrow("setGpujsOptions: unknown option 'mdoe'; the options are mode, maxCachedKernels");
    expect(() => setGpujsOptions({ maxCachedKernels: 0 })).toThrow('setGpujsOptions: maxCachedKernels must be a positive integer, got 0');
    expect(() => setGpujsOptions('webasm' as never)).toThrow(/setGpujsOptions: options must be an object such as \{ mode: 'webasm' \}, got 'webasm'/);
  });

  it("says that the browser modes need a browser, in one line instead of gpu.js's stack", () => {
    expect(() => new GpujsBackend({ mode: 'webgl2' })).toThrow("gpujs: mode 'webgl2' needs a browser; in Node use 'headlessgl' (the gl package and a display), 'webasm' or 'cpu'");
    expect(() => new GpujsBackend({ mode: 'webgpu' })).toThrow(/mode 'webgpu' needs a browser with WebGPU/);
  });

  it("says what headlessgl needs when gl or a display is missing: the gl package, Mesa and xvfb-run", () => {
    vi.spyOn(gpujs.GPU, 'isHeadlessGLSupported', 'get').mockReturnValue(false);
    vi.stubEnv('DISPLAY', '');
    expect(() => new GpujsBackend({ mode: 'headlessgl' })).toThrow(/^gpujs: mode 'headlessgl' is not available: .*libgl1-mesa-dri.*run under `xvfb-run -a`/);
    expect(headlessglReason('missing', false)).toMatch(/it needs the optional native package `gl` built for this Node \(`npm install gl`.*libgl1-mesa-dri.*xvfb-run -a/);
  });

  it('tells a gl package whose install script was skipped from a missing one, and says how to build it', () => {
    expect(headlessglReason('unbuilt', true)).toMatch(/`gl` is installed but its native addon was never built .*allowBuilds: \{ gl: true \}.*--ignore-scripts.*`npm rebuild gl`/);
    expect(headlessglReason('built', false)).toMatch(/`gl` package is built but opened no GL context: .*xvfb-run -a/);
    const addon = join(dirname(createRequire(createRequire(import.meta.url).resolve('gpu.js')).resolve('gl/package.json')), 'build/Release/webgl.node');
    expect(glPackageState()).toBe(existsSync(addon) ? 'built' : 'unbuilt');
  });

  it('accepts the modes that run here', () => {
    expect(unavailableReason('webasm')).toBeNull();
    expect(unavailableReason('cpu')).toBeNull();
    const backend = new GpujsBackend({ mode: 'cpu', maxCachedKernels: 4 });
    expect(backend.mode).toBe('cpu');
    expect(String(backend)).toBe("gpujs backend: gpu.js mode 'cpu'");
    backend.destroy();
  });
});
