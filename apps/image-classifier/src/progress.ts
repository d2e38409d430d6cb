/**
 * What a person watches while a model trains: a cli-progress bar per epoch (running loss
 * and accuracy, images per second, time left) on a terminal, and one line per epoch with
 * the validation scores on standard output (the only output when it is not a terminal).
 */
import cliProgress, { type Options, type Params } from 'cli-progress';
import type { Callback, FitContext, Logs, Metric } from '@nn/layers';

export interface Writer {
  write(text: string): unknown;
  isTTY?: boolean;
}

const percent = (v: number): string => `${(100 * v).toFixed(2)} %`;

interface BarPayload {
  epoch: string;
  loss: string;
  acc: string;
  speed: string;
}

/** The bar's cells: at most this many, and at least the minimum where the text leaves fewer. */
const BAR_CELLS = 24;
const MIN_BAR_CELLS = 10;

/**
 * The bar's line, fitted to the terminal (cli-progress cuts what is wider, which took the
 * ETA off on 80 columns): the bar gets the cells the text leaves; where that is fewer than
 * 10, the speed gives way (the epoch's line below repeats it), never the ETA. The room is
 * measured with each number at its widest, so the bar keeps its size while they change.
 */
export function barLine(options: Options, params: Params, payload: BarPayload): string {
  const eta = typeof params.eta === 'number' && Number.isFinite(params.eta) ? cliProgress.Format.TimeFormat(params.eta, options, 5) : '-';
  const before = `epoch ${payload.epoch} `;
  const line = (value: string, loss: string, acc: string, speed: string | null, time: string): string =>
    ` ${value}/${params.total} | loss ${loss} | acc ${acc}${speed === null ? '' : ` | ${speed} img/s`} | ETA ${time}`;
  const widest = (speed: boolean): string => line(String(params.total), payload.loss.padEnd(6), payload.acc.padEnd(8), speed ? payload.speed.padEnd(5) : null, eta.padEnd(6));
  const room = (text: string): number => params.maxWidth - 1 - before.length - text.length; // one column spare: no wrap at the edge
  const speed = room(widest(true)) >= MIN_BAR_CELLS;
  const cells = Math.max(MIN_BAR_CELLS, Math.min(BAR_CELLS, room(widest(speed))));
  const after = line(String(params.value), payload.loss, payload.acc, speed ? payload.speed : null, eta);
  return `${before}${cliProgress.Format.BarFormat(params.progress, { ...options, barsize: cells })}${after}`;
}

/** Progress of the training batches of each epoch; adds `images_per_s` to the epoch's logs. */
export class EpochProgress implements Callback {
  private bar: cliProgress.SingleBar | null = null;
  private started = 0;
  private trainSeconds = 0;
  private images = 0;
  private lossSum = 0;

  /**
   * @param imagesPerEpoch training images in an epoch (the bar's total)
   * @param accuracy the running training accuracy (fit's metric, scored on training batches)
   * @param stream where the bar goes; nothing is drawn unless it is a terminal
   */
  constructor(
    private readonly imagesPerEpoch: number,
    private readonly accuracy: Metric,
    private readonly stream: Writer = process.stderr,
  ) {}

  onEpochBegin(epoch: number, ctx: FitContext): void {
    this.started = performance.now();
    this.images = 0;
    this.lossSum = 0;
    if (this.stream.isTTY !== true) return;
    const width = String(ctx.epochs).length;
    this.bar = new cliProgress.SingleBar(
      { format: barLine, stream: this.stream as NodeJS.WritableStream, barsize: BAR_CELLS, hideCursor: true, etaBuffer: 50, fps: 5 },
      cliProgress.Presets.shades_classic,
    );
    const payload: BarPayload = { epoch: `${String(epoch + 1).padStart(width)}/${ctx.epochs}`, loss: '-', acc: '-', speed: '-' };
    this.bar.start(this.imagesPerEpoch, 0, payload);
  }

  onBatchEnd(_batch: number, logs: Logs): void {
    this.images += logs.size;
    this.lossSum += logs.loss * logs.size;
    this.trainSeconds = (performance.now() - this.started) / 1000;
    this.bar?.update(this.images, {
      loss: (this.lossSum / this.images).toFixed(4),
      acc: percent(this.accuracy.compute()),
      speed: String(Math.round(this.images / this.trainSeconds)),
    });
  }

  onEpochEnd(_epoch: number, logs: Logs): void {
    this.bar?.stop();
    this.bar = null;
    // Training time only: fit's `time` also counts the validation pass.
    logs.images_per_s = this.images / this.trainSeconds;
    logs.train_time = this.trainSeconds;
  }

  onTrainEnd(): void {
    this.bar?.stop();
  }
}

/** One line per epoch, after the checkpoint callback has decided whether the epoch was the best. */
export class EpochLines implements Callback {
  constructor(
    private readonly isSaved: (epoch: number) => boolean,
    private readonly out: Writer = process.stdout,
  ) {}

  onEpochEnd(epoch: number, logs: Logs, ctx: FitContext): void {
    const width = String(ctx.epochs).length;
    const parts = [
      `epoch ${String(epoch + 1).padStart(width)}/${ctx.epochs}`,
      `loss ${logs.loss.toFixed(4)}`,
      `acc ${percent(logs.accuracy)}`,
      `val_loss ${logs.val_loss.toFixed(4)}`,
      `val_acc ${percent(logs.val_accuracy)}`,
      `${Math.round(logs.images_per_s)} img/s`,
      `${logs.time.toFixed(1)} s`,
    ];
    if (this.isSaved(epoch)) parts.push('(best so far: saved)');
    this.out.write(`${parts.join('  ')}\n`);
  }
}
