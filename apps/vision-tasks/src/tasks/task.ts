/**
 * What the train, evaluate and predict commands need of a task: its model, its loss on a
 * batch of scenes, its scores on the test scenes, and its predictions for the pictures.
 */
import type { Scene } from '@nn/data';
import type { Module } from '@nn/layers';
import type { Tensor } from '@nn/tensor';

export type Model = Module<[Tensor], Tensor>;

/** The settings a checkpoint stores to rebuild its model. */
export interface ModelConfig {
  /** segment: 'multiclass' (background + 10 clothes) or 'binary' (clothes or not). */
  mode: 'multiclass' | 'binary';
  /** Channel multiplier of the backbone (localize, detect) or the U-Net's first width (segment). */
  width: number;
  /** The zoo classifier under the head (localize, detect; see backbones.ts). */
  backbone: string;
  /** detect: YOLO v1's grid or the centre-based detector (centernet.ts). */
  detector?: Detector;
  /**
   * The second stage (classifier.ts): a small CNN that names each found object from its crop,
   * with its width multiplier, and whether it reads garments cut out along their masks
   * (segment) or crops with their background, and how many such classifiers (from different
   * seeds) average their probabilities (absent: one). Absent: the first stage names the objects itself.
   */
  classifier?: { width: number; masked?: boolean; members?: number };
  /**
   * segment, two stages: the U-Net's third channel is a heatmap of the garments' centres, and a
   * patch of clothes that holds several is split among them (vote.ts, splitAtCentres). Absent
   * (checkpoints from before it): touching garments are split where eroded cores remain.
   */
  centres?: boolean;
}

/** The second stage's default training: `crops` per epoch, from fresh training scenes each epoch. */
export interface ClassifierDefaults {
  /** Passes over the clean training items first (items.ts). */
  itemEpochs: number;
  /** Then passes over crops of scenes. */
  epochs: number;
  crops: number;
  batchSize: number;
  lr: number;
  /** Classifiers trained side by side from different seeds, their probabilities averaged. */
  members: number;
}

export const DETECTORS = ['yolo', 'centernet'] as const;
export type Detector = (typeof DETECTORS)[number];

/** One image's prediction, as the pictures draw it. */
export interface Prediction {
  /** Class per pixel (segment). */
  mask?: Uint8Array;
  /** Corner boxes in pixels, with class (0..9) and score (localize, detect). */
  boxes?: { box: [number, number, number, number]; classId: number; score: number }[];
}

export interface TaskRunner {
  /** The model of a config, freshly initialised. */
  build(config: ModelConfig): Model;
  /** The default config, and learning rate and epochs of the default run. */
  defaults: { config: ModelConfig; lr: number; schedule: 'onecycle' | 'constant'; epochs: number; batchSize: number; trainScenes: number; testScenes: number; classifier: ClassifierDefaults };
  /** The default learning rate where it depends on the config (detect: YOLO v1 keeps its 2e-3). */
  defaultLr?(config: ModelConfig): number;
  loss(model: Model, images: Tensor, batch: readonly Scene[], config: ModelConfig): Tensor;
  /**
   * Scores on scenes (eval mode, no gradients), and one prediction per scene; `classifier` is
   * the second stage where the config has one.
   */
  evaluate(model: Model, scenes: readonly Scene[], config: ModelConfig, batchSize: number, classifier?: Model): { metrics: Record<string, unknown>; predictions: Prediction[] };
}
