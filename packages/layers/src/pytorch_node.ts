/**
 * PyTorch checkpoint files in Node (import from '@nn/layers/node', so browser bundles never
 * see `node:fs`); the reading itself is ./pytorch.ts, which browsers use on bytes they fetch.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { loadPytorchWithMetadata, PytorchError, type PytorchCheckpoint, type PytorchReadOptions } from './pytorch.js';
import { readError } from './read_error_node.js';
import type { StateDict } from './safetensors.js';

/** Reading options for files: the path is always the source named in errors. */
export type PytorchLoadOptions = Omit<PytorchReadOptions, 'source'>;

/** Reads the state dict of a `.pt`/`.pth` file written by `torch.save`; errors name the file. */
export async function loadPytorchFile(path: string, options: PytorchLoadOptions = {}): Promise<StateDict> {
  return (await loadPytorchFileWithMetadata(path, options)).stateDict;
}

export async function loadPytorchFileWithMetadata(path: string, options: PytorchLoadOptions = {}): Promise<PytorchCheckpoint> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw pytorchReadError(path, error);
  }
  return loadPytorchWithMetadata(bytes, { ...options, source: path });
}

export function loadPytorchFileSync(path: string, options: PytorchLoadOptions = {}): StateDict {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw pytorchReadError(path, error);
  }
  return loadPytorchWithMetadata(bytes, { ...options, source: path }).stateDict;
}

function pytorchReadError(path: string, error: unknown): Error {
  return readError(path, error, 'a PyTorch checkpoint (.pt, .pth)', (message) => new PytorchError(`pytorch: ${message}`));
}
