import '@nn/backend-cpu';
import { engine, getBackend, memory, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { ReLU } from './layers/activation.js';
import { Sequential } from './layers/containers.js';
import { Conv2d } from './layers/conv.js';
import { BatchNorm2d } from './layers/normalization.js';
import { MaxPool2d } from './layers/pooling.js';
import { Flatten } from './layers/shape.js';
import { Module } from './module.js';
import { summary } from './summary.js';

class Small extends Module {
  features = new Sequential(new Conv2d(1, 6, 5), new ReLU(), new MaxPool2d(2));
  conv2 = new Conv2d(6, 16, 5, { padding: 2 });
  bn = new BatchNorm2d(16);
  flatten = new Flatten();
  forward(x: Tensor): Tensor {
    const y = this.bn.forward(this.conv2.forward(this.features.forward(x)));
    // conv2 again: a repeated call shows as recursive and its parameters count once.
    return this.flatten.forward(this.conv2.forward(y.slice([0, 0], [null, 6])));
  }
}

describe('summary', () => {
  it('lists the layers in call order with output shapes, parameters and multiply-accumulates', () => {
    const model = new Small();
    const s = summary(model, [2, 1, 28, 28], { print: false });
    expect(s.rows.map((r) => [r.name, r.outputShape, r.params, r.macs, r.recursive])).toEqual([
      ['', [2, 16 * 12 * 12], 0, 0, false],
      ['features', [2, 6, 12, 12], 0, 0, false],
      ['features.0', [2, 6, 24, 24], 156, 2 * 24 * 24 * 150, false],
      ['features.1', [2, 6, 24, 24], 0, 0, false],
      ['features.2', [2, 6, 12, 12], 0, 0, false],
      ['conv2', [2, 16, 12, 12], 2416, 2 * 12 * 12 * 2400, false],
      ['bn', [2, 16, 12, 12], 32, 0, false],
      ['conv2', [2, 16, 12, 12], 0, 2 * 12 * 12 * 2400, true],
      ['flatten', [2, 2304], 0, 0, false],
    ]);
    expect(s.totalParams).toBe(156 + 2416 + 32);
    expect(s.trainableParams).toBe(s.totalParams);
    expect(s.totalMacs).toBe(2 * 24 * 24 * 150 + 2 * 2 * 12 * 12 * 2400);
    expect(s.inputBytes).toBe(2 * 28 * 28 * 4);
    expect(s.paramBytes).toBe(s.totalParams * 4);
  });

  it('prints a torchinfo-style table with totals', () => {
    const s = summary(new Small(), [1, 1, 28, 28], { print: false });
    const lines = s.text.split('\n');
    expect(lines[1]).toMatch(/^Layer \(type \(name\):depth-idx\)\s+Output Shape\s+Param #\s+Mult-Adds$/);
    expect(lines[3]).toMatch(/^Small\s+\[1, 2304\]\s+--\s+--$/);
    expect(lines[4]).toMatch(/^├─Sequential \(features\): 1-1\s+\[1, 6, 12, 12\]\s+--\s+--$/);
    expect(lines[5]).toMatch(/^│ {4}└─Conv2d \(0\): 2-1\s+\[1, 6, 24, 24\]\s+156\s+86,400$/);
    expect(lines[8]).toMatch(/^├─Conv2d \(conv2\): 1-2\s+\[1, 16, 12, 12\]\s+2,416\s+345,600$/);
    expect(lines[10]).toMatch(/^├─Conv2d \(conv2\): 1-4\s+\[1, 16, 12, 12\]\s+\(recursive\)\s+345,600$/);
    expect(s.text).toContain('Total params: 2,604');
    expect(s.text).toContain('Trainable params: 2,604');
    expect(s.text).toContain('Non-trainable params: 0');
    expect(s.text).toContain('Total mult-adds (M): 0.78');
    expect(String(s)).toBe(s.text);
    // depth limits the rows shown, not the totals.
    expect(summary(new Small(), [1, 1, 28, 28], { print: false, depth: 1 }).text).not.toContain('└─');
  });

  it('counts frozen parameters as non-trainable', () => {
    const model = new Small();
    model.features.requiresGrad_(false);
    const s = summary(model, [1, 1, 28, 28], { print: false });
    expect(s.nonTrainableParams).toBe(156);
  });

  it('leaves the model as it found it: forward methods, training mode, buffers, no tensors', () => {
    const model = new Small();
    const before = memory().numTensors;
    const mean = [...model.bn.runningMean!.dataSync()];
    summary(model, [2, 1, 28, 28], { print: false });
    expect(memory().numTensors).toBe(before);
    expect(model.modules().every((m) => m.training)).toBe(true);
    expect(model.modules().some((m) => Object.hasOwn(m, 'forward'))).toBe(false);
    expect(model.bn.numBatchesTracked!.item()).toBe(0);
    expect([...model.bn.runningMean!.dataSync()]).toEqual(mean);
  });

  it('passes a forward error through and still restores the model', () => {
    const model = new Small();
    expect(() => summary(model, [1, 3, 28, 28], { print: false })).toThrow(/conv2d/);
    expect(model.modules().some((m) => Object.hasOwn(m, 'forward'))).toBe(false);
  });

  it('counts the same table from shapes alone with compute: false, leaving the weights on their backend', () => {
    const model = new Small();
    const computed = summary(model, [2, 1, 28, 28], { print: false });
    const before = model.conv2.weight.dataSync().slice();
    const tensorsBefore = memory().numTensors;
    const active = getBackend(); // cpu here; gpujs when @nn/conformance runs these tests there
    const counted = summary(model, [2, 1, 28, 28], { print: false, compute: false });
    expect(counted.rows).toEqual(computed.rows);
    expect(counted.text).toBe(computed.text);
    expect(memory().numTensors).toBe(tensorsBefore);
    expect(memory().backends.meta.numDataIds).toBe(0);
    expect(getBackend()).toBe(active);
    expect(engine().backendOf(model.conv2.weight).name).toBe(active);
    expect([...model.conv2.weight.dataSync()]).toEqual([...before]);
  });

  it('names an unknown option', () => {
    expect(() => summary(new Small(), [1, 1, 28, 28], { print: false, compute: false, shapes: true } as never)).toThrow(
      "summary: unknown option 'shapes' (options: dtype, print, depth, compute)",
    );
  });
});
