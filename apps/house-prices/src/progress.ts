/**
 * Progress on the terminal: one bar for the running epoch (batches done, training loss so
 * far, the last validation RMSE, time left in the epoch), redrawn in place by cli-progress.
 * Where the output is not a terminal (CI logs, pipes) a bar would only be noise, so a line
 * every few epochs is printed instead.
 */
import cliProgress, { type Options, type Params } from 'cli-progress';
import type { Callback, FitContext, Logs } from '@nn/layers';

const dollars = (v: number): string => (Number.isFinite(v) ? `$${Math.round(v).toLocaleString('en-US')}` : '-');
const duration = (seconds: number): string => (seconds < 60 ? `${Math.ceil(seconds)}s` : `${Math.floor(seconds / 60)}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`);

interface BarPayload {
  epoch: string;
  loss: string;
  valRmse: string;
  /** The time left to the last epoch, e.g. '(at most 2m10s more to epoch 300)', or ''. */
  rest: string;
}

/** The widest bar; cli-progress draws bars from strings of this length. */
const BAR_CELLS = 40;
/** Narrower than this, the bar shows little: the estimate for the whole run gives way first. */
const MIN_BAR_CELLS = 10;

/**
 * The bar's line, fitted to the terminal (cli-progress cuts what is wider, which took the
 * ETA off on 80 columns): the bar gets the cells the text leaves, 10 to 40. Where that is
 * too few, the estimate to the last epoch goes first, then the word "batches". The room is
 * measured with each number at its widest, so the bar keeps its size while they change.
 */
export function barLine(options: Options, params: Params, payload: BarPayload): string {
  const eta = typeof params.eta === 'number' && Number.isFinite(params.eta) ? cliProgress.Format.TimeFormat(params.eta, options, 5) : '-';
  const before = `epoch ${payload.epoch} `;
  const line = (value: string, loss: string, rmse: string, time: string, word: boolean, rest: boolean): string =>
    ` ${value}/${params.total}${word ? ' batches' : ''} | loss ${loss} | val RMSE ${rmse} | ETA ${time}${rest ? ` ${payload.rest}` : ''}`;
  const widest = (word: boolean, rest: boolean): string => line(String(params.total), payload.loss.padEnd(6), payload.valRmse.padEnd(8), eta.padEnd(6), word, rest);
  const room = (text: string): number => params.maxWidth - 1 - before.length - text.length; // one column spare: no wrap at the edge
  // From the most to the least: with the estimate to the last epoch, without it, without "batches".
  const [word, rest] = ([[true, true], [true, false]] as const).find(([w, r]) => (!r || payload.rest !== '') && room(widest(w, r)) >= MIN_BAR_CELLS) ?? [false, false];
  const cells = Math.max(MIN_BAR_CELLS, Math.min(BAR_CELLS, room(widest(word, rest))));
  const after = line(String(params.value), payload.loss, payload.valRmse, eta, word, rest);
  return `${before}${cliProgress.Format.BarFormat(params.progress, { ...options, barsize: cells })}${after}`;
}

export class EpochProgressBar implements Callback {
  private readonly bar: cliProgress.SingleBar;
  private total = 0;
  private examples = 0;
  private lossSum = 0;
  private valRmse = NaN;
  private started = 0;

  /** @param stream where the bar goes (a terminal: its width sets the bar's) */
  constructor(stream: NodeJS.WritableStream = process.stderr) {
    this.bar = new cliProgress.SingleBar({ format: barLine, barsize: BAR_CELLS, hideCursor: true, clearOnComplete: false, etaBuffer: 20, stream }, cliProgress.Presets.shades_classic);
  }

  onEpochBegin(epoch: number, ctx: FitContext): void {
    this.lossSum = 0;
    this.examples = 0;
    if (epoch === 0) this.started = performance.now();
    // All remaining epochs at the mean pace so far: an upper bound, as early stopping may end sooner.
    const left = epoch === 0 ? NaN : (((performance.now() - this.started) / epoch) * (ctx.epochs - epoch)) / 1000;
    const rest = Number.isFinite(left) ? `(at most ${duration(left)} more to epoch ${ctx.epochs})` : '';
    const payload: BarPayload = { epoch: `${epoch + 1}/${ctx.epochs}`, loss: '-', valRmse: dollars(this.valRmse), rest };
    this.total = ctx.stepsPerEpoch ?? 0;
    if (epoch === 0) this.bar.start(this.total, 0, payload);
    else {
      this.bar.setTotal(this.total);
      this.bar.update(0, payload);
    }
  }

  onBatchEnd(_batch: number, logs: Logs): void {
    this.lossSum += logs.loss * logs.size;
    this.examples += logs.size;
    this.bar.increment(1, { loss: (this.lossSum / this.examples).toFixed(4) });
  }

  onEpochEnd(_epoch: number, logs: Logs): void {
    this.valRmse = logs.val_rmse ?? NaN;
    this.bar.update(this.total, { valRmse: dollars(this.valRmse) });
  }

  onTrainEnd(): void {
    this.stop();
  }

  /** Ends the bar and shows the cursor again (also after an error, when onTrainEnd never comes). */
  stop(): void {
    this.bar.stop();
  }
}

/** A line every `every` epochs (and at the last): for logs, where a bar would be noise. */
export class EpochLines implements Callback {
  constructor(
    private readonly log: (line: string) => void,
    private readonly every = 10,
  ) {}

  onEpochEnd(epoch: number, logs: Logs, ctx: FitContext): void {
    if ((epoch + 1) % this.every !== 0 && epoch !== ctx.epochs - 1 && !ctx.stopTraining) return;
    const val = logs.val_loss === undefined ? '' : `  val_loss ${logs.val_loss.toFixed(4)}  val RMSE ${dollars(logs.val_rmse)}  val RMSLE ${logs.val_rmsle?.toFixed(4) ?? '-'}`;
    this.log(`epoch ${epoch + 1}/${ctx.epochs}  loss ${logs.loss.toFixed(4)}${val}  (${logs.time.toFixed(2)} s)`);
  }
}

export type ProgressMode = 'auto' | 'bar' | 'lines' | 'none';

/** The bar on a terminal, a line every `every` epochs elsewhere. */
export function progressCallback(mode: ProgressMode, log: (line: string) => void, every = 10): Callback | null {
  if (mode === 'none') return null;
  if (mode === 'bar' || (mode === 'auto' && process.stderr.isTTY)) return new EpochProgressBar();
  return new EpochLines(log, every);
}
