/**
 * Loading a WebAssembly module embedded as base64 (see scripts/build-wasm.mjs), synchronously,
 * the same way in Node and browsers. The build targets plain ES2022 with no DOM or Node types,
 * so the few WebAssembly types used are declared here.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

/** The module's exports, or null where it cannot run (no WebAssembly or no SIMD, or a CSP forbids compiling). */
export function instantiateEmbedded(base64: string): Record<string, unknown> | null {
  const scope = globalThis as unknown as { WebAssembly?: WasmApi; atob?: (text: string) => string };
  const wasm = scope.WebAssembly;
  if (wasm === undefined || scope.atob === undefined) return null;
  try {
    const binary = scope.atob(base64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    // Fails on engines without SIMD (Safari before 16.4, old Node): the callers fall back to JS.
    if (!wasm.validate(bytes)) return null;
    // Synchronous compilation is fine: browsers allow it on the main thread below 4 KB.
    return new wasm.Instance(new wasm.Module(bytes), {}).exports;
  } catch {
    // e.g. a Content-Security-Policy without 'wasm-unsafe-eval'.
    return null;
  }
}
