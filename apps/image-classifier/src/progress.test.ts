import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Accuracy, type FitContext } from '@nn/layers';
import { EpochProgress } from './progress.js';

/** A terminal `columns` wide that keeps each line the bar draws, without the escape codes. */
class Terminal {
  readonly isTTY = true;
  readonly lines: string[] = [];
  constructor(readonly columns: number) {}
  write(chunk: string): boolean {
    const text = stripVTControlCharacters(chunk).replace(/[\r\n]/g, '');
    if (text !== '') this.lines.push(text);
    return true;
  }
}

/** Two epochs of 54,000 images in batches of 600 (the full Fashion-MNIST), as fit drives the bar. */
function drive(columns: number): string[] {
  const terminal = new Terminal(columns);
  const accuracy = Object.assign(new Accuracy(), { compute: () => 0.8512 });
  const progress = new EpochProgress(54_000, accuracy, terminal);
  const ctx = { epochs: 10 } as FitContext;
  for (let epoch = 0; epoch < 2; epoch++) {
    progress.onEpochBegin(epoch, ctx);
    for (let batch = 0; batch < 90; batch++) progress.onBatchEnd(batch, { loss: 0.4321, size: 600 });
    progress.onEpochEnd(epoch, {});
  }
  return terminal.lines;
}

describe('the progress bar', () => {
  it('fits an 80-column terminal with its ETA', () => {
    const lines = drive(80);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line.length).toBeLessThan(80);
      expect(line).toMatch(/^epoch {2}\d\/10 [█░]{10,24} \d+\/54000 \| loss [\d.-]+ \| acc [\d. %-]+ \|( \S+ img\/s \|)? ETA \S+$/);
    }
  });

  it('shows the speed where the terminal is wide enough', () => {
    expect(drive(120).at(-1)).toMatch(/^epoch {2}2\/10 [█░]{24} 54000\/54000 \| loss 0.4321 \| acc 85.12 % \| \d+ img\/s \| ETA \S+$/);
  });
});
