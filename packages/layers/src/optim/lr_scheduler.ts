/**
 * Learning-rate schedulers, as torch.optim.lr_scheduler: each changes its optimizer's group
 * `lr` in place when step() is called (once per epoch, or per batch for OneCycleLR, after
 * optimizer.step()). Construction performs PyTorch's initial step (epoch 0). The formulas
 * are PyTorch's recursive ("chainable") ones, so a schedule continues from an lr that was
 * changed by hand just as PyTorch's does.
 */
import type { Optimizer, OptimizerOptions } from './optimizer.js';

type AnyOptimizer = Optimizer<OptimizerOptions>;

export interface SchedulerState {
  lastEpoch: number;
  stepCount: number;
  lastLrs: number[];
}

export abstract class LRScheduler {
  readonly optimizer: AnyOptimizer;
  /** The learning rate of each group when the scheduler was made (PyTorch's base_lrs / initial_lr). */
  readonly baseLrs: number[];
  /** Epoch counter; 0 after construction. */
  lastEpoch = -1;
  protected stepCount = 0;
  private lastLrs: number[] = [];

  constructor(optimizer: AnyOptimizer) {
    this.optimizer = optimizer;
    for (const group of optimizer.paramGroups) group.initialLr ??= group.lr;
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
  }

  /** Runs PyTorch's initial step; subclasses call it at the end of their constructor. */
  protected initialStep(): void {
    this.step();
  }

  /** The new learning rate of each group for `this.lastEpoch`. */
  protected abstract getLr(): number[];

  step(): void {
    this.stepCount++;
    this.lastEpoch++;
    const lrs = this.getLr();
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = lrs[i]));
    this.lastLrs = lrs;
  }

  /** The learning rates set by the last step. */
  getLastLr(): number[] {
    return [...this.lastLrs];
  }

  protected groupLrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The schedule's position, to resume training (the settings come from the constructor). */
  stateDict(): SchedulerState {
    return { lastEpoch: this.lastEpoch, stepCount: this.stepCount, lastLrs: [...this.lastLrs] };
  }

  loadStateDict(state: SchedulerState): void {
    this.lastEpoch = state.lastEpoch;
    this.stepCount = state.stepCount;
    this.lastLrs = [...state.lastLrs];
  }
}

function checkPositiveInt(name: string, what: string, value: number): void {
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name}: ${what} must be a positive integer, got ${value}`);
}

/** Multiplies the lr by gamma every stepSize epochs. */
export class StepLR extends LRScheduler {
  constructor(
    optimizer: AnyOptimizer,
    readonly stepSize: number,
    readonly gamma = 0.1,
  ) {
    super(optimizer);
    checkPositiveInt('StepLR', 'stepSize', stepSize);
    this.initialStep();
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * this.gamma);
  }
}

/** Multiplies the lr by gamma at each milestone epoch (a repeated milestone applies gamma again). */
export class MultiStepLR extends LRScheduler {
  readonly milestones: number[];

  constructor(
    optimizer: AnyOptimizer,
    milestones: number[],
    readonly gamma = 0.1,
  ) {
    super(optimizer);
    for (const m of milestones) if (!Number.isInteger(m) || m < 0) throw new Error(`MultiStepLR: milestones must be non-negative integers, got ${JSON.stringify(milestones)}`);
    this.milestones = [...milestones].sort((a, b) => a - b);
    this.initialStep();
  }

  protected getLr(): number[] {
    const hits = this.milestones.filter((m) => m === this.lastEpoch).length;
    if (hits === 0) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * this.gamma ** hits);
  }
}

/** Multiplies the lr by gamma every epoch. */
export class ExponentialLR extends LRScheduler {
  constructor(
    optimizer: AnyOptimizer,
    readonly gamma: number,
  ) {
    super(optimizer);
    this.initialStep();
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * this.gamma);
  }
}

/**
 * Cosine annealing (SGDR without restarts, Loshchilov & Hutter 2017):
 * η_t = η_min + (η_0 − η_min)(1 + cos(π t / T_max)) / 2, in PyTorch's recursive form.
 */
export class CosineAnnealingLR extends LRScheduler {
  constructor(
    optimizer: AnyOptimizer,
    readonly tMax: number,
    readonly etaMin = 0,
  ) {
    super(optimizer);
    checkPositiveInt('CosineAnnealingLR', 'tMax', tMax);
    this.initialStep();
  }

  protected getLr(): number[] {
    const t = this.lastEpoch;
    const T = this.tMax;
    const lrs = this.groupLrs();
    if (t === 0) return lrs;
    if (this.stepCount === 1 && t > 0) {
      return this.baseLrs.map((base) => this.etaMin + ((base - this.etaMin) * (1 + Math.cos((t * Math.PI) / T))) / 2);
    }
    if ((t - 1 - T) % (2 * T) === 0) {
      return lrs.map((lr, i) => lr + ((this.baseLrs[i] - this.etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return lrs.map((lr) => ((1 + Math.cos((Math.PI * t) / T)) / (1 + Math.cos((Math.PI * (t - 1)) / T))) * (lr - this.etaMin) + this.etaMin);
  }
}

export interface OneCycleOptions {
  /** Total number of steps; or give epochs and stepsPerEpoch. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  cycleMomentum?: boolean;
  baseMomentum?: number;
  maxMomentum?: number;
  divFactor?: number;
  finalDivFactor?: number;
  threePhase?: boolean;
}

interface Phase {
  endStep: number;
  startLr: 'initialLr' | 'maxLr' | 'minLr';
  endLr: 'initialLr' | 'maxLr' | 'minLr';
  startMomentum: 'maxMomentum' | 'baseMomentum';
  endMomentum: 'maxMomentum' | 'baseMomentum';
}

/**
 * The 1cycle policy (Smith & Topin, 2018), stepped once per batch: the lr rises from
 * maxLr/divFactor to maxLr over pctStart of the steps, then anneals to
 * initialLr/finalDivFactor; momentum (or Adam's β1) moves the opposite way.
 */
export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  private readonly phases: Phase[];
  private readonly anneal: (start: number, end: number, pct: number) => number;
  private readonly cycleMomentum: boolean;
  private readonly useBeta1: boolean;

  constructor(optimizer: AnyOptimizer, maxLr: number | number[], options: OneCycleOptions = {}) {
    // OneCycleLR sets initial_lr itself, before the base class reads it.
    const groups = optimizer.paramGroups;
    const maxLrs = Array.isArray(maxLr) ? maxLr : groups.map(() => maxLr);
    if (maxLrs.length !== groups.length) throw new Error(`OneCycleLR: expected ${groups.length} maxLr values, got ${maxLrs.length}`);
    const divFactor = options.divFactor ?? 25;
    const finalDivFactor = options.finalDivFactor ?? 1e4;
    groups.forEach((g, i) => {
      g.initialLr = maxLrs[i] / divFactor;
      g.maxLr = maxLrs[i];
      g.minLr = (g.initialLr as number) / finalDivFactor;
    });
    super(optimizer);

    let total: number;
    if (options.totalSteps !== undefined) {
      checkPositiveInt('OneCycleLR', 'totalSteps', options.totalSteps);
      total = options.totalSteps;
    } else if (options.epochs !== undefined && options.stepsPerEpoch !== undefined) {
      checkPositiveInt('OneCycleLR', 'epochs', options.epochs);
      checkPositiveInt('OneCycleLR', 'stepsPerEpoch', options.stepsPerEpoch);
      total = options.epochs * options.stepsPerEpoch;
    } else {
      throw new Error('OneCycleLR: give totalSteps, or epochs and stepsPerEpoch');
    }
    this.totalSteps = total;
    const pctStart = options.pctStart ?? 0.3;
    if (!(pctStart >= 0 && pctStart <= 1)) throw new Error(`OneCycleLR: pctStart must be in [0, 1], got ${pctStart}`);
    const strategy = options.annealStrategy ?? 'cos';
    if (strategy !== 'cos' && strategy !== 'linear') throw new Error(`OneCycleLR: annealStrategy must be 'cos' or 'linear', got '${String(strategy)}'`);
    this.anneal =
      strategy === 'cos'
        ? (start, end, pct) => end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1)
        : (start, end, pct) => (end - start) * pct + start;
    this.phases = options.threePhase
      ? [
          { endStep: pctStart * total - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: 2 * pctStart * total - 2, startLr: 'maxLr', endLr: 'initialLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
          { endStep: total - 1, startLr: 'initialLr', endLr: 'minLr', startMomentum: 'maxMomentum', endMomentum: 'maxMomentum' },
        ]
      : [
          { endStep: pctStart * total - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: total - 1, startLr: 'maxLr', endLr: 'minLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
        ];

    this.cycleMomentum = options.cycleMomentum ?? true;
    this.useBeta1 = groups.length > 0 && 'betas' in groups[0];
    if (this.cycleMomentum) {
      if (!('momentum' in groups[0]) && !this.useBeta1) throw new Error('OneCycleLR: optimizer has neither momentum nor betas; pass cycleMomentum: false');
      const baseMomentum = options.baseMomentum ?? 0.85;
      const maxMomentum = options.maxMomentum ?? 0.95;
      for (const g of groups) {
        if (this.useBeta1) g.betas = [maxMomentum, (g.betas as [number, number])[1]];
        else g.momentum = maxMomentum;
        g.maxMomentum = maxMomentum;
        g.baseMomentum = baseMomentum;
      }
    }
    this.initialStep();
  }

  protected getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new Error(`OneCycleLR: tried to step ${stepNum} times; the schedule has ${this.totalSteps} steps`);
    }
    return this.optimizer.paramGroups.map((group) => {
      let startStep = 0;
      let lr = 0;
      let momentum = 0;
      for (let i = 0; i < this.phases.length; i++) {
        const phase = this.phases[i];
        if (stepNum <= phase.endStep || i === this.phases.length - 1) {
          const pct = (stepNum - startStep) / (phase.endStep - startStep);
          lr = this.anneal(group[phase.startLr] as number, group[phase.endLr] as number, pct);
          if (this.cycleMomentum) momentum = this.anneal(group[phase.startMomentum] as number, group[phase.endMomentum] as number, pct);
          break;
        }
        startStep = phase.endStep;
      }
      if (this.cycleMomentum) {
        if (this.useBeta1) group.betas = [momentum, (group.betas as [number, number])[1]];
        else group.momentum = momentum;
      }
      return lr;
    });
  }
}

export interface ReduceLROnPlateauOptions {
  mode?: 'min' | 'max';
  factor?: number;
  patience?: number;
  threshold?: number;
  thresholdMode?: 'rel' | 'abs';
  cooldown?: number;
  minLr?: number | number[];
  eps?: number;
}

/** Cuts the lr by `factor` when a metric has not improved for `patience` epochs. step(metric) each epoch. */
export class ReduceLROnPlateau {
  readonly optimizer: AnyOptimizer;
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: 'rel' | 'abs';
  readonly cooldown: number;
  readonly minLrs: number[];
  readonly eps: number;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;

  constructor(optimizer: AnyOptimizer, options: ReduceLROnPlateauOptions = {}) {
    this.optimizer = optimizer;
    this.mode = options.mode ?? 'min';
    this.factor = options.factor ?? 0.1;
    this.patience = options.patience ?? 10;
    this.threshold = options.threshold ?? 1e-4;
    this.thresholdMode = options.thresholdMode ?? 'rel';
    this.cooldown = options.cooldown ?? 0;
    this.eps = options.eps ?? 1e-8;
    if (!(this.factor < 1)) throw new Error(`ReduceLROnPlateau: factor must be < 1, got ${this.factor}`);
    if (this.mode !== 'min' && this.mode !== 'max') throw new Error(`ReduceLROnPlateau: mode must be 'min' or 'max', got '${String(this.mode)}'`);
    if (this.thresholdMode !== 'rel' && this.thresholdMode !== 'abs') throw new Error(`ReduceLROnPlateau: thresholdMode must be 'rel' or 'abs', got '${String(this.thresholdMode)}'`);
    const minLr = options.minLr ?? 0;
    this.minLrs = Array.isArray(minLr) ? [...minLr] : optimizer.paramGroups.map(() => minLr);
    if (this.minLrs.length !== optimizer.paramGroups.length) throw new Error(`ReduceLROnPlateau: expected ${optimizer.paramGroups.length} minLr values, got ${this.minLrs.length}`);
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  private isBetter(a: number): boolean {
    const { best, threshold } = this;
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - threshold) : a < best - threshold;
    return this.thresholdMode === 'rel' ? a > best * (threshold + 1) : a > best + threshold;
  }

  step(metric: number): void {
    if (typeof metric !== 'number') throw new Error(`ReduceLROnPlateau.step: metric must be a number, got ${typeof metric}`);
    this.lastEpoch++;
    if (this.isBetter(metric)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs++;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const next = Math.max(g.lr * this.factor, this.minLrs[i]);
        if (g.lr - next > this.eps) g.lr = next;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
  }

  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }
}
