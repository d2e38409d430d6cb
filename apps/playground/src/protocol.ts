/** The messages between the page (main.ts) and the training worker (worker.ts). */
import type { BackendChoice, Config } from './config.js';
import type { Point } from './datasets.js';
import type { ModelSpec } from './model.js';
import type { Frame } from './trainer.js';

export type ToWorker =
  | { type: 'reset'; config: Config; custom: Point[] | null }
  | { type: 'update'; config: Config }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'backend'; backend: BackendChoice }
  | { type: 'setWeight'; layer: number; to: number; from: number; value: number }
  | { type: 'export' }
  | { type: 'import'; safetensors: Uint8Array }
  | { type: 'predict'; id: number; xs: number[]; ys: number[] }
  /** The page has drawn the last frame: the worker sends the next only then, so frames never queue up. */
  | { type: 'drawn' };

export interface BackendInfo {
  /** What the page asked for. */
  choice: BackendChoice;
  /** The engine's backend name and the mode that really runs ('cpu' for @nn/backend-cpu; gpu.js's mode otherwise). */
  name: string;
  mode: string;
}

export type FromWorker =
  | { type: 'ready'; offered: BackendChoice[] }
  | { type: 'data'; train: Point[]; test: Point[] }
  | { type: 'frame'; frame: Frame; playing: boolean; backend: BackendInfo; stepMs: number }
  | { type: 'exported'; spec: ModelSpec; safetensors: Uint8Array }
  | { type: 'predicted'; id: number; values: number[] }
  | { type: 'error'; message: string };
