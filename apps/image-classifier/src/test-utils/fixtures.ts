/** Small files for the tests: model folders with a checkpoint, images, a writer that records. */
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { save } from '@nn/layers/node';
import { CHECKPOINT_FILE, defaultConfig, toMetadata, type ModelConfig } from '../checkpoint.js';
import { modelSpec } from '../models.js';

export function tempDir(prefix = 'image-classifier-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/**
 * A model folder whose checkpoint holds freshly initialised weights of `weightsOf` and the
 * metadata of `config` (the same model unless a test wants them to disagree).
 */
export async function modelFolder(config: ModelConfig = defaultConfig('lenet5', undefined), weightsOf = config.model, metadata = true): Promise<string> {
  const dir = await tempDir();
  await mkdir(dir, { recursive: true });
  const model = modelSpec(weightsOf).build({ numClasses: config.classes.length, width: config.width });
  await save(model.stateDict(), join(dir, CHECKPOINT_FILE), metadata ? { metadata: toMetadata(config) } : {});
  return dir;
}

/** Collects what a command writes. */
export class Recorder {
  text = '';
  isTTY = false;
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}
