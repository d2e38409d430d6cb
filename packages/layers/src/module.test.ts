import '@nn/backend-cpu';
import { dispose, memory, ones, tensor, tidy, zeros, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { isParameter, Module, parameter, stateKey } from './module.js';
import { emptyDict, type StateDict } from './safetensors.js';

function stateDictPrototype(m: Module): unknown {
  return Object.getPrototypeOf(m.stateDict());
}

class Affine extends Module {
  weight: Tensor;
  bias: Tensor | null;
  scale = 2; // plain settings are not state
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    bias = true,
  ) {
    super();
    this.weight = parameter(ones([outFeatures, inFeatures]));
    this.bias = bias ? parameter(zeros([outFeatures])) : null;
  }
  forward(x: Tensor): Tensor {
    return x.mul(this.scale);
  }
  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

class Norm extends Module {
  weight = parameter(ones([3]));
  runningMean: Tensor;
  numBatchesTracked: Tensor;
  scratch: Tensor | null;
  constructor() {
    super();
    this.runningMean = this.registerBuffer('runningMean', zeros([3]));
    this.numBatchesTracked = this.registerBuffer('numBatchesTracked', zeros([], { dtype: 'int32' }));
    this.scratch = this.registerBuffer('scratch', zeros([2]), false);
  }
  forward(x: Tensor): Tensor {
    return x;
  }
}

class Block extends Module {
  conv1 = new Affine(2, 3);
  bn1 = new Norm();
  downsample: Affine | null = null;
  forward(x: Tensor): Tensor {
    return this.bn1.forward(this.conv1.forward(x));
  }
}

class Net extends Module {
  stem = new Affine(4, 2, false);
  layer1 = new Block();
  head = new Affine(3, 1);
  notAParameter = ones([2]); // a plain tensor attribute is not state
  forward(x: Tensor): Tensor {
    return this.head.forward(this.layer1.forward(this.stem.forward(x)));
  }
}

describe('Module', () => {
  it('finds parameters, buffers and children by property, with dotted snake_case keys in PyTorch order', () => {
    const net = new Net();
    expect(net.namedParameters().map(([k]) => k)).toEqual(['stem.weight', 'layer1.conv1.weight', 'layer1.conv1.bias', 'layer1.bn1.weight', 'head.weight', 'head.bias']);
    expect(net.namedBuffers().map(([k]) => k)).toEqual(['layer1.bn1.running_mean', 'layer1.bn1.num_batches_tracked', 'layer1.bn1.scratch']);
    expect(Object.keys(net.stateDict())).toEqual([
      'stem.weight',
      'layer1.conv1.weight',
      'layer1.conv1.bias',
      'layer1.bn1.weight',
      'layer1.bn1.running_mean',
      'layer1.bn1.num_batches_tracked',
      'head.weight',
      'head.bias',
    ]);
    expect(net.children().length).toBe(3);
    expect(net.namedModules().map(([k]) => k)).toEqual(['', 'stem', 'layer1', 'layer1.conv1', 'layer1.bn1', 'head']);
    expect(net.parameters().every((p) => p.requiresGrad && p.kept && isParameter(p))).toBe(true);
    expect(net.buffers().every((b) => !b.requiresGrad && b.kept)).toBe(true);
  });

  it('turns camelCase property names into PyTorch keys, leaving names with underscores or capitals alone', () => {
    expect(stateKey('runningMean')).toBe('running_mean');
    expect(stateKey('inProjWeight')).toBe('in_proj_weight');
    expect(stateKey('layer1')).toBe('layer1');
    expect(stateKey('Mixed_5b')).toBe('Mixed_5b');
    expect(stateKey('conv2d_1a')).toBe('conv2d_1a');
    expect(stateKey('0')).toBe('0');
  });

  it('lists a shared parameter once in parameters() but under both keys in stateDict()', () => {
    class Tied extends Module {
      a = new Affine(2, 2, false);
      b = new Affine(2, 2, false);
      constructor() {
        super();
        this.b.weight = this.a.weight;
      }
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    const m = new Tied();
    expect(m.parameters().length).toBe(1);
    expect(Object.keys(m.stateDict())).toEqual(['a.weight', 'b.weight']);
  });

  it('switches train/eval recursively and applies a function children first', () => {
    const net = new Net();
    net.eval();
    expect(net.modules().every((m) => !m.training)).toBe(true);
    net.train();
    expect(net.modules().every((m) => m.training)).toBe(true);
    const order: string[] = [];
    net.apply((m) => order.push(m.constructor.name));
    expect(order).toEqual(['Affine', 'Affine', 'Norm', 'Block', 'Affine', 'Net']);
  });

  it('loads a state dict, converting dtypes, and reports missing and unexpected keys when not strict', () => {
    const net = new Net();
    const source = new Net();
    const w = tensor([[7, 7, 7, 7], [8, 8, 8, 8]]);
    const sd = { ...source.stateDict(), 'stem.weight': w, 'layer1.bn1.num_batches_tracked': tensor(5) };
    const weightHandle = net.stem.weight;
    net.loadStateDict(sd);
    expect(net.stem.weight).toBe(weightHandle); // same handle, new values
    expect(net.stem.weight.toArray()).toEqual([[7, 7, 7, 7], [8, 8, 8, 8]]);
    expect(net.layer1.bn1.numBatchesTracked.dtype).toBe('int32');
    expect(net.layer1.bn1.numBatchesTracked.item()).toBe(5);
    // Loaded values survive the disposal of the dict they came from.
    w.dispose();
    expect(net.stem.weight.toArray()).toEqual([[7, 7, 7, 7], [8, 8, 8, 8]]);

    const partial = { 'stem.weight': tensor([[1, 1, 1, 1], [1, 1, 1, 1]]), 'extra.weight': tensor([1]) };
    const result = net.loadStateDict(partial, { strict: false });
    expect(result.unexpectedKeys).toEqual(['extra.weight']);
    expect(result.missingKeys).toContain('head.bias');
    expect(net.stem.weight.toArray()).toEqual([[1, 1, 1, 1], [1, 1, 1, 1]]);
  });

  it('rejects a mismatching state dict listing every missing, unexpected and wrongly shaped key, changing nothing', () => {
    const net = new Net();
    const sd = { ...new Net().stateDict() } as Record<string, Tensor>;
    delete sd['head.bias'];
    sd['head.extra'] = tensor([1]);
    sd['stem.weight'] = tensor([[9, 9]]);
    sd['layer1.conv1.weight'] = zeros([3, 2]);
    const before = net.layer1.conv1.weight.toArray();
    let message = '';
    try {
      net.loadStateDict(sd);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^loadStateDict: error\(s\) loading state dict for Net:/);
    expect(message).toMatch(/missing keys: "head\.bias"/);
    expect(message).toMatch(/unexpected keys: "head\.extra"/);
    expect(message).toMatch(/wrongly shaped: "stem\.weight": checkpoint \[1,2\], model \[2,4\]/);
    expect(net.layer1.conv1.weight.toArray()).toEqual(before);
    // Shape errors count even when not strict.
    expect(() => net.loadStateDict({ 'stem.weight': tensor([1]) }, { strict: false })).toThrow(/wrongly shaped/);
  });

  it('says what is wrong when given no state dict: null, a value, a Promise (a forgotten await) or a Map', () => {
    const net = new Net();
    expect(() => net.loadStateDict(null as unknown as StateDict)).toThrow(/^loadStateDict: expected a state dict, an object of tensors by name, got null$/);
    expect(() => net.loadStateDict(3 as unknown as StateDict)).toThrow(/got 3$/);
    const pending = Promise.resolve(new Net().stateDict());
    expect(() => net.loadStateDict(pending as unknown as StateDict, { strict: false })).toThrow(/^loadStateDict: got a Promise, not a state dict; await it first/);
    expect(() => net.loadStateDict(new Map() as unknown as StateDict)).toThrow(/for a Map, pass Object\.fromEntries\(map\)/);
  });

  it('reads only the dict own keys, and lists at most 50 keys of each kind', () => {
    const net = new Net();
    // A null-prototype dict whose keys are names that a plain object would inherit.
    const inherited = emptyDict<Tensor>();
    for (const name of ['constructor', '__proto__']) inherited[name] = tensor([1]);
    const result = net.loadStateDict(inherited, { strict: false });
    expect(result.unexpectedKeys).toEqual(['constructor', '__proto__']);
    expect(stateDictPrototype(net)).toBeNull();

    const many: StateDict = { ...new Net().stateDict() };
    for (let i = 0; i < 1000; i++) many[`extra.${i}`] = many['head.bias'];
    expect(() => net.loadStateDict(many)).toThrow(/unexpected keys: "extra\.0", .*"extra\.49", and 950 more$/);
    dispose(inherited);
  });

  it('prints a tree like PyTorch', () => {
    expect(new Net().toString()).toBe(
      [
        'Net(',
        '  (stem): Affine(inFeatures=4, outFeatures=2, bias=false)',
        '  (layer1): Block(',
        '    (conv1): Affine(inFeatures=2, outFeatures=3, bias=true)',
        '    (bn1): Norm()',
        '  )',
        '  (head): Affine(inFeatures=3, outFeatures=1, bias=true)',
        ')',
      ].join('\n'),
    );
  });

  it('keeps parameters through tidy scopes and drops gradients with zeroGrad', () => {
    const before = memory().numTensors;
    let net = new Net();
    tidy(() => {
      net = new Net();
    });
    expect(memory().numTensors).toBeGreaterThan(before);
    expect(net.stem.weight.isDisposed).toBe(false);
    net.stem.weight.grad = ones([2, 4]);
    net.zeroGrad();
    expect(net.stem.weight.grad).toBeNull();
    dispose(net.stateDict());
  });

  it('frees all its tensors with dispose()', () => {
    const before = memory().numTensors;
    const net = new Net();
    net.stem.weight.grad = ones([2, 4]);
    net.notAParameter.dispose();
    net.dispose();
    expect(memory().numTensors).toBe(before);
    expect(net.parameters().every((p) => p.isDisposed)).toBe(true);
  });

  it('freezes parameters with requiresGrad_', () => {
    const net = new Net();
    net.requiresGrad_(false);
    expect(net.parameters().some((p) => p.requiresGrad)).toBe(false);
    expect(net.parameters().length).toBe(6);
  });

  it('rejects bad parameters and buffers', () => {
    expect(() => parameter(tensor([1], undefined, 'int32'))).toThrow(/parameter: only float32 tensors can require gradients, got int32/);
    const t = tensor([1]);
    t.dispose();
    expect(() => parameter(t)).toThrow(/disposed/);
    const m = new Norm();
    expect(() => m.registerBuffer('x', 3 as unknown as Tensor)).toThrow(/registerBuffer: 'x' must be a Tensor or null/);
  });
});
