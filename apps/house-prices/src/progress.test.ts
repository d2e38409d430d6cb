import { Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import type { FitContext } from '@nn/layers';
import { describe, expect, it } from 'vitest';
import { EpochProgressBar } from './progress.js';

/** A terminal `columns` wide that keeps each line the bar draws, without the escape codes. */
class Terminal extends Writable {
  readonly isTTY = true;
  readonly lines: string[] = [];
  constructor(readonly columns: number) {
    super();
  }
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    const text = stripVTControlCharacters(chunk.toString()).replace(/[\r\n]/g, '');
    if (text !== '') this.lines.push(text);
    done();
  }
}

/** Three epochs of 120 batches of a 300-epoch run, as fit drives the bar. */
function drive(columns: number): string[] {
  const terminal = new Terminal(columns);
  const bar = new EpochProgressBar(terminal);
  const ctx = { epochs: 300, stepsPerEpoch: 120 } as FitContext;
  for (let epoch = 0; epoch < 3; epoch++) {
    bar.onEpochBegin(epoch, ctx);
    for (let batch = 0; batch < 120; batch++) bar.onBatchEnd(batch, { loss: 0.1234, size: 64 });
    bar.onEpochEnd(epoch, { val_rmse: 129_429 });
  }
  bar.stop();
  return terminal.lines;
}

describe('the progress bar', () => {
  it('fits an 80-column terminal with its ETA', () => {
    const lines = drive(80);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line.length).toBeLessThan(80);
      expect(line).toMatch(/^epoch \d+\/300 [█░]{10,40} \d+\/120( batches)? \| loss [\d.-]+ \| val RMSE [$\d,-]+ \| ETA \S+/);
    }
  });

  it('grows to 40 cells and adds the estimate for the whole run on a wide terminal', () => {
    const last = drive(160).at(-1) ?? '';
    expect(last).toMatch(/^epoch 3\/300 [█░]{40} 120\/120 batches \| loss 0.1234 \| val RMSE \$129,429 \| ETA \S+ \(at most \S+ more to epoch 300\)$/);
  });
});
