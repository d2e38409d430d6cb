import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('the readers copy data-sized arrays in plain loops', () => {
  it('never call TypedArray.from with a map function, which builds a JS list of every value first', async () => {
    // That list aborts Node past about 112 M elements (a 12000×12000 16-bit PNG) and is slow below it.
    const src = dirname(fileURLToPath(import.meta.url));
    const files = (await readdir(src, { recursive: true })).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.includes('test-utils'));
    const mapped = /\b(?:Int|Uint|Float|BigInt|BigUint)\d*(?:Clamped)?Array\.from\(\s*(?:[^(),[\]]|\([^()]*\)|\[[^\]]*\])+,/;
    expect(mapped.test('Float32Array.from(data, (v) => v * scale)')).toBe(true);
    expect(mapped.test('Uint8Array.from([1, 2])')).toBe(false);
    for (const f of files) expect(await readFile(join(src, f), 'utf8'), f).not.toMatch(mapped);
  });
});
