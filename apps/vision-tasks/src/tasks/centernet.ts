/**
 * A centre-based detector (CenterNet, Zhou et al., 2019, "Objects as Points"), the second
 * detector issue 13 invites: every object is the peak of a heatmap of its class on a grid of
 * stride 8, with its centre's offset in the cell and its width and height read at the peak.
 * The grid comes from a ResNet's last three stages merged top-down (a small feature pyramid),
 * so each cell sees the whole garment but keeps its place; YOLO v1's 4×4 grid from a 2×2
 * feature map and one dense layer had to learn the places itself.
 *
 * Loss: the paper's focal loss on the heatmap (the targets are Gaussians around each centre,
 * so the cells next to a centre are punished less), and L1 on the offset and size at the
 * centres. Decoding: the cells that are the largest of their 3×3 neighbourhood in a class.
 */
import { BatchNorm2d, Conv2d, Module, parameter, ReLU } from '@nn/layers';
import type { ResNet } from '@nn/models-zoo';
import { logSigmoid, sigmoid, slice, tensor, upsample, type Tensor } from '@nn/tensor';

/** Cells per image side at stride 8 of a 64×64 scene. */
export const CENTER_STRIDE = 8;
/** The size loss counts this much against the heatmap's (sizes are image fractions, 0.3 to 0.7). */
const SIZE_WEIGHT = 5;

export class CenterNet extends Module {
  lateral4: Conv2d;
  lateral3: Conv2d;
  lateral2: Conv2d;
  smooth: Conv2d;
  smoothBn: BatchNorm2d;
  relu = new ReLU();
  out: Conv2d;

  constructor(
    readonly backbone: ResNet,
    readonly numClasses: number,
    channels = 64,
  ) {
    super();
    if (!(backbone.layer2 !== undefined && backbone.layer4 !== undefined)) throw new Error('centernet: the backbone must be a ResNet (--backbone resnet18|resnet34|resnet50)');
    const widths = [backbone.layer2, backbone.layer3, backbone.layer4].map((stage) => outChannels(stage as unknown as Module));
    this.lateral2 = new Conv2d(widths[0], channels, 1);
    this.lateral3 = new Conv2d(widths[1], channels, 1);
    this.lateral4 = new Conv2d(widths[2], channels, 1);
    this.smooth = new Conv2d(channels, channels, 3, { padding: 1, bias: false });
    this.smoothBn = new BatchNorm2d(channels);
    this.out = new Conv2d(channels, numClasses + 4, 1);
    // The heatmap starts at a prior of 0.1 everywhere (the paper's -2.19): the focal loss of a
    // 0.5 start would swamp the few centres.
    const bias = new Float32Array(numClasses + 4);
    bias.fill(-2.19, 0, numClasses);
    this.out.bias = parameter(tensor(bias));
  }

  /** Raw outputs [N, numClasses + 4, H/8, W/8]: class logits, then offset x, y (logits) and width, height. */
  forward(x: Tensor): Tensor {
    const b = this.backbone;
    const stem = b.maxpool.forward(b.relu.forward(b.bn1.forward(b.conv1.forward(x))));
    const c2 = b.layer2.forward(b.layer1.forward(stem));
    const c3 = b.layer3.forward(c2);
    const c4 = b.layer4.forward(c3);
    let p = upsample(this.lateral4.forward(c4), { scaleFactor: 2, mode: 'nearest' }).add(this.lateral3.forward(c3));
    p = upsample(p, { scaleFactor: 2, mode: 'nearest' }).add(this.lateral2.forward(c2));
    return this.out.forward(this.relu.forward(this.smoothBn.forward(this.smooth.forward(p))));
  }
}

/** The output channels of a ResNet stage (its last block's last batch norm). */
function outChannels(stage: Module): number {
  const norms = stage.modules().filter((m): m is BatchNorm2d => m instanceof BatchNorm2d);
  return norms[norms.length - 1].numFeatures;
}

export interface CenterObject {
  /** [cx, cy, w, h] as image fractions. */
  box: readonly [number, number, number, number];
  classId: number;
}

export interface CenterTargets {
  /** Gaussian heatmaps [N, C, G, G], 1 at each centre. */
  heat: Float32Array;
  /** Offset x, y in the cell and width, height [N, 4, G, G], at the centres only. */
  regression: Float32Array;
  /** 1 at the centres [N, 1, G, G]. */
  centres: Float32Array;
  count: number;
}

/**
 * A Gaussian bump of spread `sigma` at pixel (cx, cy) of a height × width map, kept where it is
 * larger than what the map holds (where two objects' bumps meet, the larger wins), 1 at the centre.
 */
export function drawGaussian(map: Float32Array, height: number, width: number, cx: number, cy: number, sigma: number): void {
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const g = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * sigma * sigma));
      map[y * width + x] = Math.max(map[y * width + x], g);
    }
  }
}

/** The targets of a batch on a G×G grid. */
export function encodeCenterTargets(objects: readonly (readonly CenterObject[])[], numClasses: number, grid: number): CenterTargets {
  const plane = grid * grid;
  const heat = new Float32Array(objects.length * numClasses * plane);
  const regression = new Float32Array(objects.length * 4 * plane);
  const centres = new Float32Array(objects.length * plane);
  let count = 0;
  objects.forEach((scene, n) => {
    for (const { box, classId } of scene) {
      const [cx, cy, w, h] = box;
      const ix = Math.min(grid - 1, Math.floor(cx * grid));
      const iy = Math.min(grid - 1, Math.floor(cy * grid));
      // The paper's spread: a sixth of the object's size (here in cells), at least half a cell.
      const sigma = Math.max(0.5, (Math.min(w, h) * grid) / 6);
      drawGaussian(heat.subarray((n * numClasses + classId) * plane, (n * numClasses + classId + 1) * plane), grid, grid, ix, iy, sigma);
      const at = iy * grid + ix;
      [cx * grid - ix, cy * grid - iy, w, h].forEach((v, k) => (regression[(n * 4 + k) * plane + at] = v));
      if (!centres[n * plane + at]) count++;
      centres[n * plane + at] = 1;
    }
  });
  return { heat, regression, centres, count };
}

/** Focal loss on the heatmaps plus L1 on offsets and sizes at the centres, per object. */
export function centerNetLoss(output: Tensor, targets: CenterTargets, numClasses: number): Tensor {
  const [n, , g] = output.shape;
  const logits = slice(output, [0, 0, 0, 0], [n, numClasses, g, g]);
  const regression = slice(output, [0, numClasses, 0, 0], [n, numClasses + 4, g, g]);
  const shape = [n, numClasses, g, g];
  const positive = Float32Array.from(targets.heat, (v) => (v === 1 ? 1 : 0));
  const negativeWeight = Float32Array.from(targets.heat, (v) => (v === 1 ? 0 : (1 - v) ** 4));
  const p = sigmoid(logits);
  const q = p.neg().add(1);
  const positives = tensor(positive, shape).mul(q.mul(q)).mul(logSigmoid(logits));
  const negatives = tensor(negativeWeight, shape).mul(p.mul(p)).mul(logSigmoid(logits.neg()));
  const objects = Math.max(1, targets.count);
  const focal = positives.add(negatives).sum().neg().div(objects);
  const centres = tensor(targets.centres, [n, 1, g, g]);
  const truth = tensor(targets.regression, [n, 4, g, g]);
  const offset = sigmoid(slice(regression, [0, 0, 0, 0], [n, 2, g, g])).sub(slice(truth, [0, 0, 0, 0], [n, 2, g, g])).abs().mul(centres).sum();
  const size = slice(regression, [0, 2, 0, 0], [n, 4, g, g]).sub(slice(truth, [0, 2, 0, 0], [n, 4, g, g])).abs().mul(centres).sum().mul(SIZE_WEIGHT);
  return focal.add(offset.add(size).div(objects));
}

export interface CenterDetection {
  /** Corners as image fractions. */
  box: [number, number, number, number];
  score: number;
  classId: number;
}

/**
 * Detections of raw outputs: each cell that holds the largest score of its 3×3 neighbourhood
 * in its class and scores at least `scoreThreshold`; at most `maxDetections` per image.
 */
export function decodeCenterNet(output: Tensor, numClasses: number, scoreThreshold = 0.05, maxDetections = 20): CenterDetection[][] {
  return decodeValues(output.dataSync(), output.shape, numClasses, scoreThreshold, maxDetections);
}

/**
 * The objects of raw outputs whatever their class (for a second stage to name): the heatmaps'
 * largest logit per cell is the cell's objectness, decoded as one class (`classId` 0).
 */
export function decodeCenterObjects(output: Tensor, numClasses: number, scoreThreshold = 0.05, maxDetections = 20): CenterDetection[][] {
  const [n, channels, g] = output.shape;
  const plane = g * g;
  const values = output.dataSync();
  const merged = new Float32Array(n * 5 * plane);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < plane; i++) {
      let best = -Infinity;
      for (let c = 0; c < numClasses; c++) best = Math.max(best, values[(b * channels + c) * plane + i]);
      merged[b * 5 * plane + i] = best;
    }
    merged.set(values.subarray((b * channels + numClasses) * plane, (b + 1) * channels * plane), (b * 5 + 1) * plane);
  }
  return decodeValues(merged, [n, 5, g, g], 1, scoreThreshold, maxDetections);
}

function decodeValues(values: ArrayLike<number>, shape: readonly number[], numClasses: number, scoreThreshold: number, maxDetections: number): CenterDetection[][] {
  const [n, channels, g] = shape;
  const plane = g * g;
  const score = (i: number): number => 1 / (1 + Math.exp(-values[i]));
  const result: CenterDetection[][] = [];
  for (let b = 0; b < n; b++) {
    const found: CenterDetection[] = [];
    const base = b * channels * plane;
    for (let c = 0; c < numClasses; c++) {
      for (let y = 0; y < g; y++) {
        for (let x = 0; x < g; x++) {
          const v = values[base + c * plane + y * g + x];
          if (score(base + c * plane + y * g + x) < scoreThreshold) continue;
          let peak = true;
          for (let dy = -1; dy <= 1 && peak; dy++) {
            for (let dx = -1; dx <= 1; dx++) {
              const yy = y + dy;
              const xx = x + dx;
              if ((dx !== 0 || dy !== 0) && yy >= 0 && yy < g && xx >= 0 && xx < g && values[base + c * plane + yy * g + xx] > v) peak = false;
            }
          }
          if (!peak) continue;
          const at = (k: number): number => values[base + (numClasses + k) * plane + y * g + x];
          const cx = (x + 1 / (1 + Math.exp(-at(0)))) / g;
          const cy = (y + 1 / (1 + Math.exp(-at(1)))) / g;
          const w = Math.max(0, at(2));
          const h = Math.max(0, at(3));
          found.push({ box: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], score: score(base + c * plane + y * g + x), classId: c });
        }
      }
    }
    found.sort((a, b2) => b2.score - a.score);
    result.push(found.slice(0, maxDetections));
  }
  return result;
}
