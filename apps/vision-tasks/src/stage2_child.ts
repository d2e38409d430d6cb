/**
 * A child process that trains one crop classifier (the second stage) for `train`, beside the
 * first stage in the parent (stage2.ts): the second stage never reads the first, and its small
 * batches keep one core busy where the first stage's larger ones share two. It receives one
 * job, sends its epoch lines and progress as it goes, then the weights, and exits.
 */
import { setNumThreads } from '@nn/backend-cpu';
import { useBackend } from '@nn/app-kit/backend';
import { manualSeed } from '@nn/tensor';
import { readItems } from './data.js';
import { cropScenes } from './run.js';
import { cropNet, trainClassifier } from './tasks/classifier.js';
import type { Stage2Job, Stage2Message } from './stage2.js';

const send = (message: Stage2Message): Promise<void> => new Promise((resolve) => void process.send?.(message, undefined, {}, () => resolve()));

async function run(job: Stage2Job): Promise<void> {
  await useBackend(job.backend);
  // One thread: the parent's first stage and the other members have the other cores.
  if (job.backend === 'cpu') setNumThreads(1);
  const { settings } = job;
  const scene = await cropScenes(job.itemsDir, job.task, job.runSeed);
  const items = await readItems(job.itemsDir, 'train');
  const cpuStarted = process.cpuUsage();
  manualSeed(job.seed + 1);
  const net = cropNet(settings.width);
  let lastProgress = 0;
  const lossPerEpoch = await trainClassifier(net, {
    ...settings,
    items,
    scene,
    seed: job.seed,
    onBatch: (kind, epoch, done, loss, seconds) => {
      const now = performance.now();
      if (now - lastProgress < 200) return;
      lastProgress = now;
      void send({ kind: 'progress', label: `${kind} epoch ${epoch + 1}/${kind === 'items' ? settings.itemEpochs : settings.epochs}`, done, total: settings.crops, loss, seconds });
    },
    onEpoch: (kind, epoch, loss, seconds) => {
      const epochs = kind === 'items' ? settings.itemEpochs : settings.epochs;
      void send({ kind: 'epoch', line: `${kind} epoch ${epoch + 1}/${epochs}  loss ${loss.toFixed(4)}  ${Math.round(settings.crops / seconds)} ${kind}/s  ${seconds.toFixed(1)} s` });
    },
  });
  const cpu = process.cpuUsage(cpuStarted);
  const weights = Object.fromEntries(Object.entries(net.stateDict()).map(([key, t]) => [key, { shape: [...t.shape], dtype: t.dtype, data: t.dataSync() }]));
  await send({ kind: 'done', weights, lossPerEpoch, cpuSeconds: (cpu.user + cpu.system) / 1e6 });
}

process.once('message', (job: Stage2Job) => {
  run(job).then(
    () => process.disconnect?.(),
    async (error: unknown) => {
      process.exitCode = 1;
      await send({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
      process.disconnect?.();
    },
  );
});
