/**
 * The training worker: owns the Trainer and the backends, so the page stays responsive.
 * Messages run one at a time, in order; while playing, one epoch runs between messages and
 * a frame goes back at most every FRAME_MS.
 */
import '@nn/backend-cpu';
import { registerGpujsBackend, type GpujsBackend } from '@nn/backend-gpujs';
import { fromBytes } from '@nn/layers';
import { dispose, engine } from '@nn/tensor';
import type { BackendChoice } from './config.js';
import type { BackendInfo, FromWorker, ToWorker } from './protocol.js';
import { Trainer } from './trainer.js';

const FRAME_MS = 80;
const GRID = 50;

const post = (message: FromWorker, transfer: Transferable[] = []): void => (self as unknown as Worker).postMessage(message, transfer);

for (const mode of ['webgl2', 'webgl', 'webgpu'] as const) registerGpujsBackend(`gpujs-${mode}`, { mode });

/** The gpu.js modes this browser offers: a context (or an adapter) can be had in a worker. */
async function offeredBackends(): Promise<BackendChoice[]> {
  const offered: BackendChoice[] = ['cpu'];
  for (const mode of ['webgl2', 'webgl'] as const) {
    try {
      if (typeof OffscreenCanvas !== 'undefined' && new OffscreenCanvas(1, 1).getContext(mode)) offered.push(mode);
    } catch {
      // not offered
    }
  }
  try {
    const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
    if (gpu && (await gpu.requestAdapter())) offered.push('webgpu');
  } catch {
    // not offered
  }
  return offered;
}

let trainer: Trainer | null = null;
let playing = false;
let backend: BackendInfo = { choice: 'cpu', name: 'cpu', mode: 'cpu' };
let lastFrame = 0;
let stepMs = 0;
/** A frame is on its way to the page and not drawn yet. */
let inFlight = false;
let queue: Promise<void> = Promise.resolve();

function enqueue(task: () => Promise<void> | void): void {
  queue = queue.then(task).catch((error: unknown) => {
    playing = false;
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  });
}

/** Sends a frame; while playing, only when the page has drawn the last one (`force` after a step, reset or edit). */
async function sendFrame(force = true): Promise<void> {
  if (!trainer || (!force && inFlight)) return;
  inFlight = true;
  const frame = await trainer.frame();
  lastFrame = performance.now();
  const buffers = [frame.output, ...frame.neurons, ...frame.weights, ...frame.biases].map((a) => a.buffer as ArrayBuffer);
  post({ type: 'frame', frame, playing, backend, stepMs }, buffers);
}

function epoch(): void {
  const start = performance.now();
  trainer!.trainEpoch();
  stepMs = performance.now() - start;
}

function tick(): void {
  if (!playing) return;
  enqueue(async () => {
    if (!playing || !trainer) return;
    epoch();
    if (performance.now() - lastFrame >= FRAME_MS) await sendFrame(false);
  });
  enqueue(() => void setTimeout(tick, 0));
}

async function switchBackend(choice: BackendChoice): Promise<void> {
  const name = choice === 'cpu' ? 'cpu' : `gpujs-${choice}`;
  await trainer!.useBackend(name);
  const instance = engine().findBackend(name);
  backend = { choice, name, mode: choice === 'cpu' ? 'cpu' : (instance as GpujsBackend).mode };
}

function handle(message: ToWorker): void {
  // Until the page's first reset there is nothing to train or ask about.
  if (!trainer && message.type !== 'reset' && message.type !== 'drawn') {
    if (message.type !== 'update' && message.type !== 'pause') post({ type: 'error', message: `${message.type}: the network is not ready yet` });
    return;
  }
  switch (message.type) {
    case 'drawn':
      inFlight = false;
      break;
    case 'reset':
      enqueue(async () => {
        if (trainer) trainer.reset(message.config, message.custom);
        else trainer = new Trainer(message.config, message.custom, GRID);
        if (backend.choice !== message.config.backend) await switchBackend(message.config.backend);
        post({ type: 'data', train: trainer.train, test: trainer.test });
        await sendFrame();
      });
      break;
    case 'update':
      enqueue(async () => {
        trainer!.update(message.config);
        if (backend.choice !== message.config.backend) await switchBackend(message.config.backend);
        await sendFrame();
      });
      break;
    case 'play':
      if (!playing) {
        playing = true;
        tick();
      }
      break;
    case 'pause':
      playing = false;
      enqueue(sendFrame);
      break;
    case 'step':
      playing = false;
      enqueue(async () => {
        epoch();
        await sendFrame();
      });
      break;
    case 'backend':
      enqueue(async () => {
        await switchBackend(message.backend);
        await sendFrame();
      });
      break;
    case 'setWeight':
      enqueue(async () => {
        await trainer!.setWeight(message.layer, message.to, message.from, message.value);
        await sendFrame();
      });
      break;
    case 'export':
      enqueue(async () => {
        const { spec, safetensors } = await trainer!.exportModel();
        post({ type: 'exported', spec, safetensors }, [safetensors.buffer as ArrayBuffer]);
      });
      break;
    case 'import':
      enqueue(async () => {
        const state = fromBytes(message.safetensors);
        trainer!.importWeights(state);
        dispose(Object.values(state));
        await sendFrame();
      });
      break;
    case 'predict':
      enqueue(async () => {
        const values = await trainer!.predict(message.xs, message.ys);
        post({ type: 'predicted', id: message.id, values: Array.from(values) });
      });
      break;
  }
}

self.onmessage = (event: MessageEvent<ToWorker>) => handle(event.data);
void offeredBackends().then((offered) => post({ type: 'ready', offered }));
