import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import { manualSeed, randn, setBackend } from '@nn/tensor';
import { cropClassifier, CropEnsemble, cropNet, trainClassifier } from './classifier.js';

await setBackend('cpu');

// Five 28×28 items: a bright square at a place and size that differ by class (0 or 1).
const items = {
  images: {
    shape: [5, 28, 28],
    data: Uint8Array.from({ length: 5 * 784 }, (_, i) => {
      const [n, y, x] = [Math.floor(i / 784), Math.floor((i % 784) / 28), i % 28];
      return n % 2 === 0 ? Number(y > 4 && y < 24 && x > 10 && x < 18) * 200 : Number(y > 10 && y < 18 && x > 4 && x < 24) * 200;
    }),
  },
  labels: { data: Uint8Array.from([0, 1, 0, 1, 0]) },
};

describe('cropNet', () => {
  it('pools each stage before its batch norm (conv, pool, norm, ReLU) and gives 10 scores per 28×28 crop', () => {
    manualSeed(1);
    const net = cropNet(1);
    const keys = Object.keys(net.stateDict());
    for (const stage of [0, 1, 2]) {
      expect(keys).toContain(`features.${stage}.0.weight`);
      expect(keys).toContain(`features.${stage}.2.running_mean`);
      expect(keys).not.toContain(`features.${stage}.1.weight`);
    }
    net.eval();
    expect(net.forward(randn([2, 1, 28, 28])).shape).toEqual([2, 10]);
  });
});

describe('CropEnsemble', () => {
  it("averages its members' probabilities: a softmax of its output is their mean, and its weights sit under members.k", () => {
    manualSeed(3);
    const [a, b] = [cropNet(0.5), cropNet(0.5)];
    const ensemble = new CropEnsemble([a, b]);
    ensemble.eval();
    const x = randn([3, 1, 28, 28]);
    const mean = a.forward(x).softmax(1).add(b.forward(x).softmax(1)).mul(0.5).dataSync();
    const got = ensemble.forward(x).softmax(1).dataSync();
    for (let i = 0; i < mean.length; i++) expect(got[i]).toBeCloseTo(mean[i], 6);
    // The two members differ, so the mean is neither's.
    expect(Array.from(a.forward(x).softmax(1).dataSync())).not.toEqual(Array.from(b.forward(x).softmax(1).dataSync()));
    const keys = Object.keys(ensemble.stateDict());
    expect(keys).toContain('members.0.features.0.0.weight');
    expect(keys).toContain('members.1.head.4.bias');
    expect(keys).toHaveLength(2 * Object.keys(a.stateDict()).length);
  });

  it('is what cropClassifier builds for two or more members; one member is the plain net', () => {
    expect(cropClassifier(0.5, 1)).not.toBeInstanceOf(CropEnsemble);
    expect(cropClassifier(0.5, 3)).toBeInstanceOf(CropEnsemble);
    expect(() => new CropEnsemble([cropNet(0.5)])).toThrow(/CropEnsemble: needs at least 2 members, got 1/);
  });
});

describe('trainClassifier', () => {
  it('learns from the clean items alone: `crops` of them per epoch, the stream going round the items', async () => {
    manualSeed(1);
    const net = cropNet(0.25);
    const noScenes = (): never => {
      throw new Error('no scene should be painted with --classifier-epochs 0');
    };
    const epochs: string[] = [];
    const losses = await trainClassifier(net, { items, itemEpochs: 3, scene: noScenes, crops: 8, epochs: 0, batchSize: 4, lr: 3e-3, seed: 1, onEpoch: (kind, epoch) => epochs.push(`${kind} ${epoch}`) });
    expect(epochs).toEqual(['items 0', 'items 1', 'items 2']);
    expect(losses).toHaveLength(3);
    for (const loss of losses) expect(Number.isFinite(loss)).toBe(true);
  });
});
