/**
 * The second stage of `train`, beside the first: each crop classifier (one, or the members of
 * an ensemble) trains in a child process of its own (stage2_child.ts) from the start of the
 * run, while the first stage trains here. The second stage reads nothing of the first (the
 * items, and crops of its own scenes with their true boxes), and its batches of 64 small crops
 * keep one core busy where the first stage's scenes use two: side by side the run takes about
 * the longer of the two instead of their sum. Each member is seeded from the run's seed, so a run
 * repeats itself bit for bit.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tensor, type DType, type TypedArray } from '@nn/tensor';
import type { BackendName } from '@nn/app-kit/backend';
import type { Writer } from '@nn/app-kit/cli';
import { EpochBar } from '@nn/app-kit/progress';
import type { Task } from './data.js';
import { cropNet, CropEnsemble } from './tasks/classifier.js';
import type { Model } from './tasks/index.js';

export interface Stage2Settings {
  itemEpochs: number;
  epochs: number;
  crops: number;
  batchSize: number;
  lr: number;
  width: number;
  masked: boolean;
}

/** What a child trains: member `member` of the second stage, seeded `seed`. */
export interface Stage2Job {
  task: Task;
  itemsDir: string;
  backend: BackendName;
  /** The run's --seed: the second stage's scenes. */
  runSeed: number;
  /** This member's seed: its initial weights, its order of items and its jitter. */
  seed: number;
  settings: Stage2Settings;
}

export type Stage2Message =
  | { kind: 'progress'; label: string; done: number; total: number; loss: number; seconds: number }
  | { kind: 'epoch'; line: string }
  | { kind: 'done'; weights: Record<string, { shape: number[]; dtype: DType; data: TypedArray }>; lossPerEpoch: number[]; cpuSeconds: number }
  | { kind: 'error'; message: string };

/** Member k's seed: member 0 keeps the seed a single classifier always had. */
export const memberSeed = (seed: number, member: number): number => seed + 1000 * member;

type MemberResult = Omit<Extract<Stage2Message, { kind: 'done' }>, 'kind'>;

/**
 * The children's entry point: the compiled stage2_child.js beside this file, or under `pnpm dev`
 * and the tests (this file is TypeScript) the source, run through tsx as `pnpm dev` runs the app.
 */
function childEntry(): { path: string; execArgv: string[] } {
  const self = fileURLToPath(import.meta.url);
  if (self.endsWith('.ts')) return { path: self.replace(/stage2\.ts$/, 'stage2_child.ts'), execArgv: ['--import', 'tsx', '--conditions=@nn/source'] };
  return { path: self.replace(/stage2\.js$/, 'stage2_child.js'), execArgv: process.execArgv };
}

/** The second stage, started: `members` children now; `finish` waits for them (drawing their progress) and returns the model. */
export class Stage2Training {
  private readonly children: ChildProcess[] = [];
  private readonly results: Promise<MemberResult>[] = [];
  /** Member 0's epoch lines that came while the first stage was still writing its own. */
  private readonly pending: string[] = [];
  /** Set by `finish`: member 0's lines go straight out, and its progress draws a bar. */
  private live: { out: Writer; bar: EpochBar; label: string } | null = null;

  constructor(
    private readonly job: Omit<Stage2Job, 'seed'>,
    readonly members: number,
  ) {
    const entry = childEntry();
    for (let member = 0; member < members; member++) {
      const child = fork(entry.path, [], { execArgv: entry.execArgv, cwd: fileURLToPath(new URL('..', import.meta.url)), serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      this.children.push(child);
      this.results.push(
        new Promise<MemberResult>((resolve, reject) => {
          let failure: string | undefined;
          let result: MemberResult | undefined;
          child.on('message', (message: Stage2Message) => {
            if (message.kind === 'done') result = message;
            else if (message.kind === 'error') failure = message.message;
            else if (member === 0 && message.kind === 'epoch') this.epochLine(message.line);
            else if (member === 0 && message.kind === 'progress') this.progress(message);
          });
          child.on('error', (error) => reject(new Error(`second stage: its process could not start (${error.message})`)));
          // 'close', not 'exit': by then every message the child sent has been read.
          child.on('close', (code, signal) => {
            if (result !== undefined) resolve(result);
            else reject(new Error(`second stage: ${failure ?? `its process ended with ${signal ?? `code ${code}`} before its weights came back`}`));
          });
        }),
      );
      child.send({ ...job, seed: memberSeed(job.runSeed, member) } satisfies Stage2Job);
    }
  }

  private epochLine(line: string): void {
    if (this.live === null) {
      this.pending.push(line);
      return;
    }
    this.live.bar.stop();
    this.live.label = '';
    this.live.out.write(`${line}\n`);
  }

  private progress(message: Extract<Stage2Message, { kind: 'progress' }>): void {
    const live = this.live;
    if (live === null) return;
    if (live.label !== message.label) {
      live.bar.stop();
      live.bar.start(message.label, message.total);
      live.label = message.label;
    }
    live.bar.update(message.done, message.loss, message.seconds);
  }

  /** Waits for every member, writing member 0's epoch lines (those already done at once, then as they come); the model and its report. */
  async finish(out: Writer, err: Writer): Promise<{ net: Model; report: Record<string, unknown> }> {
    for (const line of this.pending.splice(0)) out.write(`${line}\n`);
    this.live = { out, bar: new EpochBar(err, 'objects'), label: '' };
    let results: MemberResult[];
    try {
      results = await Promise.all(this.results);
    } catch (error) {
      // One member failed: the others would keep this process alive for nothing.
      this.cancel();
      throw error;
    } finally {
      this.live.bar.stop();
      this.live = null;
    }
    const nets = results.map((r) => {
      const net = cropNet(this.job.settings.width);
      net.loadStateDict(Object.fromEntries(Object.entries(r.weights).map(([key, w]) => [key, tensor(w.data, w.shape, w.dtype)])));
      return net;
    });
    const net = nets.length === 1 ? nets[0] : new CropEnsemble(nets);
    const report = {
      ...this.job.settings,
      members: this.members,
      lossPerEpoch: results[0].lossPerEpoch,
      ...(this.members > 1 ? { memberLossPerEpoch: results.map((r) => r.lossPerEpoch) } : {}),
      cpuSeconds: results.reduce((sum, r) => sum + r.cpuSeconds, 0),
    };
    return { net, report };
  }

  /** Stops the children (the first stage failed). */
  cancel(): void {
    for (const child of this.children) child.kill();
    for (const result of this.results) result.catch(() => undefined);
  }
}
