/**
 * The second stage: a small CNN that names a garment from its crop (crops.ts). The whole-scene
 * networks find the clothes well (binary masks: IoU 0.99; boxes: IoU 0.88) but name them badly
 * (localize 0.71), because they see each garment small, on a busy background, a few thousand
 * times; this network sees each one at Fashion-MNIST's own 28×28, first as the clean training
 * items (items.ts), then as crops of fresh training scenes, cheaply: a crop costs about a 40th
 * of a scene.
 *
 * Training boxes are jittered as a detector's boxes are, and mirrored at random; at test time
 * six views of each box are averaged (VIEW_MARGINS, each mirrored).
 */
import { noGrad } from '@nn/autograd';
import type { Image, Scene } from '@nn/data';
import { Adam, BatchNorm2d, Conv2d, crossEntropy, Dropout, Flatten, Linear, MaxPool2d, Module, ModuleList, OneCycleLR, ReLU, Sequential } from '@nn/layers';
import { Generator, tensor, tidy, type Tensor } from '@nn/tensor';
import { CROP_MARGIN, CROP_SIZE, cropBox, cropTensor, jitterBox, maskedImage, type Corners } from './crops.js';
import { itemObject, type ItemSource } from './items.js';
import type { Model } from './task.js';

export const CLASSIFIER_NAME = 'cropnet';

/**
 * Three 3×3 convolution stages (16, 32, 64 channels at width 1), each halving the crop, then 128
 * features. Each stage pools before its batch norm and ReLU (convolution, 2×2 max-pool, batch
 * norm, ReLU): the ReLU commutes with the max, and the norm and ReLU then run on a quarter of
 * the pixels, which cut the network's training cost per crop by about a quarter (they cost
 * more than the first convolution at 28×28).
 */
export function cropNet(width = 1, classes = 10, channels = 1): Model {
  const c = [16, 32, 64].map((k) => Math.max(1, Math.round(k * width)));
  const stage = (from: number, to: number): Sequential => new Sequential(new Conv2d(from, to, 3, { padding: 1, bias: false }), new MaxPool2d(2), new BatchNorm2d(to), new ReLU());
  const side = Math.floor(Math.floor(Math.floor(CROP_SIZE / 2) / 2) / 2);
  return new Sequential({
    features: new Sequential(stage(channels, c[0]), stage(c[0], c[1]), stage(c[1], c[2])),
    head: new Sequential(new Flatten(), new Linear(c[2] * side * side, 128), new ReLU(), new Dropout(0.3), new Linear(128, classes)),
  });
}

/**
 * Several crop classifiers trained alike from different seeds, as one model: its output is the
 * log of their mean probabilities, so a softmax of it (classifyBoxes) averages them. Their
 * mistakes differ in part, so the mean names more garments right than either (README).
 */
export class CropEnsemble extends Module<[Tensor], Tensor> {
  readonly members: ModuleList<Model>;

  constructor(members: readonly Model[]) {
    super();
    if (members.length < 2) throw new Error(`CropEnsemble: needs at least 2 members, got ${members.length}`);
    this.members = new ModuleList(members);
  }

  forward(x: Tensor): Tensor {
    let sum: Tensor | null = null;
    for (const member of this.members) {
      const p = member.forward(x).softmax(1);
      sum = sum === null ? p : sum.add(p);
    }
    return sum!.mul(1 / this.members.length).log();
  }
}

/** The most classifiers an ensemble holds: each is a process while it trains. */
export const MAX_MEMBERS = 8;

/** The second stage of a config: one crop classifier, or an ensemble of `members`. */
export function cropClassifier(width: number, members = 1): Model {
  return members === 1 ? cropNet(width) : new CropEnsemble(Array.from({ length: members }, () => cropNet(width)));
}

export interface ClassifierTraining {
  /** The clean training items (items.ts): `itemEpochs` epochs of `crops` of them (a shuffled stream) come first. */
  items?: ItemSource;
  itemEpochs: number;
  /** Training scene `index` of epoch `epoch` (fresh ones each epoch; seeded). */
  scene: (epoch: number, index: number) => Scene;
  /** Objects per epoch: items, or crops of as many scenes as it takes. */
  crops: number;
  /** Passes over crops of scenes, after the items. */
  epochs: number;
  batchSize: number;
  /** The items' one-cycle peak; the crops' is a third of it (they refine what the items taught). */
  lr: number;
  seed: number;
  /** Crop the garments cut out along their true masks (segmentation), not with their background. */
  masked?: boolean;
  /** Called after each epoch with its mean loss and seconds; `kind` says what it learnt from. */
  onEpoch?: (kind: 'items' | 'crops', epoch: number, loss: number, seconds: number) => void;
  /** Called after each batch with the objects done in the epoch, its running mean loss and seconds. */
  onBatch?: (kind: 'items' | 'crops', epoch: number, done: number, loss: number, seconds: number) => void;
}

type Item = { image: Image; box: Corners; classId: number };

/** The objects of scenes as (image, box, class 0..9); `masked`: each image cut out along the object's mask. */
function objects(scenes: readonly Scene[], masked = false): Item[] {
  return scenes.flatMap((scene) => {
    const plane = scene.image.height * scene.image.width;
    return Array.from(scene.labels, (label, k) => ({
      image: masked ? maskedImage(scene.image, scene.instanceMasks.subarray(k * plane, (k + 1) * plane)) : scene.image,
      box: Array.from(scene.boxes.subarray(4 * k, 4 * k + 4)) as unknown as Corners,
      classId: label - 1,
    }));
  });
}

/**
 * Trains `net` first on the clean items (each once per pass over them, shuffled), then on crops of
 * scenes; every box jittered and mirrored at random, one cycle of Adam per phase. Returns the
 * loss per epoch (items, then crops). It yields to the event loop after each batch, so that a
 * child process training it (stage2_child.ts) gets its progress messages out as it goes.
 */
export async function trainClassifier(net: Model, t: ClassifierTraining): Promise<number[]> {
  const generator = new Generator(t.seed);
  const losses: number[] = [];
  if (t.items !== undefined && t.itemEpochs > 0) {
    const items = t.items;
    const order = Array.from({ length: items.images.shape[0] }, (_, i) => i);
    let next = order.length;
    // A stream of the items, shuffled again at the end of every pass.
    const take = (): number => {
      if (next === order.length) {
        shuffle(order, generator);
        next = 0;
      }
      return order[next++];
    };
    await fit(net, t, 'items', t.itemEpochs, t.crops, t.lr, generator, losses, () => (size) =>
      Array.from({ length: size }, () => {
        const index = take();
        return { ...itemObject(items, index, generator), classId: items.labels.data[index] };
      }),
    );
  }
  if (t.epochs > 0) {
    const lr = t.items !== undefined && t.itemEpochs > 0 ? t.lr / 3 : t.lr;
    await fit(net, t, 'crops', t.epochs, t.crops, lr, generator, losses, (epoch) => {
      let next = 0;
      let pending: Item[] = [];
      return (size) => {
        while (pending.length < size) pending.push(...objects([t.scene(epoch, next++)], t.masked));
        const batch = pending.slice(0, size);
        pending = pending.slice(size);
        return batch;
      };
    });
  }
  net.zeroGrad();
  return losses;
}

/** One phase: `epochs` passes of `perEpoch` objects from `source(epoch)`, one cycle of Adam to `lr`. */
async function fit(
  net: Model,
  t: ClassifierTraining,
  kind: 'items' | 'crops',
  epochs: number,
  perEpoch: number,
  lr: number,
  generator: Generator,
  losses: number[],
  source: (epoch: number) => (size: number) => Item[],
): Promise<void> {
  const optimizer = new Adam(net.parameters(), { lr });
  const scheduler = new OneCycleLR(optimizer, lr, { epochs, stepsPerEpoch: Math.ceil(perEpoch / t.batchSize), pctStart: 0.2 });
  for (let epoch = 0; epoch < epochs; epoch++) {
    const started = performance.now();
    const next = source(epoch);
    net.train();
    let sum = 0;
    for (let done = 0; done < perEpoch; ) {
      const batch = next(Math.min(t.batchSize, perEpoch - done));
      optimizer.zeroGrad();
      const value = tidy(() => {
        const crops = batch.map((o) => cropBox(o.image, jitterBox(o.box, generator)));
        const flips = batch.map(() => generator.nextFloat() < 0.5);
        const loss = crossEntropy(net.forward(cropTensor(crops, flips)), tensor(Int32Array.from(batch, (o) => o.classId), [batch.length], 'int32'), { labelSmoothing: 0.1 });
        loss.backward();
        return loss.item();
      });
      optimizer.step();
      scheduler.step();
      sum += value * batch.length;
      done += batch.length;
      t.onBatch?.(kind, epoch, done, sum / done, (performance.now() - started) / 1000);
      await new Promise((resolve) => setImmediate(resolve));
    }
    losses.push(sum / perEpoch);
    t.onEpoch?.(kind, epoch, sum / perEpoch, (performance.now() - started) / 1000);
  }
}

/** Fisher–Yates in place, seeded. */
function shuffle(order: number[], generator: Generator): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = generator.nextInt(0, i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
}

/**
 * Test-time views of a box: its window at these margins (tight, the training margin, and wider,
 * as jittered training boxes were), each also mirrored; their probabilities are averaged. On
 * the segment default's garments (393 in 300 test scenes): 84.0 % named right from the one
 * window and its mirror image, 86.8 % from these six views.
 */
export const VIEW_MARGINS = [0, CROP_MARGIN, 0.2];

/** Class probabilities [N × 10] of boxes in images: the mean over the test-time views. */
export function classifyBoxes(net: Model, boxes: readonly { image: Image; box: Corners }[], batchSize = 128): Float32Array {
  const out = new Float32Array(boxes.length * 10);
  if (boxes.length === 0) return out;
  net.eval();
  noGrad(() => {
    for (let at = 0; at < boxes.length; at += batchSize) {
      const batch = boxes.slice(at, at + batchSize);
      tidy(() => {
        let sum = null as Tensor | null;
        for (const margin of VIEW_MARGINS) {
          const crops = batch.map((b) => cropBox(b.image, b.box, CROP_SIZE, margin));
          for (const flip of [false, true]) {
            const p = net.forward(cropTensor(crops, crops.map(() => flip))).softmax(1);
            sum = sum === null ? p : sum.add(p);
          }
        }
        out.set(sum!.mul(1 / (2 * VIEW_MARGINS.length)).dataSync(), at * 10);
      });
    }
  });
  return out;
}
