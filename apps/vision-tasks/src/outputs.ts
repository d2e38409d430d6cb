/** What a run leaves beside its checkpoint: metrics.json and the PNG pictures. */
import { join } from 'node:path';
import type { Scene } from '@nn/data';
import { writeFileAtomic } from '@nn/layers/node';
import { CLASSES, type Task } from './data.js';
import { chartSvg } from '@nn/app-kit/lines';
import { CLASS_COLORS, scenesSvg, type ScenePanel } from './plots/scenes.js';
import { renderPng } from '@nn/app-kit/svg';
import type { ModelConfig, Prediction } from './tasks/index.js';

export const FILES = { metrics: 'metrics.json', scenes: 'predictions.png', loss: 'loss.png', pr: 'precision_recall.png' } as const;

/** Ground truth of a scene as the picture draws it. */
function truthPanel(task: Task, scene: Scene, config: ModelConfig): ScenePanel {
  if (task === 'segment') return { image: scene.image, mask: config.mode === 'binary' ? scene.mask.map((v) => Number(v > 0)) : scene.mask };
  return { image: scene.image, boxes: Array.from(scene.labels, (label, k) => ({ box: Array.from(scene.boxes.subarray(4 * k, 4 * k + 4)) as [number, number, number, number], classId: label - 1 })) };
}

export function legendOf(config: ModelConfig): readonly string[] {
  return config.mode === 'binary' ? ['clothes'] : CLASSES;
}

/**
 * The boxes a picture draws: those scoring at least 0.2, or the best one where none does. mAP
 * ranks every detection down to 0.05, but drawn they would bury the picture.
 */
export const DRAWN_SCORE = 0.2;
function drawnBoxes(boxes: Prediction['boxes']): Prediction['boxes'] {
  if (boxes === undefined || boxes.length === 0) return boxes;
  const kept = boxes.filter((b) => b.score >= DRAWN_SCORE);
  return kept.length > 0 ? kept : [boxes.reduce((a, b) => (b.score > a.score ? b : a))];
}

/** predictions.png: the first `count` scenes, truth beside prediction. */
export async function writeScenesPicture(dir: string, task: Task, config: ModelConfig, scenes: readonly Scene[], predictions: readonly Prediction[], title: string, count = 8): Promise<string> {
  const rows = scenes.slice(0, count).map((scene, i) => ({
    truth: truthPanel(task, scene, config),
    prediction: { image: scene.image, mask: predictions[i].mask, boxes: drawnBoxes(predictions[i].boxes) },
  }));
  const path = join(dir, FILES.scenes);
  await writeFileAtomic(path, renderPng(scenesSvg({ title, classes: legendOf(config), rows })));
  return path;
}

export async function writeLossPicture(dir: string, title: string, losses: readonly number[]): Promise<string> {
  const path = join(dir, FILES.loss);
  const svg = chartSvg({ title, xLabel: 'epoch', yLabel: 'training loss', lines: [{ label: 'training loss', x: losses.map((_, i) => i + 1), y: losses, color: '#1f77b4' }] });
  await writeFileAtomic(path, renderPng(svg));
  return path;
}

interface ClassCurve {
  name: string;
  ap50: number | null;
  curve: { recall: number[]; precision: number[] } | null;
}

/** precision_recall.png: one precision–recall curve per class at IoU 0.5 (detect). */
export async function writePrPicture(dir: string, title: string, perClass: readonly ClassCurve[]): Promise<string> {
  const path = join(dir, FILES.pr);
  const lines = perClass.map((c, k) => ({
    label: `${c.name} (AP ${c.ap50 === null ? '–' : c.ap50.toFixed(2)})`,
    x: c.curve?.recall ?? [],
    y: c.curve?.precision ?? [],
    color: CLASS_COLORS[k % CLASS_COLORS.length],
  }));
  await writeFileAtomic(path, renderPng(chartSvg({ title, xLabel: 'recall', yLabel: 'precision', lines, xRange: [0, 1], yRange: [0, 1] })));
  return path;
}

export async function writeMetrics(dir: string, content: Record<string, unknown>): Promise<string> {
  const path = join(dir, FILES.metrics);
  await writeFileAtomic(path, `${JSON.stringify(content, null, 2)}\n`);
  return path;
}
