import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreBackend } from './test-utils/store_backend.js';
import * as first from './index.js';

// A second copy of this package, as a user's tree gets one when two versions of
// @nn/tensor are installed side by side: the same sources loaded again from another folder.
const folder = mkdtempSync(join(tmpdir(), 'nn-tensor-copy-'));
cpSync(import.meta.dirname, folder, { recursive: true, filter: (src) => !src.endsWith('.test.ts') });
const second = (await import(pathToFileURL(join(folder, 'index.ts')).href)) as typeof first;
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('two copies of @nn/tensor', () => {
  it('are both listed in the global registry, with their versions and where they were loaded from', () => {
    const urls = first.loadedCopies().map((c) => c.url);
    expect(urls).toHaveLength(2);
    expect(urls[0]).not.toBe(urls[1]);
    expect(urls.some((u) => u.startsWith(pathToFileURL(folder).href))).toBe(true);
    expect(first.loadedCopies().every((c) => c.version === first.version)).toBe(true);
  });

  it('say so, naming both copies, when a backend went into the other copy', async () => {
    second.registerBackend('store', () => new StoreBackend());
    expect(() => first.tensor([1, 2])).toThrow(/no backend is registered in this copy of @nn\/tensor: 2 copies of @nn\/tensor are loaded/);
    let message = '';
    try {
      first.tensor([1, 2]);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(`${pathToFileURL(folder).href}`);
    expect(message).toContain('with backends [store]');
    expect(message).toContain('(this one) with backends []');
    expect(message).toContain('npm dedupe');
    await expect(first.setBackend('store')).rejects.toThrow(/not registered in this copy of @nn\/tensor .*2 copies/);
    expect(second.tensor([1, 2]).shape).toEqual([2]);
  });
});
