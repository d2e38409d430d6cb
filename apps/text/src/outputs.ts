/** What a run leaves beside its checkpoints: metrics.json and the PNG picture. */
import { join } from 'node:path';
import { writeFileAtomic } from '@nn/layers/node';
import { confusionSvg } from '@nn/app-kit/confusion';
import { renderPng } from '@nn/app-kit/svg';

export async function writeConfusionPicture(dir: string, title: string, classes: readonly string[], counts: number[][]): Promise<string> {
  const path = join(dir, 'confusion.png');
  await writeFileAtomic(path, renderPng(confusionSvg({ title, classes, counts })));
  return path;
}

export async function writeMetrics(dir: string, content: Record<string, unknown>): Promise<string> {
  const path = join(dir, 'metrics.json');
  await writeFileAtomic(path, `${JSON.stringify(content, null, 2)}\n`);
  return path;
}
