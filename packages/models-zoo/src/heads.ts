/**
 * The lecture's four tasks as heads on a backbone's feature map ("what is the output of the
 * network?"):
 *
 *   regression       linear outputs (the number of dogs in the picture)
 *   classification   one output per class: softmax for one label, sigmoid for several
 *   segmentation     a class score per pixel (1×1 convolution, resized to the input)
 *   detection        one object: class scores plus 4 box numbers (localization);
 *                    several: a YOLO grid of S×S×(5B + C)
 *
 * `withHead(backbone, { task: ... })` builds the model. Each head's forward gives raw outputs
 * (logits, box numbers); `activate` turns them into what the lecture draws (probabilities),
 * and `loss` is the matching training loss on raw outputs, which is numerically safer.
 */
import { noGrad } from '@nn/autograd';
import { AdaptiveAvgPool2d, binaryCrossEntropyWithLogits, crossEntropy, Dropout, mseLoss, Module, type AnyModule } from '@nn/layers';
import { concat, flatten, sigmoid, slice, softmax, upsample, type Tensor } from '@nn/tensor';
import { Conv2d, construct, Linear, pytorchDefault } from './building.js';
import { checkPositiveInt, isBackbone, type Backbone } from './common.js';
import { resolveGrid, YoloHead, yoloLoss, type ResolvedYoloGrid, type YoloHeadOptions } from './yolo.js';

/** A head: features and the input's [height, width] → raw outputs, plus how to read and train them. */
export abstract class TaskHead<Target = Tensor> extends Module<[Tensor, readonly [number, number]], Tensor> {
  /** Raw outputs → the prediction a user reads (probabilities, boxes). */
  abstract activate(output: Tensor): Tensor;
  /** The training loss of raw outputs against a target. */
  abstract loss(output: Tensor, target: Target): Tensor;
}

/** Global average pooling to a vector, then one linear layer. */
abstract class PooledLinearHead<Target> extends TaskHead<Target> {
  pool = new AdaptiveAvgPool2d(1);
  dropout: Dropout | null;
  fc: Linear;

  constructor(inFeatures: number, outputs: number, dropout: number) {
    super();
    this.dropout = dropout > 0 ? new Dropout(dropout) : null;
    this.fc = new Linear(inFeatures, outputs);
  }

  forward(features: Tensor): Tensor {
    const pooled = flatten(this.pool.forward(features), 1);
    return this.fc.forward(this.dropout === null ? pooled : this.dropout.forward(pooled));
  }
}

/** Linear outputs, mean squared error. */
export class RegressionHead extends PooledLinearHead<Tensor> {
  constructor(inFeatures: number, outputs = 1) {
    super(inFeatures, checkPositiveInt('RegressionHead', 'outputs', outputs), 0);
  }
  activate(output: Tensor): Tensor {
    return output;
  }
  loss(output: Tensor, target: Tensor): Tensor {
    return mseLoss(output, target);
  }
}

/**
 * Class logits. One label per image: softmax probabilities, cross entropy against int32
 * class indices [N]. Several (multiLabel): a sigmoid per class, binary cross entropy against
 * float 0/1 targets [N, numClasses].
 */
export class ClassificationHead extends PooledLinearHead<Tensor> {
  constructor(
    inFeatures: number,
    readonly numClasses: number,
    readonly multiLabel = false,
    dropout = 0,
  ) {
    super(inFeatures, checkPositiveInt('ClassificationHead', 'numClasses', numClasses), dropout);
  }
  activate(output: Tensor): Tensor {
    return this.multiLabel ? sigmoid(output) : softmax(output, 1);
  }
  loss(output: Tensor, target: Tensor): Tensor {
    return this.multiLabel ? binaryCrossEntropyWithLogits(output, target) : crossEntropy(output, target);
  }
}

/**
 * Per-pixel class scores [N, numClasses, H, W] at the input's size (bilinear resizing of a
 * 1×1 convolution's scores). numClasses 1 is binary segmentation: a sigmoid and binary cross
 * entropy against a float mask [N, 1, H, W]; otherwise softmax over classes and cross entropy
 * against int32 class maps [N, H, W].
 */
export class SegmentationHead extends TaskHead<Tensor> {
  classifier: Conv2d;

  constructor(
    inFeatures: number,
    readonly numClasses: number,
  ) {
    super();
    this.classifier = new Conv2d(inFeatures, checkPositiveInt('SegmentationHead', 'numClasses', numClasses), 1);
  }
  forward(features: Tensor, imageSize: readonly [number, number]): Tensor {
    const scores = this.classifier.forward(features);
    if (scores.shape[2] === imageSize[0] && scores.shape[3] === imageSize[1]) return scores;
    return upsample(scores, { size: imageSize, mode: 'bilinear' });
  }
  activate(output: Tensor): Tensor {
    return this.numClasses === 1 ? sigmoid(output) : softmax(output, 1);
  }
  loss(output: Tensor, target: Tensor): Tensor {
    return this.numClasses === 1 ? binaryCrossEntropyWithLogits(output, target) : crossEntropy(output, target);
  }
}

/** What a single-object localizer learns from: the class of each image and its object's box. */
export interface LocalizationTarget {
  /** int32 class indices [N]. */
  labels: Tensor;
  /** The boxes [N, 4], as the lecture's four numbers (e.g. centre x, y, width, height as image fractions). */
  boxes: Tensor;
}

/**
 * The lecture's "detection of one object": numClasses class scores and 4 box numbers,
 * [N, numClasses + 4]. The loss adds cross entropy on the scores and boxWeight times the
 * squared error of the box.
 */
export class LocalizationHead extends PooledLinearHead<LocalizationTarget> {
  constructor(
    inFeatures: number,
    readonly numClasses: number,
    readonly boxWeight = 1,
  ) {
    super(inFeatures, checkPositiveInt('LocalizationHead', 'numClasses', numClasses) + 4, 0);
  }
  /** The class scores [N, numClasses] and the box [N, 4] of raw outputs. */
  split(output: Tensor): { scores: Tensor; box: Tensor } {
    const n = output.shape[0];
    return { scores: slice(output, [0, 0], [n, this.numClasses]), box: slice(output, [0, this.numClasses], [n, this.numClasses + 4]) };
  }
  /** Class probabilities followed by the box. */
  activate(output: Tensor): Tensor {
    const { scores, box } = this.split(output);
    return concat([softmax(scores, 1), box], 1);
  }
  loss(output: Tensor, target: LocalizationTarget): Tensor {
    const { scores, box } = this.split(output);
    return crossEntropy(scores, target.labels).add(mseLoss(box, target.boxes).mul(this.boxWeight));
  }
}

/** The YOLO v1 grid [N, S, S, 5B + C]; see yolo.ts for the loss and decodeYoloV1 for boxes. */
export class DetectionHead extends TaskHead<Tensor> {
  yolo: YoloHead;
  readonly grid: ResolvedYoloGrid;

  constructor(inFeatures: number, options: YoloHeadOptions = {}) {
    super();
    this.yolo = new YoloHead(inFeatures, options);
    this.grid = resolveGrid('DetectionHead', options);
  }
  forward(features: Tensor): Tensor {
    return this.yolo.forward(features);
  }
  activate(output: Tensor): Tensor {
    return output;
  }
  /** `target` from encodeYoloTargets. */
  loss(output: Tensor, target: Tensor): Tensor {
    return yoloLoss(output, target, this.grid);
  }
}

export type HeadSpec =
  | { task: 'regression'; outputs?: number }
  | { task: 'classification'; numClasses: number; multiLabel?: boolean; dropout?: number }
  | { task: 'segmentation'; numClasses: number }
  | { task: 'localization'; numClasses: number; boxWeight?: number }
  | ({ task: 'detection' } & YoloHeadOptions);

type TargetOf<S extends HeadSpec> = S extends { task: 'localization' } ? LocalizationTarget : Tensor;

export type BackboneModule = AnyModule & Backbone;

/** A backbone's features through a task head. */
export class TaskModel<Target = Tensor> extends Module {
  constructor(
    readonly backbone: BackboneModule,
    readonly head: TaskHead<Target>,
  ) {
    super();
    if (!isBackbone(backbone)) throw new Error('TaskModel: the backbone must have numFeatures and forwardFeatures (every zoo classifier does)');
  }

  /** Raw outputs for images [N, C, H, W]. */
  forward(x: Tensor): Tensor {
    return this.head.forward(this.backbone.forwardFeatures(x), [x.shape[2], x.shape[3]]);
  }

  /** The head's reading of the outputs (probabilities, boxes), in eval mode and without recording gradients. */
  predict(x: Tensor): Tensor {
    const modes = this.modules().map((m) => m.training);
    this.eval();
    try {
      return noGrad(() => this.head.activate(this.forward(x)));
    } finally {
      this.modules().forEach((m, i) => (m.training = modes[i]));
    }
  }

  loss(x: Tensor, target: Target): Tensor {
    return this.head.loss(this.forward(x), target);
  }
}

function makeHead(inFeatures: number, spec: HeadSpec): TaskHead<never> {
  switch (spec.task) {
    case 'regression':
      return new RegressionHead(inFeatures, spec.outputs ?? 1);
    case 'classification':
      return new ClassificationHead(inFeatures, spec.numClasses, spec.multiLabel ?? false, spec.dropout ?? 0);
    case 'segmentation':
      return new SegmentationHead(inFeatures, spec.numClasses);
    case 'localization':
      return new LocalizationHead(inFeatures, spec.numClasses, spec.boxWeight ?? 1);
    case 'detection':
      return new DetectionHead(inFeatures, spec);
    default:
      throw new Error(`withHead: task must be regression, classification, segmentation, localization or detection, got ${JSON.stringify((spec as { task: unknown }).task)}`);
  }
}

/**
 * Puts a task head on a backbone, e.g. `withHead(resnet18({ numClasses: 0 }), { task:
 * 'segmentation', numClasses: 3 })`. Build the backbone with numClasses 0 so that it carries
 * no classifier of its own.
 */
export function withHead<S extends HeadSpec>(backbone: BackboneModule, spec: S): TaskModel<TargetOf<S>> {
  if (!isBackbone(backbone)) throw new Error('withHead: the backbone must have numFeatures and forwardFeatures (every zoo classifier does)');
  const head = construct(() => makeHead(backbone.numFeatures, spec), pytorchDefault) as TaskHead<TargetOf<S>>;
  return new TaskModel(backbone, head);
}

/** The lecture's single-object detector: class scores and one box from any backbone. */
export function singleObjectLocalizer(backbone: BackboneModule, numClasses: number, boxWeight = 1): TaskModel<LocalizationTarget> {
  return withHead(backbone, { task: 'localization', numClasses, boxWeight });
}

/** A YOLO v1 grid detector on any backbone: S×S×(5B + C) outputs, 7×7×30 by default. */
export function yoloV1(backbone: BackboneModule, options: YoloHeadOptions = {}): TaskModel<Tensor> {
  return withHead(backbone, { task: 'detection', ...options });
}
