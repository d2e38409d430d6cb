/**
 * The exact sizes, on full-size models: parameter counts, multiply-accumulates and
 * torchvision's state-dict keys and shapes. Built on the meta backend (shapes only), so VGG-19
 * costs neither its 575 MB nor its 20 G multiply-accumulates here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import { summary, type AnyModule, type Module } from '@nn/layers';
import { onMeta, type Tensor } from '@nn/tensor';
import * as zoo from './index.js';

const metaBuild = <T extends AnyModule>(make: () => T): T => onMeta(make);

function paramsOf(make: () => AnyModule): number {
  return onMeta(() => make().parameters().reduce((n, p) => n + p.size, 0));
}

function macsOf(make: () => Module<[Tensor], unknown>, inputShape: number[]): number {
  return onMeta(() => summary(make(), inputShape, { print: false }).totalMacs);
}

const noInit = { init: false } as const;

describe('parameter counts (torchvision 0.14 construction)', () => {
  const cases: [string, () => AnyModule, number][] = [
    ['alexnet', () => zoo.alexnet(noInit), 61_100_840],
    ['vgg11 (A)', () => zoo.vgg11(noInit), 132_863_336],
    ['vgg11_lrn (A-LRN)', () => zoo.vgg11_lrn(noInit), 132_863_336],
    ['vgg11_bn', () => zoo.vgg11_bn(noInit), 132_868_840],
    ['vgg13 (B)', () => zoo.vgg13(noInit), 133_047_848],
    ['vgg16_c (C)', () => zoo.vgg16_c(noInit), 133_638_952],
    ['vgg16 (D)', () => zoo.vgg16(noInit), 138_357_544],
    ['vgg16_bn', () => zoo.vgg16_bn(noInit), 138_365_992],
    ['vgg19 (E)', () => zoo.vgg19(noInit), 143_667_240],
    ['googlenet', () => zoo.googlenet(noInit), 6_624_904],
    ['googlenet with auxiliary classifiers', () => zoo.googlenet({ ...noInit, auxLogits: true }), 13_004_888],
    ['resnet18', () => zoo.resnet18(noInit), 11_689_512],
    ['resnet34', () => zoo.resnet34(noInit), 21_797_672],
    ['resnet50', () => zoo.resnet50(noInit), 25_557_032],
    ['resnet101', () => zoo.resnet101(noInit), 44_549_160],
    ['resnet152', () => zoo.resnet152(noInit), 60_192_808],
    ['lenet5 (1 channel, 10 classes)', () => zoo.lenet5(noInit), 61_706],
    ['unet (1 channel, 2 classes, no batch norm)', () => zoo.unet(noInit), 31_030_658],
  ];
  for (const [name, make, expected] of cases) {
    it(`${name}: ${expected.toLocaleString('en-US')}`, () => expect(paramsOf(make)).toBe(expected));
  }

  it("VGG's rounds to the lecture's table: A and A-LRN 133, B 133, C 134, D 138, E 144 million", () => {
    const millions = (make: () => AnyModule): number => Math.round(paramsOf(make) / 1e6);
    expect({
      A: millions(() => zoo.vgg11(noInit)),
      'A-LRN': millions(() => zoo.vgg11_lrn(noInit)),
      B: millions(() => zoo.vgg13(noInit)),
      C: millions(() => zoo.vgg16_c(noInit)),
      D: millions(() => zoo.vgg16(noInit)),
      E: millions(() => zoo.vgg19(noInit)),
    }).toEqual({ A: 133, 'A-LRN': 133, B: 133, C: 134, D: 138, E: 144 });
  });

  it('residual attention networks are within 3% of the paper: about 31.9 M (56) and 51.3 M (92)', () => {
    const ra56 = paramsOf(() => zoo.residualAttention56(noInit));
    const ra92 = paramsOf(() => zoo.residualAttention92(noInit));
    expect(ra56).toBe(31_810_728);
    expect(ra92).toBe(52_466_344);
    expect(Math.abs(ra56 / 31.9e6 - 1)).toBeLessThan(0.03);
    expect(Math.abs(ra92 / 51.3e6 - 1)).toBeLessThan(0.03);
  });

  it('the width multiplier and the class count change the sizes as they should', () => {
    // fc: 512 → 10 instead of 1000: 513·(1000 − 10) fewer parameters.
    expect(paramsOf(() => zoo.resnet18({ ...noInit, numClasses: 10 }))).toBe(11_689_512 - 513 * 990);
    expect(paramsOf(() => zoo.resnet18({ ...noInit, numClasses: 0 }))).toBe(11_689_512 - 513 * 1000);
    // One input channel instead of three: the stem's 7×7 filters lose 2·64·49 weights.
    expect(paramsOf(() => zoo.resnet18({ ...noInit, inChannels: 1 }))).toBe(11_689_512 - 2 * 64 * 49);
    const half = paramsOf(() => zoo.vgg16({ ...noInit, width: 0.5 }));
    expect(half / 138_357_544).toBeGreaterThan(0.2);
    expect(half / 138_357_544).toBeLessThan(0.3);
  });
});

describe('multiply-accumulates (convolutions and linear layers, padding included)', () => {
  it('resnet18 at 1×3×224×224: 1,814,073,344', () => expect(macsOf(() => zoo.resnet18(noInit), [1, 3, 224, 224])).toBe(1_814_073_344));
  it('vgg16 at 1×3×224×224: 15,470,264,320', () => expect(macsOf(() => zoo.vgg16(noInit), [1, 3, 224, 224])).toBe(15_470_264_320));
  it('alexnet at 1×3×224×224: 714,188,480', () => expect(macsOf(() => zoo.alexnet(noInit), [1, 3, 224, 224])).toBe(714_188_480));
  it('lenet5 at 1×1×32×32: 416,520', () => expect(macsOf(() => zoo.lenet5(noInit), [1, 1, 32, 32])).toBe(416_520));
  it('scale with the batch', () => expect(macsOf(() => zoo.lenet5(noInit), [3, 1, 32, 32])).toBe(3 * 416_520));
});

interface KeyList {
  entries: [string, number[]][];
  buffer_keys: string[];
  trainable_params: number;
}

function keyList(name: string): KeyList {
  return JSON.parse(readFileSync(join(import.meta.dirname, 'test-utils', 'torchvision-keys', `${name}.json`), 'utf8')) as KeyList;
}

describe("state-dict keys and shapes equal torchvision's", () => {
  const cases: [string, () => AnyModule][] = [
    ['alexnet', () => zoo.alexnet(noInit)],
    ['vgg16', () => zoo.vgg16(noInit)],
    ['googlenet', () => zoo.googlenet(noInit)],
    ['resnet18', () => zoo.resnet18(noInit)],
    ['resnet50', () => zoo.resnet50(noInit)],
    ['lenet5', () => zoo.lenet5({ ...noInit, activation: 'relu', pooling: 'max' })],
  ];
  for (const [name, make] of cases) {
    it(`${name}: same keys in the same order, same shapes, same buffers`, () => {
      const expected = keyList(name);
      const model = metaBuild(make);
      const ours = Object.entries(model.stateDict()).map(([k, t]): [string, number[]] => [k, [...t.shape]]);
      expect(ours).toEqual(expected.entries);
      expect(model.namedBuffers().map(([k]) => k)).toEqual(expected.buffer_keys);
      expect(model.parameters().reduce((n, p) => n + p.size, 0)).toBe(expected.trainable_params);
    });
  }

  it('googlenet with auxiliary classifiers adds aux1.* and aux2.* before fc, as torchvision', () => {
    const keys = Object.keys(metaBuild(() => zoo.googlenet({ ...noInit, auxLogits: true })).stateDict());
    const base = keyList('googlenet').entries.map(([k]) => k);
    const aux = ['conv.conv.weight', 'conv.bn.weight', 'conv.bn.bias', 'conv.bn.running_mean', 'conv.bn.running_var', 'conv.bn.num_batches_tracked', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias'];
    expect(keys).toEqual([...base.slice(0, -2), ...aux.map((k) => `aux1.${k}`), ...aux.map((k) => `aux2.${k}`), ...base.slice(-2)]);
  });
});
