/**
 * Checkpoint files in Node (import from '@nn/layers/node', so browser bundles never see
 * `node:fs`). A save writes a temporary file in the target's folder, flushes it to disk,
 * renames it over the target and flushes the folder: rename is atomic within one file
 * system, so an interrupted save leaves the old checkpoint (or none), never half a file,
 * and the folder's flush makes the rename itself survive a power cut. The new file keeps
 * the old one's permissions.
 *
 * A save killed mid-write (kill -9, out of memory) leaves its temporary file
 * `.NAME.PID.HEX.tmp`, as large as the checkpoint. The next save to NAME deletes those whose
 * PID is no longer a running process; a live process's file is never touched. PIDs are
 * checked on this machine only: folders shared between machines (NFS) should not hold
 * concurrent saves to one name.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { readError } from './read_error_node.js';
import { fromBytesWithMetadata, SafetensorsError, toBytes, type ReadOptions, type StateDict, type WriteOptions } from './safetensors.js';

export interface Checkpoint {
  stateDict: StateDict;
  metadata: Record<string, string>;
}

/** Reading options for files: the path is always the source named in errors. */
export type LoadOptions = Omit<ReadOptions, 'source'>;

function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

const TEMP_NAME = /^\.(.+)\.(\d+)\.[0-9a-f]{12}\.tmp$/;

/** Whether `pid` may be a running process; only "no such process" counts as dead. */
function mayBeAlive(pid: number): boolean {
  if (pid === process.pid || !Number.isSafeInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Of the names in `path`'s folder, the temporary files of earlier saves to `path` whose writer has died. */
function staleTemps(path: string, names: string[]): string[] {
  const target = basename(path);
  return names
    .filter((name) => {
      const match = TEMP_NAME.exec(name);
      return match !== null && match[1] === target && !mayBeAlive(Number(match[2]));
    })
    .map((name) => join(dirname(path), name));
}

/** Deletes stale temporary files; best effort, a save never fails for them. */
async function removeStaleTemps(path: string): Promise<void> {
  try {
    for (const temp of staleTemps(path, await readdir(dirname(path)))) await rm(temp, { force: true });
  } catch {
    // An unreadable folder or a file removed meanwhile: the save itself will say what matters.
  }
}

function removeStaleTempsSync(path: string): void {
  try {
    for (const temp of staleTemps(path, readdirSync(dirname(path)))) rmSync(temp, { force: true });
  } catch {
    // As above.
  }
}

/** The permission bits of the file at `path`, or null if there is none. */
async function modeOf(path: string): Promise<number | null> {
  try {
    return (await stat(path)).mode & 0o7777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function modeOfSync(path: string): number | null {
  const stats = statSync(path, { throwIfNoEntry: false });
  return stats === undefined ? null : stats.mode & 0o7777;
}

/** Some platforms (Windows) and file systems cannot open or flush a folder; there is nothing more to do then. */
function cannotSyncFolders(error: unknown): boolean {
  return ['EISDIR', 'EINVAL', 'EPERM', 'EACCES', 'ENOTSUP'].includes((error as NodeJS.ErrnoException).code ?? '');
}

async function syncFolder(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    if (!cannotSyncFolders(error)) throw error;
  } finally {
    await handle?.close();
  }
}

function syncFolderSync(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (error) {
    if (!cannotSyncFolders(error)) throw error;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Writes `data` to `path` atomically (temporary file beside it, flushed, renamed over it, the
 * folder flushed). Exported so that apps write their other model files with the same guarantee.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await removeStaleTemps(path);
  const temp = tempPathFor(path);
  try {
    const mode = await modeOf(path);
    const handle = await open(temp, 'w');
    try {
      if (mode !== null) await handle.chmod(mode);
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
  await syncFolder(dirname(path));
}

/** Writes `stateDict` to `path` as safetensors, atomically. */
export async function save(stateDict: StateDict, path: string, options: WriteOptions = {}): Promise<void> {
  await writeFileAtomic(path, toBytes(stateDict, options));
}

/** Synchronous save, same guarantees. */
export function saveSync(stateDict: StateDict, path: string, options: WriteOptions = {}): void {
  const bytes = toBytes(stateDict, options);
  removeStaleTempsSync(path);
  const temp = tempPathFor(path);
  try {
    const mode = modeOfSync(path);
    const fd = openSync(temp, 'w');
    try {
      if (mode !== null) fchmodSync(fd, mode);
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
  syncFolderSync(dirname(path));
}

/** Reads a safetensors file; errors name the file and the problem. */
export async function load(path: string, options: LoadOptions = {}): Promise<StateDict> {
  return (await loadWithMetadata(path, options)).stateDict;
}

export async function loadWithMetadata(path: string, options: LoadOptions = {}): Promise<Checkpoint> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw safetensorsReadError(path, error);
  }
  return fromBytesWithMetadata(bytes, { ...options, source: path });
}

export function loadSync(path: string, options: LoadOptions = {}): StateDict {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw safetensorsReadError(path, error);
  }
  return fromBytesWithMetadata(bytes, { ...options, source: path }).stateDict;
}

function safetensorsReadError(path: string, error: unknown): Error {
  return readError(path, error, 'a safetensors file', (message) => new SafetensorsError(message));
}
