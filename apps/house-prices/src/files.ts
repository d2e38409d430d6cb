/**
 * Atomic file writes for the model folder, through @nn/layers/node's writeFileAtomic (the
 * same write that saves checkpoints): an interrupted run leaves the old file or the new one,
 * never half of one.
 */
import { writeFileAtomic } from '@nn/layers/node';

export { writeFileAtomic };

export function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  return writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}
