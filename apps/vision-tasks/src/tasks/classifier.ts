/**
 * The second stage: a small CNN that names a garment from its crop (crops.ts). The whole-scene
 * networks find the clothes well (binary masks: IoU 0.99; boxes: IoU 0.88) but name them badly
 * (localize 0.71), because they see each garment small, on a busy background, a few thousand
 * times; this network sees each one at Fashion-MNIST's own 28×28, from crops of tens of
 * thousands of training scenes (fresh each epoch), cheaply: a crop costs about a 40th of a scene.
 *
 * Training crops are the true boxes, jittered as a detector's boxes are, and mirrored at random;
 * at test time the crop and its mirror image are averaged (flip test-time augmentation).
 */
import { noGrad } from '@nn/autograd';
import type { Image, Scene } from '@nn/data';
import { Adam, BatchNorm2d, Conv2d, crossEntropy, Dropout, Flatten, Linear, MaxPool2d, OneCycleLR, ReLU, Sequential } from '@nn/layers';
import { Generator, tensor, tidy, type Tensor } from '@nn/tensor';
import { CROP_MARGIN, CROP_SIZE, cropBox, cropTensor, jitterBox, maskedImage, type Corners } from './crops.js';
import type { Model } from './task.js';

export const CLASSIFIER_NAME = 'cropnet';

/** Three 3×3 convolution stages (16, 32, 64 channels at width 1), each halving the crop, then 128 features. */
export function cropNet(width = 1, classes = 10, channels = 1): Model {
  const c = [16, 32, 64].map((k) => Math.max(1, Math.round(k * width)));
  const stage = (from: number, to: number): Sequential => new Sequential(new Conv2d(from, to, 3, { padding: 1, bias: false }), new BatchNorm2d(to), new ReLU(), new MaxPool2d(2));
  const side = Math.floor(Math.floor(Math.floor(CROP_SIZE / 2) / 2) / 2);
  return new Sequential({
    features: new Sequential(stage(channels, c[0]), stage(c[0], c[1]), stage(c[1], c[2])),
    head: new Sequential(new Flatten(), new Linear(c[2] * side * side, 128), new ReLU(), new Dropout(0.3), new Linear(128, classes)),
  });
}

export interface ClassifierTraining {
  /** Training scene `index` of epoch `epoch` (fresh ones each epoch; seeded). */
  scene: (epoch: number, index: number) => Scene;
  /** Crops per epoch: the objects of as many scenes as it takes. */
  crops: number;
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  /** Crop the garments cut out along their true masks (segmentation), not with their background. */
  masked?: boolean;
  /** Called after each epoch with its mean loss and seconds. */
  onEpoch?: (epoch: number, loss: number, seconds: number) => void;
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

/** Trains `net` on jittered, randomly mirrored crops of the true boxes (one cycle of Adam); returns the loss per epoch. */
export function trainClassifier(net: Model, t: ClassifierTraining): number[] {
  const optimizer = new Adam(net.parameters(), { lr: t.lr });
  const scheduler = new OneCycleLR(optimizer, t.lr, { epochs: t.epochs, stepsPerEpoch: Math.ceil(t.crops / t.batchSize), pctStart: 0.2 });
  const generator = new Generator(t.seed);
  const losses: number[] = [];
  for (let epoch = 0; epoch < t.epochs; epoch++) {
    const started = performance.now();
    net.train();
    let sum = 0;
    let next = 0;
    let pending: Item[] = [];
    for (let done = 0; done < t.crops; ) {
      while (pending.length < t.batchSize) pending.push(...objects([t.scene(epoch, next++)], t.masked));
      const batch = pending.slice(0, Math.min(t.batchSize, t.crops - done));
      pending = pending.slice(batch.length);
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
    }
    losses.push(sum / t.crops);
    t.onEpoch?.(epoch, sum / t.crops, (performance.now() - started) / 1000);
  }
  optimizer.zeroGrad();
  return losses;
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
