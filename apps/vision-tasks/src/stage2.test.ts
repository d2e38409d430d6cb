import { describe, expect, it } from 'vitest';
import { memberSeed, Stage2Training } from './stage2.js';

const sink = { write: (_: string) => undefined };
const settings = { itemEpochs: 1, epochs: 0, crops: 64, batchSize: 32, lr: 3e-3, width: 0.25, masked: false };

describe('the second stage in child processes', () => {
  it('member 0 keeps the run seed a single classifier always had; the others get seeds of their own', () => {
    expect(memberSeed(1, 0)).toBe(1);
    expect(new Set([0, 1, 2].map((k) => memberSeed(1, k))).size).toBe(3);
  });

  it('a member that fails says why in one line (the file it could not read), and the run stops', async () => {
    const training = new Stage2Training({ task: 'localize', itemsDir: '/no/such/items', backend: 'cpu', runSeed: 1, settings }, 2);
    const error = await training.finish(sink, sink).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/^second stage: .*\/no\/such\/items/);
    expect(error?.message.split('\n')).toHaveLength(1);
  }, 60_000);
});
