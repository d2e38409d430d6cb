/**
 * PyTorch checkpoint files in Node (import from '@nn/layers/node', so browser bundles never
 * see `node:fs`); the reading itself is ./pytorch.ts, which browsers use on bytes they fetch.
 */
import { readFileSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { DEFAULT_MAX_PYTORCH_BYTES, loadPytorchWithMetadata, PytorchError, type PytorchCheckpoint, type PytorchReadOptions } from './pytorch.js';
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
    checkFileSize(path, (await stat(path)).size, options);
    bytes = await readFile(path);
  } catch (error) {
    throw pytorchReadError(path, error);
  }
  return loadPytorchWithMetadata(bytes, { ...options, source: path });
}

export function loadPytorchFileSync(path: string, options: PytorchLoadOptions = {}): StateDict {
  let bytes: Buffer;
  try {
    checkFileSize(path, statSync(path).size, options);
    bytes = readFileSync(path);
  } catch (error) {
    throw pytorchReadError(path, error);
  }
  return loadPytorchWithMetadata(bytes, { ...options, source: path }).stateDict;
}

/**
 * The archive's entries may hold maxBytes; the zip adds a few hundred bytes per entry (headers,
 * names, torch's 64-byte alignment), for which 64 MiB leaves room. A larger file is refused
 * before it is read.
 */
const ZIP_OVERHEAD_BYTES = 64 * 2 ** 20;

function checkFileSize(path: string, size: number, options: PytorchLoadOptions): void {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_PYTORCH_BYTES;
  if (size > maxBytes + ZIP_OVERHEAD_BYTES) {
    throw new PytorchError(`pytorch: ${path}: the file has ${size} bytes, more than its entries may hold (maxBytes ${maxBytes}; the maxBytes option raises the limit)`);
  }
}

function pytorchReadError(path: string, error: unknown): Error {
  return readError(path, error, 'a PyTorch checkpoint (.pt, .pth)', (message) => new PytorchError(`pytorch: ${message}`));
}
