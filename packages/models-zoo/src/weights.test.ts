/**
 * torchvision checkpoints load: a safetensors file in PyTorch's layout, written for
 * torchvision's key lists with random numbers, loads into our models with every value in
 * place (I64 counters included), and the full-size models accept a state dict of exactly
 * torchvision's keys and shapes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import '@nn/backend-cpu';
import { fromBytes, type AnyModule, type StateDict } from '@nn/layers';
import { dispose, manualSeed, onMeta, zeros } from '@nn/tensor';
import { randomStateDict, torchSafetensorsBytes } from './test-utils/torch_safetensors.js';
import * as zoo from './index.js';

function keyList(name: string): [string, number[]][] {
  const path = join(import.meta.dirname, 'test-utils', 'torchvision-keys', `${name}.json`);
  return (JSON.parse(readFileSync(path, 'utf8')) as { entries: [string, number[]][] }).entries;
}

describe('loading a PyTorch-written safetensors file', () => {
  const cases: [string, () => AnyModule][] = [
    ['lenet5', () => zoo.lenet5({ activation: 'relu', pooling: 'max', init: false })],
    ['resnet18', () => zoo.resnet18({ init: false })],
    ['googlenet', () => zoo.googlenet({ init: false })],
  ];
  for (const [name, make] of cases) {
    it(`${name}: every tensor arrives with its values`, () => {
      manualSeed(5);
      const written = randomStateDict(keyList(name));
      const loaded = fromBytes(torchSafetensorsBytes(written));
      const model = make();
      expect(model.loadStateDict(loaded)).toEqual({ missingKeys: [], unexpectedKeys: [] });
      dispose(Object.values(loaded));
      const state = model.stateDict();
      for (const [key, t] of written) {
        const ours = state[key].dataSync();
        if (t.dtype === 'I64') {
          expect(state[key].dtype).toBe('int32');
          expect(ours[0]).toBe(Number((t.values as BigInt64Array)[0]));
        } else {
          // A plain loop: toEqual on millions of elements takes minutes.
          let mismatches = 0;
          for (let i = 0; i < ours.length; i++) if (ours[i] !== t.values[i]) mismatches++;
          expect([key, ours.length, mismatches]).toEqual([key, t.values.length, 0]);
        }
      }
      model.parameters().forEach((p) => p.dispose());
      model.buffers().forEach((b) => b.dispose());
    });
  }
});

describe('full-size models take exactly torchvision state dicts', () => {
  const cases: [string, () => AnyModule][] = [
    ['alexnet', () => zoo.alexnet({ init: false })],
    ['vgg16', () => zoo.vgg16({ init: false })],
    ['resnet50', () => zoo.resnet50({ init: false })],
  ];
  for (const [name, make] of cases) {
    it(`${name}`, () => {
      onMeta(() => {
        const model = make();
        const stateDict: StateDict = {};
        for (const [key, shape] of keyList(name)) stateDict[key] = zeros(shape, { dtype: key.endsWith('num_batches_tracked') ? 'int32' : 'float32' });
        expect(model.loadStateDict(stateDict)).toEqual({ missingKeys: [], unexpectedKeys: [] });
        // One key too many or too few is an error naming it.
        const [firstKey] = Object.keys(stateDict);
        const { [firstKey]: dropped, ...missingOne } = stateDict;
        expect(() => model.loadStateDict(missingOne)).toThrow(new RegExp(`missing keys: "${firstKey.replace(/\./g, '\\.')}"`));
        expect(() => model.loadStateDict({ ...stateDict, 'extra.weight': dropped })).toThrow(/unexpected keys: "extra\.weight"/);
      });
    });
  }
});
