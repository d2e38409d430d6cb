/**
 * ModelCheckpoint: a fit() callback that keeps the best model on disk as a safetensors
 * file, written atomically (see checkpoint_node.ts), so a crash mid-save never leaves a
 * broken checkpoint. Node only: exported from '@nn/layers/node'.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Monitor, type MonitorMode } from './callbacks.js';
import { save } from './checkpoint_node.js';
import type { Callback, FitContext, Logs } from './fit.js';

export interface ModelCheckpointOptions {
  /** The logged value that decides which epoch is best (default 'val_loss'). */
  monitor?: string;
  mode?: MonitorMode;
  minDelta?: number;
  /** Write only when the monitored value improves (default true); otherwise after every epoch. */
  saveBestOnly?: boolean;
  /** Extra string pairs for the file's `__metadata__` (the epoch and the monitored value are added). */
  metadata?: Record<string, string>;
}

/**
 * Saves `model.stateDict()` to `path` after each improving epoch (or each epoch). `path` may
 * hold `{epoch}` (from 1), replaced by the epoch number; missing folders are made.
 */
export class ModelCheckpoint implements Callback {
  readonly saveBestOnly: boolean;
  /** The epoch (from 0) last written, or -1. */
  savedEpoch = -1;
  /** The file last written, or null. */
  savedPath: string | null = null;
  private readonly monitor: Monitor;

  constructor(
    readonly path: string,
    private readonly options: ModelCheckpointOptions = {},
  ) {
    if (typeof path !== 'string' || path === '') throw new Error(`ModelCheckpoint: path must be a file name, got ${String(path)}`);
    this.monitor = new Monitor('ModelCheckpoint', options.monitor ?? 'val_loss', options.mode, options.minDelta ?? 0);
    this.saveBestOnly = options.saveBestOnly ?? true;
  }

  get best(): number {
    return this.monitor.best;
  }

  onTrainBegin(): void {
    this.monitor.reset();
    this.savedEpoch = -1;
    this.savedPath = null;
  }

  async onEpochEnd(epoch: number, logs: Logs, ctx: FitContext): Promise<void> {
    const value = this.monitor.read(logs);
    if (!this.monitor.update(value) && this.saveBestOnly) return;
    const file = this.path.replaceAll('{epoch}', String(epoch + 1));
    await mkdir(dirname(file), { recursive: true });
    const metadata = { ...this.options.metadata, epoch: String(epoch + 1), [this.monitor.key]: String(value) };
    await save(ctx.model.stateDict(), file, { metadata });
    this.savedEpoch = epoch;
    this.savedPath = file;
  }
}
