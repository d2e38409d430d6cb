/** saveOnnx: exportOnnx written to a file the way checkpoints are (temporary file, flush, rename). */
import type { Tensor } from '@nn/tensor';
import { writeFileAtomic } from '../checkpoint_node.js';
import type { AnyModule } from '../module.js';
import { exportOnnx, type ExportOnnxOptions } from './export.js';

export async function saveOnnx(path: string, module: AnyModule, exampleInputs: Tensor | readonly Tensor[], options: ExportOnnxOptions = {}): Promise<void> {
  await writeFileAtomic(path, exportOnnx(module, exampleInputs, options));
}
