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

/** The worker's code; tests pass a changed copy to ThreadPool. */
export function workerSource(): string {
  return `'use strict';
const runtime = (${threadRuntime.toString()})();
function start(init) {
  const instance = new WebAssembly.Instance(init.kernel, { env: { memory: init.memory } });
  const control = new Int32Array(init.control);
  // Node: a worker that ends (process.exit, an uncaught error) fails the task it held instead of leaving the caller waiting.
  if (typeof process === 'object' && process !== null && typeof process.on === 'function') process.on('exit', (code) => runtime.workerExit(control, init.thread, code));
  runtime.workerLoop(control, init.memory, instance.exports, init.thread);
}
if (typeof require === 'function') require('node:worker_threads').parentPort.once('message', start);
else self.onmessage = (event) => start(event.data);
`;
}
