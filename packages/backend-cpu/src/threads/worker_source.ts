/**
 * The code of a pool worker, as a string: the thread runtime's own source plus a few lines
 * that receive the shared memory, the compiled kernel and the control block, instantiate the
 * kernel on that memory and enter the worker loop. Node runs it with
 * `new Worker(source, { eval: true })`, browsers from a Blob URL, so there is no worker file
 * to ship, resolve or configure in a bundler (the approach of tfjs-backend-wasm's inlined
 * worker). The runtime is self-contained by construction; worker_source.test.ts runs this
 * string on its own to keep it so.
 */
import { threadRuntime } from './runtime.js';

export function workerSource(): string {
  return `'use strict';
const runtime = (${threadRuntime.toString()})();
function start(init) {
  const instance = new WebAssembly.Instance(init.kernel, { env: { memory: init.memory } });
  runtime.workerLoop(new Int32Array(init.control), init.memory, instance.exports, init.thread);
}
if (typeof require === 'function') require('node:worker_threads').parentPort.once('message', start);
else self.onmessage = (event) => start(event.data);
`;
}
