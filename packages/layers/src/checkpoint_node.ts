/**
 * Checkpoint files in Node (import from '@nn/layers/node', so browser bundles never see
 * `node:fs`). A save writes a temporary file in the target's folder, flushes it to disk and
 * renames it over the target: rename is atomic within one file system, so an interrupted
 * save leaves the old checkpoint (or none), never half a file.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fromBytesWithMetadata, toBytes, type StateDict, type WriteOptions } from './safetensors.js';

export interface Checkpoint {
  stateDict: StateDict;
  metadata: Record<string, string>;
}

function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Writes `data` to `path` atomically (temporary file beside it, flushed, renamed over it).
 * Exported so that apps write their other model files with the same guarantee.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temp = tempPathFor(path);
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Writes `stateDict` to `path` as safetensors, atomically. */
export async function save(stateDict: StateDict, path: string, options: WriteOptions = {}): Promise<void> {
  await writeFileAtomic(path, toBytes(stateDict, options));
}

/** Synchronous save, same guarantees. */
export function saveSync(stateDict: StateDict, path: string, options: WriteOptions = {}): void {
  const bytes = toBytes(stateDict, options);
  const temp = tempPathFor(path);
  try {
    const fd = openSync(temp, 'w');
    try {
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** Reads a safetensors file; errors name the file and the problem. */
export async function load(path: string): Promise<StateDict> {
  return (await loadWithMetadata(path)).stateDict;
}

export async function loadWithMetadata(path: string): Promise<Checkpoint> {
  return fromBytesWithMetadata(await readFile(path), { source: path });
}

export function loadSync(path: string): StateDict {
  return fromBytesWithMetadata(readFileSync(path), { source: path }).stateDict;
}
