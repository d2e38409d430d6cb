/** The PNG files a training run leaves beside its checkpoint. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Image } from '@nn/data';
import type { Logs } from '@nn/layers';
import { confusionSvg } from '@nn/app-kit/confusion';
import { curvesSvg } from './plots/curves.js';
import { mistakesSvg } from './plots/mistakes.js';
import { renderPng } from '@nn/app-kit/svg';
import type { TestReport } from './report.js';

export const PLOT_FILES = { confusion: 'confusion_matrix.png', mistakes: 'misclassified.png', curves: 'curves.png' } as const;

export interface PlotInputs {
  title: string;
  report: TestReport;
  classes: readonly string[];
  /** The epochs' logs, for the learning curves (none: no curves.png). */
  history?: readonly Logs[];
  /** The kept epoch, from 1. */
  bestEpoch?: number;
  testImage: (index: number) => Image;
  /** How many mistakes to show (default 40: 5 rows of 8). */
  mistakes?: number;
}

export async function writePlots(dir: string, inputs: PlotInputs): Promise<string[]> {
  const { report, classes, history } = inputs;
  const accuracy = `test accuracy ${(100 * report.accuracy).toFixed(2)} %`;
  const shown = report.mistakes.slice(0, inputs.mistakes ?? 40);
  const svgs: [string, string][] = [
    [PLOT_FILES.confusion, confusionSvg({ classes, counts: report.confusion, title: `Confusion matrix: ${inputs.title}, ${accuracy}` })],
    [
      PLOT_FILES.mistakes,
      mistakesSvg({
        title: `Misclassified test images: the ${shown.length} most confident of ${report.mistakes.length.toLocaleString('en-US')} mistakes (${inputs.title})`,
        mistakes: shown.map((m) => ({ image: inputs.testImage(m.index), actual: classes[m.actual], predicted: classes[m.predicted], confidence: m.confidence })),
      }),
    ],
  ];
  if (history !== undefined && history.length > 0) {
    const kept = inputs.bestEpoch === undefined ? '' : `kept epoch ${inputs.bestEpoch}, `;
    svgs.push([
      PLOT_FILES.curves,
      curvesSvg({
        title: `${inputs.title}: ${kept}${accuracy}, top-5 error ${(100 * report.top5Error).toFixed(2)} %`,
        loss: { train: history.map((h) => h.loss), val: history.map((h) => h.val_loss) },
        accuracy: { train: history.map((h) => h.accuracy), val: history.map((h) => h.val_accuracy) },
        best: inputs.bestEpoch,
      }),
    ]);
  }
  const files: string[] = [];
  for (const [name, svg] of svgs) {
    const file = join(dir, name);
    await writeFile(file, renderPng(svg));
    files.push(file);
  }
  return files;
}
