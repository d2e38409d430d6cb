/**
 * Training, away from any page: the data as feature rows, the @nn network, its loss and
 * optimizer, one epoch at a time, and the numbers the pictures need (losses, the output and
 * every neuron over a grid, weights, gradient norms). The worker drives it; tests drive it
 * in Node. All reads are asynchronous, so it runs on WebGPU too.
 */
import { noGrad } from '@nn/autograd';
import type { Linear} from '@nn/layers';
import { Adam, BCEWithLogitsLoss, MSELoss, SGD, toBytes, type Optimizer } from '@nn/layers';
import { abs, add, dispose, engine, getBackend, manualSeed, mul, setBackend, square, sum, tensor, tidy, Tensor } from '@nn/tensor';
import type { Config } from './config.js';
import { generate, makeRng, split, type Point } from './datasets.js';
import { featureMatrix, gridPoints } from './features.js';
import { buildModel, displayOutput, specFromConfig, type ModelSpec, type PlaygroundNet } from './model.js';

export interface Frame {
  epoch: number;
  trainLoss: number;
  testLoss: number;
  gridSize: number;
  /** The output over the grid (display scale: [-1, 1] for classification). */
  output: Float32Array;
  /** Per hidden layer: its activations over the grid, [gridSize², neurons] row-major. */
  neurons: Float32Array[];
  /** Per Linear layer: weight [out, in] row-major, and bias. */
  weights: Float32Array[];
  biases: Float32Array[];
  /** Per Linear layer: the L2 norm of its weight's gradient at the last step. */
  gradNorms: number[];
}

interface HostTensor {
  shape: number[];
  values: Float32Array;
}

async function toHost(t: Tensor): Promise<HostTensor> {
  return { shape: [...t.shape], values: Float32Array.from(await t.data()) };
}

/** The target column of the loss: TF Playground's ±1 labels become 0/1 for binary cross entropy. */
function targets(points: readonly Point[], classification: boolean): Float32Array {
  return Float32Array.from(points, (p) => (classification ? (p.label > 0 ? 1 : 0) : p.label));
}

export class Trainer {
  config: Config;
  points: Point[] = [];
  train: Point[] = [];
  test: Point[] = [];
  epoch = 0;
  model!: PlaygroundNet;
  private optimizer!: Optimizer;
  private lossFn: BCEWithLogitsLoss | MSELoss = new MSELoss();
  private trainX: Float32Array = new Float32Array(0);
  private trainY: Float32Array = new Float32Array(0);
  private testX: Float32Array = new Float32Array(0);
  private testY: Float32Array = new Float32Array(0);
  private gridX: Float32Array = new Float32Array(0);
  private inputs = 0;
  private shuffle = makeRng(1);

  constructor(
    config: Config,
    private custom: Point[] | null = null,
    readonly gridSize = 50,
  ) {
    this.config = config;
    this.reset(config, custom);
  }

  /** New data, new weights (seeded by config.seed), new optimizer, epoch 0. */
  reset(config: Config, custom: Point[] | null = this.custom): void {
    this.config = config;
    this.custom = custom;
    this.points = config.dataset === 'csv' ? [...(custom ?? [])] : generate(config.dataset, config.noise, config.seed);
    ({ train: this.train, test: this.test } = split(this.points, config.trainRatio, config.seed));
    const features = config.features;
    const classification = config.problem === 'classification';
    this.inputs = specFromConfig(config).features.length;
    this.trainX = featureMatrix(this.train.map((p) => p.x), this.train.map((p) => p.y), features);
    this.testX = featureMatrix(this.test.map((p) => p.x), this.test.map((p) => p.y), features);
    this.trainY = targets(this.train, classification);
    this.testY = targets(this.test, classification);
    const grid = gridPoints(this.gridSize);
    this.gridX = featureMatrix(grid.xs, grid.ys, features);
    this.lossFn = classification ? new BCEWithLogitsLoss() : new MSELoss();
    this.shuffle = makeRng(config.seed + 7);
    this.optimizer?.dispose();
    if (this.model) dispose(Object.values(this.model.net.stateDict()));
    manualSeed(config.seed);
    this.model = buildModel(specFromConfig(config));
    this.optimizer = this.makeOptimizer();
    this.epoch = 0;
  }

  /** Applies the settings that keep the trained network (learning rate, regularisation, batch size, optimizer). */
  update(config: Config): void {
    const optimizerChanged = config.optimizer !== this.config.optimizer;
    this.config = config;
    if (optimizerChanged) {
      this.optimizer.dispose();
      this.optimizer = this.makeOptimizer();
    } else {
      for (const group of this.optimizer.paramGroups) group.lr = config.learningRate;
    }
  }

  private makeOptimizer(): Optimizer {
    const params = this.model.net.parameters();
    const lr = this.config.learningRate;
    switch (this.config.optimizer) {
      case 'sgd':
        return new SGD(params, { lr });
      case 'momentum':
        return new SGD(params, { lr, momentum: 0.9 });
      case 'adam':
        return new Adam(params, { lr });
    }
  }

  get spec(): ModelSpec {
    return specFromConfig(this.config);
  }

  /** TF Playground's penalty on the weights (not the biases): rate·Σ|w| or rate·Σw²/2. */
  private penalty(): Tensor | null {
    const { regularization, regularizationRate } = this.config;
    if (regularization === 'none' || regularizationRate === 0) return null;
    const terms = this.linears().map((l) => (regularization === 'L1' ? sum(abs(l.weight)) : mul(sum(square(l.weight)), 0.5)));
    return mul(terms.reduce((a, b) => add(a, b)), regularizationRate);
  }

  linears(): Linear[] {
    return this.model.linearIndices.map((i) => this.model.layers[i] as Linear);
  }

  /** One pass over the training points in shuffled batches: TF Playground's "step". */
  trainEpoch(): void {
    const n = this.train.length;
    if (n === 0) return;
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.shuffle() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    const batch = Math.max(1, Math.min(this.config.batchSize, n));
    this.model.net.train();
    for (let start = 0; start < n; start += batch) this.trainStep(order.slice(start, start + batch));
    this.epoch++;
  }

  /** One optimizer step on the training points at `indices`. */
  trainStep(indices: readonly number[]): void {
    const f = this.inputs;
    const xs = new Float32Array(indices.length * f);
    const ys = new Float32Array(indices.length);
    indices.forEach((k, row) => {
      xs.set(this.trainX.subarray(k * f, (k + 1) * f), row * f);
      ys[row] = this.trainY[k];
    });
    tidy(() => {
      this.optimizer.zeroGrad();
      const output = this.model.net.forward(tensor(xs, [indices.length, f]));
      const loss = this.lossFn.forward(output, tensor(ys, [indices.length, 1]));
      const penalty = this.penalty();
      (penalty ? add(loss, penalty) : loss).backward();
      this.optimizer.step();
    });
  }

  /** Mean loss (the data term only, as TF Playground shows) on the training and the test points. */
  async losses(): Promise<{ train: number; test: number }> {
    return { train: await this.loss(this.trainX, this.trainY), test: await this.loss(this.testX, this.testY) };
  }

  private async loss(x: Float32Array, y: Float32Array): Promise<number> {
    if (y.length === 0) return 0;
    this.model.net.eval();
    const loss = noGrad(() => tidy(() => this.lossFn.forward(this.model.net.forward(tensor(x, [y.length, this.inputs])), tensor(y, [y.length, 1]))));
    const value = (await loss.data())[0];
    loss.dispose();
    return value;
  }

  /** The network's display output at the given points (what the heat map shows). */
  async predict(xs: ArrayLike<number>, ys: ArrayLike<number>): Promise<Float32Array> {
    const x = featureMatrix(xs, ys, this.config.features);
    this.model.net.eval();
    const out = noGrad(() => tidy(() => displayOutput(this.config.problem, this.model.net.forward(tensor(x, [xs.length, this.inputs])))));
    const values = Float32Array.from(await out.data());
    out.dispose();
    return values;
  }

  /** Everything the pictures need, read back asynchronously. */
  async frame(): Promise<Frame> {
    const { train, test } = await this.losses();
    const cells = this.gridSize * this.gridSize;
    this.model.net.eval();
    const grid = noGrad(() =>
      tidy(() => {
        let h = tensor(this.gridX, [cells, this.inputs]);
        const neurons: Tensor[] = [];
        this.model.layers.forEach((layer, i) => {
          h = layer.forward(h);
          if (this.model.neuronIndices.includes(i)) neurons.push(h);
        });
        return { output: displayOutput(this.config.problem, h), neurons };
      }),
    );
    const output = Float32Array.from(await grid.output.data());
    const neurons: Float32Array[] = [];
    for (const t of grid.neurons) neurons.push(Float32Array.from(await t.data()));
    dispose(grid);
    const weights: Float32Array[] = [];
    const biases: Float32Array[] = [];
    const gradNorms: number[] = [];
    for (const linear of this.linears()) {
      weights.push(Float32Array.from(await linear.weight.data()));
      biases.push(linear.bias ? Float32Array.from(await linear.bias.data()) : new Float32Array(linear.outFeatures));
      const g = linear.weight.grad;
      gradNorms.push(g ? Math.hypot(...(await g.data())) : 0);
    }
    return { epoch: this.epoch, trainLoss: train, testLoss: test, gridSize: this.gridSize, output, neurons, weights, biases, gradNorms };
  }

  /** Sets one weight: layer `layer`'s link from input `from` to neuron `to`. */
  async setWeight(layer: number, to: number, from: number, value: number): Promise<void> {
    const linear = this.linears()[layer];
    if (!linear || to < 0 || to >= linear.outFeatures || from < 0 || from >= linear.inFeatures || !Number.isFinite(value)) {
      throw new Error(`setWeight: no link ${from} → ${to} in layer ${layer}, or value ${value} is not a finite number`);
    }
    const values = Float32Array.from(await linear.weight.data());
    values[to * linear.inFeatures + from] = value;
    const fresh = tensor(values, [...linear.weight.shape]);
    engine().assign(linear.weight, fresh);
    fresh.dispose();
  }

  /** The weights as safetensors bytes, with the JSON spec that rebuilds the model (model.ts). */
  async exportModel(): Promise<{ spec: ModelSpec; safetensors: Uint8Array }> {
    const state = this.model.net.stateDict();
    // Written from host copies: toBytes reads synchronously, which WebGPU results cannot.
    const host: Record<string, Tensor> = {};
    for (const [key, t] of Object.entries(state)) {
      const h = await toHost(t);
      host[key] = tensor(h.values, h.shape);
    }
    const safetensors = toBytes(host, { metadata: { format: 'nn-playground-model' } });
    dispose(Object.values(host));
    return { spec: this.spec, safetensors };
  }

  /** Loads exported weights into the current network (its spec must match). */
  importWeights(stateDict: Record<string, Tensor>): void {
    this.model.net.loadStateDict(stateDict);
    this.optimizer.dispose();
    this.optimizer = this.makeOptimizer();
  }

  /**
   * Moves training to another backend without losing anything: the weights and the
   * optimizer's state are read out (asynchronously, so WebGPU works too), the backend is
   * switched, and both are written back.
   */
  async useBackend(name: string): Promise<void> {
    if (getBackend() === name) return;
    const params: Record<string, HostTensor> = {};
    for (const [key, t] of Object.entries(this.model.net.stateDict())) params[key] = await toHost(t);
    const saved = this.optimizer.stateDict();
    const state: Record<string, Record<string, unknown>> = {};
    for (const [index, fields] of Object.entries(saved.state)) {
      state[index] = {};
      for (const [field, value] of Object.entries(fields)) state[index][field] = value instanceof Tensor ? await toHost(value) : value;
    }
    this.optimizer.zeroGrad();
    await setBackend(name);
    const fresh: Tensor[] = [];
    const make = (h: HostTensor): Tensor => {
      const t = tensor(h.values, h.shape);
      fresh.push(t);
      return t;
    };
    this.model.net.loadStateDict(Object.fromEntries(Object.entries(params).map(([k, h]) => [k, make(h)])));
    const restored: typeof saved.state = {};
    for (const [index, fields] of Object.entries(state)) {
      restored[Number(index)] = Object.fromEntries(Object.entries(fields).map(([f, v]) => [f, isHost(v) ? make(v) : v])) as (typeof saved.state)[number];
    }
    this.optimizer.loadStateDict({ ...saved, state: restored });
    // The parameters and the optimizer's state now share these buffers; the handles can go.
    dispose(fresh);
  }
}

function isHost(v: unknown): v is HostTensor {
  return typeof v === 'object' && v !== null && 'values' in v && (v as HostTensor).values instanceof Float32Array;
}
