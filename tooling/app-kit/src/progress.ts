/**
 * A cli-progress bar for one pass over the data on a terminal (items done, running loss, items
 * per second, time left), fitted to the terminal's width. Off a terminal it draws nothing: the
 * apps write one line per epoch there instead.
 */
import cliProgress from 'cli-progress';
import type { Writer } from './cli.js';

export class EpochBar {
  private bar: cliProgress.SingleBar | null = null;

  /** @param unit what is counted, in the plural ("images", "scenes", "words") */
  constructor(
    private readonly stream: Writer,
    private readonly unit: string,
  ) {}

  /** @param label what starts the line, e.g. "epoch 2/10" */
  start(label: string, total: number): void {
    if (this.stream.isTTY !== true) return;
    const columns = this.stream.columns ?? 80;
    // The text after the bar takes about 60 columns; the bar gets what is left, 10 to 30 cells.
    const barsize = Math.max(10, Math.min(30, columns - 62));
    this.bar = new cliProgress.SingleBar(
      {
        format: `${label} {bar} {value}/{total} | loss {loss} | {speed} ${this.unit}/s | ETA {eta_formatted}`,
        stream: this.stream as NodeJS.WritableStream,
        barsize,
        hideCursor: true,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(total, 0, { loss: '-', speed: '-' });
  }

  update(done: number, loss: number, seconds: number): void {
    this.bar?.update(done, { loss: loss.toFixed(4), speed: String(Math.round(done / Math.max(seconds, 1e-3))) });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
