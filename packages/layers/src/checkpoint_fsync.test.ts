// A save must flush the folder after the rename, or a power cut can lose the rename itself.
// The file system calls are recorded, in order, through thin wrappers around the real ones.
import type * as FsModule from 'node:fs';
import { mkdtempSync } from 'node:fs';
import type * as FsPromisesModule from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@nn/backend-cpu';
import { dispose, tensor } from '@nn/tensor';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { save, saveSync } from './checkpoint_node.js';

const calls = vi.hoisted(() => ({ log: [] as string[], fds: new Map<number, string>() }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof FsPromisesModule>();
  const open: typeof fs.open = async (path, ...rest) => {
    const handle = await fs.open(path, ...rest);
    const sync = handle.sync.bind(handle);
    handle.sync = async () => {
      calls.log.push(`sync ${String(path)}`);
      await sync();
    };
    return handle;
  };
  const rename: typeof fs.rename = async (from, to) => {
    calls.log.push(`rename to ${String(to)}`);
    await fs.rename(from, to);
  };
  return { ...fs, open, rename };
});

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof FsModule>();
  const openSync = (path: string, ...rest: unknown[]): number => {
    const fd = (fs.openSync as (...args: unknown[]) => number)(path, ...rest);
    calls.fds.set(fd, path);
    return fd;
  };
  const fsyncSync = (fd: number): void => {
    calls.log.push(`sync ${calls.fds.get(fd)}`);
    fs.fsyncSync(fd);
  };
  const renameSync = (from: string, to: string): void => {
    calls.log.push(`rename to ${to}`);
    fs.renameSync(from, to);
  };
  return { ...fs, openSync, fsyncSync, renameSync };
});

describe('checkpoint saves flush the folder', () => {
  beforeEach(() => {
    calls.log.length = 0;
  });

  it.each([
    ['save', (dict: Record<string, ReturnType<typeof tensor>>, path: string) => save(dict, path)],
    ['saveSync', (dict: Record<string, ReturnType<typeof tensor>>, path: string) => Promise.resolve(saveSync(dict, path))],
  ])('%s: flushes the file, renames it into place, then flushes the folder', async (_name, write) => {
    const dir = mkdtempSync(join(tmpdir(), 'nn-fsync-'));
    const path = join(dir, 'model.safetensors');
    const dict = { w: tensor([1, 2]) };
    await write(dict, path);
    expect(calls.log).toHaveLength(3);
    expect(calls.log[0]).toMatch(/^sync .*\.model\.safetensors\.\d+\.[0-9a-f]{12}\.tmp$/);
    expect(calls.log.slice(1)).toEqual([`rename to ${path}`, `sync ${dir}`]);
    dispose(dict);
  });
});
