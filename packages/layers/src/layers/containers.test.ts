import '@nn/backend-cpu';
import { randn, tensor, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { Module } from '../module.js';
import { ReLU, Tanh } from './activation.js';
import { ModuleDict, ModuleList, Sequential } from './containers.js';
import { Conv2d } from './conv.js';
import { BatchNorm2d } from './normalization.js';
import { Flatten } from './shape.js';

describe('Sequential', () => {
  it('chains its layers and names them 0, 1, ... in the state dict', () => {
    const seq = new Sequential(new Conv2d(1, 2, 3), new BatchNorm2d(2), new ReLU(), new Flatten());
    expect(seq.length).toBe(4);
    expect(Object.keys(seq.stateDict())).toEqual(['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked']);
    const x = randn([2, 1, 5, 5]);
    const manual = seq.at(3).forward(seq.at(2).forward(seq.at(1).forward(seq.at(0).forward(x))));
    const seq2 = new Sequential(seq.at(0), seq.at(1), seq.at(2), seq.at(3));
    expect(seq2.forward(x).toArray()).toEqual(manual.toArray());
    expect(seq.at(-1)).toBe(seq.at(3));
    expect([...seq].length).toBe(4);
  });

  it('takes named layers, whose names are the keys as given', () => {
    const seq = new Sequential({ conv_1: new Conv2d(1, 2, 3), act: new ReLU() });
    expect(Object.keys(seq.stateDict())).toEqual(['conv_1.weight', 'conv_1.bias']);
    expect(seq.get('act')).toBeInstanceOf(ReLU);
    expect(() => seq.get('nope')).toThrow(/Sequential: no layer named 'nope'/);
  });

  it('nests into torchvision-style keys and prints a tree', () => {
    class Net extends Module {
      features = new Sequential(new Conv2d(3, 4, 3), new ReLU());
      forward(x: Tensor): Tensor {
        return this.features.forward(x);
      }
    }
    const net = new Net();
    expect(Object.keys(net.stateDict())).toEqual(['features.0.weight', 'features.0.bias']);
    expect(net.toString()).toBe(['Net(', '  (features): Sequential(', '    (0): Conv2d(3, 4, kernelSize=[3, 3], stride=[1, 1])', '    (1): ReLU()', '  )', ')'].join('\n'));
  });

  it('append grows it; a non-module is refused', () => {
    const seq = new Sequential(new ReLU()).append(new Tanh());
    expect(seq.forward(tensor([-1, 1])).toArray()).toEqual([0, Math.fround(Math.tanh(1))]);
    expect(() => new Sequential(3 as unknown as ReLU)).toThrow(/Sequential: argument 0 is not a Module/);
    expect(() => seq.at(5)).toThrow(/index 5 is out of range for 2 layers/);
  });
});

describe('ModuleList and ModuleDict', () => {
  it('register their modules under indices and names, in order, and cannot be called', () => {
    class Net extends Module {
      blocks = new ModuleList([new Conv2d(1, 1, 1), new Conv2d(1, 1, 1)]);
      // Entries keep their order exactly; an object literal would put the key '1' first (a JavaScript rule).
      heads = new ModuleDict<Module>([
        ['b', new Conv2d(1, 1, 1, { bias: false })],
        ['a', new Conv2d(1, 1, 1, { bias: false })],
        ['1', new ReLU()],
      ]);
      forward(x: Tensor): Tensor {
        let y = x;
        for (const block of this.blocks) y = block.forward(y);
        return (this.heads.get('a') as Conv2d).forward(y);
      }
    }
    const net = new Net();
    expect(Object.keys(net.stateDict())).toEqual(['blocks.0.weight', 'blocks.0.bias', 'blocks.1.weight', 'blocks.1.bias', 'heads.b.weight', 'heads.a.weight']);
    expect(net.forward(randn([1, 1, 2, 2])).shape).toEqual([1, 1, 2, 2]);
    expect(net.heads.keys()).toEqual(['b', 'a', '1']);
    expect(net.blocks.at(1)).toBe([...net.blocks][1]);
    expect(() => net.blocks.forward()).toThrow(/ModuleList: has no forward/);
    expect(() => net.heads.get('zz')).toThrow(/ModuleDict: no module named 'zz' \(have: b, a, 1\)/);
    expect(() => net.heads.set('x.y', new ReLU())).toThrow(/key must be a non-empty string without '\.'/);
    net.blocks.append(new Conv2d(1, 1, 1));
    expect(net.parameters().length).toBe(8);
  });
});
