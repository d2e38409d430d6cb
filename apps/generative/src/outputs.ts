/** The files a run leaves in its folder, and the writers of the pictures that more than one command draws. */
import { join } from 'node:path';
import { writeFileAtomic } from '@nn/layers/node';

export const FILES = {
  metrics: 'metrics.json',
  samples: (epoch: number): string => `samples-epoch-${String(epoch).padStart(2, '0')}.png`,
  strip: 'samples-over-epochs.png',
  reconstructions: 'reconstructions.png',
  latentMap: 'latent-map.png',
  latentCodes: 'latent-codes.png',
  interpolation: 'interpolation.png',
  losses: 'losses.png',
  classShares: 'class-shares.png',
} as const;

export async function writePng(dir: string, name: string, png: Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFileAtomic(path, png);
  return path;
}

export async function writeMetrics(dir: string, content: Record<string, unknown>): Promise<string> {
  const path = join(dir, FILES.metrics);
  await writeFileAtomic(path, `${JSON.stringify(content, null, 2)}\n`);
  return path;
}
