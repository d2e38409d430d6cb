/**
 * The judge: a LeNet-5 (the zoo's, on 28×28 inputs, ReLU and max pooling) trained to classify
 * the data's ten classes. Its 84 F6 activations are the feature space of the Fréchet distance
 * (Inception's pool features are what FID uses on ImageNet; LeNet's are the natural small
 * equivalent for 28×28 grey images), and its predictions say which classes a generator makes.
 * `generative train-judge` writes out/judge/judge.safetensors; `train` trains one there first
 * if none exists.
 */
import { noGrad } from '@nn/autograd';
import { Adam, crossEntropy } from '@nn/layers';
import { loadWithMetadata, save } from '@nn/layers/node';
import { lenet5, type LeNet5 } from '@nn/models-zoo';
import { flatten, manualSeed, tensor, tidy, type Tensor } from '@nn/tensor';
import { batchOf, PIXELS, SIDE, shuffled, type ImageSet } from './data.js';
import type { Writer } from '@nn/app-kit/cli';
import { EpochBar } from '@nn/app-kit/progress';

export const JUDGE_FILE = 'judge.safetensors';
const FORMAT = 'nn-generative-judge/1';
export const FEATURE_DIM = 84;

export function buildJudge(init = true): LeNet5 {
  return lenet5({ inputSize: SIDE, activation: 'relu', pooling: 'max', init });
}

/** F6's activations [N, 84] of images [N, 1, 28, 28] in [0, 1]. */
function f6(judge: LeNet5, x: Tensor): Tensor {
  const h = judge.act.forward(judge.fc1!.forward(flatten(judge.forwardFeatures(x), 1)));
  return judge.act.forward(judge.fc2!.forward(h));
}

export interface JudgeOutputs {
  /** N × 84 features, row after row. */
  features: Float32Array;
  /** The class the judge assigns to each image. */
  classes: Int32Array;
}

/** Features and predicted classes of N × 784 pixels in [0, 1], in chunks (eval mode, no gradients). */
export function judgeImages(judge: LeNet5, pixels: Float32Array): JudgeOutputs {
  judge.eval();
  const n = pixels.length / PIXELS;
  const features = new Float32Array(n * FEATURE_DIM);
  const classes = new Int32Array(n);
  const chunk = 250;
  noGrad(() => {
    for (let at = 0; at < n; at += chunk) {
      const m = Math.min(chunk, n - at);
      tidy(() => {
        const x = tensor(pixels.slice(at * PIXELS, (at + m) * PIXELS), [m, 1, SIDE, SIDE]);
        const h = f6(judge, x);
        features.set(h.dataSync(), at * FEATURE_DIM);
        classes.set(judge.fc3!.forward(h).argmax(1).dataSync(), at);
      });
    }
  });
  return { features, classes };
}

export interface JudgeOptions {
  epochs: number;
  seed: number;
}

/** Trains the judge with Adam (lr 1e-3, batch 64); returns it with its test accuracy. */
export function trainJudge(train: ImageSet, test: ImageSet, options: JudgeOptions, err: Writer): { judge: LeNet5; accuracy: number } {
  manualSeed(options.seed);
  const judge = buildJudge();
  const optimizer = new Adam(judge.parameters(), { lr: 1e-3 });
  const bar = new EpochBar(err, 'images');
  const batchSize = 64;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const order = shuffled(train.length, options.seed * 1000 + epoch);
    judge.train();
    bar.start(`epoch ${epoch + 1}/${options.epochs}`, order.length);
    const started = performance.now();
    for (let at = 0; at < order.length; at += batchSize) {
      const indices = order.slice(at, at + batchSize);
      const value = tidy(() => {
        const loss = crossEntropy(judge.forward(batchOf(train, indices)), tensor(Int32Array.from(indices, (i) => train.labels[i]), [indices.length], 'int32'));
        optimizer.zeroGrad();
        loss.backward();
        optimizer.step();
        return loss.item();
      });
      bar.update(at + indices.length, value, (performance.now() - started) / 1000);
    }
    bar.stop();
  }
  const { classes } = judgeImages(judge, test.pixels);
  let right = 0;
  for (let i = 0; i < test.length; i++) if (classes[i] === test.labels[i]) right++;
  return { judge, accuracy: right / test.length };
}

export async function saveJudge(path: string, judge: LeNet5, accuracy: number): Promise<void> {
  await save(judge.stateDict(), path, { metadata: { format: FORMAT, model: 'lenet5 (28×28, relu, max pooling)', testAccuracy: accuracy.toFixed(4) } });
}

export async function loadJudge(path: string): Promise<{ judge: LeNet5; accuracy: number }> {
  const { stateDict, metadata } = await loadWithMetadata(path);
  if (metadata.format !== FORMAT) throw new Error(`${path}: not a judge checkpoint (metadata format ${JSON.stringify(metadata.format)}, expected ${FORMAT}); write one with 'generative train-judge'`);
  const judge = buildJudge(false);
  judge.loadStateDict(stateDict);
  return { judge, accuracy: Number(metadata.testAccuracy) };
}
