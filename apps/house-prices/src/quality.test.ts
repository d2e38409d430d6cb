import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULTS, train } from './train.js';

const dir = mkdtempSync(join(tmpdir(), 'house-prices-quality-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The README's default run: about a minute on two busy cores. A seeded CPU run repeats bit
// for bit, so this is the README's figure exactly, not a sample.
describe('the default training run', () => {
  it('prices the held-out houses with RMSLE at most 0.14 (the mean predictor: about 0.42)', async () => {
    const result = await train({ ...DEFAULTS, out: join(dir, 'default'), progress: 'none', charts: false, log: () => undefined });
    expect(result.test.rmsle).toBeLessThanOrEqual(0.14);
    expect(result.test.r2).toBeGreaterThan(0.85);
  }, 600_000);
});
