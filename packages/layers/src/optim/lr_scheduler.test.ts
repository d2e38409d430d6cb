import '@nn/backend-cpu';
import { tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { parameter } from '../module.js';
import { Adam } from './adam.js';
import { CosineAnnealingLR, ExponentialLR, MultiStepLR, OneCycleLR, ReduceLROnPlateau, StepLR, type LRScheduler } from './lr_scheduler.js';
import { SGD } from './sgd.js';

function sgd(lr = 1, momentum = 0): SGD {
  return new SGD([parameter(tensor([1]))], { lr, momentum });
}

/** The lr after construction (epoch 0) and after each of `n` steps. */
function trace(scheduler: LRScheduler, n: number): number[] {
  const out = [scheduler.optimizer.paramGroups[0].lr];
  for (let i = 0; i < n; i++) {
    scheduler.step();
    out.push(scheduler.optimizer.paramGroups[0].lr);
  }
  return out;
}

function expectClose(got: number[], want: number[]): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]), `epoch ${i}: ${g} vs ${want[i]}`).toBeLessThan(1e-12));
}

describe('LR schedulers', () => {
  it('StepLR: lr·γ^⌊epoch/stepSize⌋', () => {
    expectClose(trace(new StepLR(sgd(), 3, 0.5), 9), [...Array(10).keys()].map((e) => 0.5 ** Math.floor(e / 3)));
  });

  it('MultiStepLR: γ at each milestone, twice for a repeated one', () => {
    expectClose(trace(new MultiStepLR(sgd(), [5, 2, 5], 0.1), 6), [1, 1, 0.1, 0.1, 0.1, 0.1 * 0.01, 0.1 * 0.01]);
  });

  it('ExponentialLR: lr·γ^epoch', () => {
    expectClose(trace(new ExponentialLR(sgd(2), 0.9), 5), [0, 1, 2, 3, 4, 5].map((e) => 2 * 0.9 ** e));
  });

  it("CosineAnnealingLR: PyTorch's recursive form equals the closed form, past T_max too", () => {
    const T = 10;
    const etaMin = 0.1;
    const closed = [...Array(31).keys()].map((t) => etaMin + ((1 - etaMin) * (1 + Math.cos((Math.PI * t) / T))) / 2);
    const got = trace(new CosineAnnealingLR(sgd(), T, etaMin), 30);
    got.forEach((g, i) => expect(g).toBeCloseTo(closed[i], 12));
  });

  it('a schedule continues from an lr changed by hand, as in PyTorch', () => {
    const opt = sgd();
    const s = new StepLR(opt, 2, 0.5);
    s.step();
    opt.paramGroups[0].lr = 10;
    s.step();
    expect(opt.paramGroups[0].lr).toBe(5);
  });

  it('OneCycleLR: warm-up to maxLr, anneal to maxLr/div/finalDiv, momentum the other way', () => {
    const opt = sgd(1, 0.9);
    const s = new OneCycleLR(opt, 1, { totalSteps: 10, annealStrategy: 'linear' });
    const lrs = [opt.paramGroups[0].lr];
    const momenta = [opt.paramGroups[0].momentum];
    for (let i = 0; i < 9; i++) {
      s.step();
      lrs.push(opt.paramGroups[0].lr);
      momenta.push(opt.paramGroups[0].momentum);
    }
    // Phase 1 ends at step 0.3·10 − 1 = 2; phase 2 ends at step 9.
    expect(lrs[0]).toBeCloseTo(0.04, 12);
    expect(lrs[1]).toBeCloseTo(0.52, 12);
    expect(lrs[2]).toBeCloseTo(1, 12);
    expect(lrs[9]).toBeCloseTo(0.04 / 1e4, 12);
    expect(lrs[5]).toBeCloseTo(1 + (4e-6 - 1) * (3 / 7), 12);
    expect(momenta[0]).toBeCloseTo(0.95, 12);
    expect(momenta[2]).toBeCloseTo(0.85, 12);
    expect(momenta[9]).toBeCloseTo(0.95, 12);
    s.step();
    expect(() => s.step()).toThrow(/OneCycleLR: tried to step 11 times; the schedule has 10 steps/);
  });

  it('OneCycleLR: cosine annealing, Adam β1 cycling, three phases', () => {
    const adam = new Adam([parameter(tensor([1]))], { lr: 1 });
    const s = new OneCycleLR(adam, 0.1, { epochs: 2, stepsPerEpoch: 10, threePhase: true });
    expect(adam.paramGroups[0].betas[0]).toBeCloseTo(0.95, 12);
    const lrs = trace(s, 19);
    // Phases end at steps 5, 10 and 19.
    expect(lrs[0]).toBeCloseTo(0.004, 12);
    expect(lrs[5]).toBeCloseTo(0.1, 12);
    expect(lrs[10]).toBeCloseTo(0.004, 12);
    expect(lrs[19]).toBeCloseTo(0.004 / 1e4, 12);
    // Cosine: halfway through phase 1 (2.5 steps of 5) is the mean of its ends.
    expect(lrs[3]).toBeCloseTo(0.1 + ((0.004 - 0.1) / 2) * (Math.cos(Math.PI * 0.6) + 1), 12);
    expect(adam.paramGroups[0].betas[1]).toBe(0.999);
  });

  it('ReduceLROnPlateau: cuts the lr after patience bad epochs, then waits out the cooldown', () => {
    const opt = sgd(1);
    const s = new ReduceLROnPlateau(opt, { patience: 2, factor: 0.5, cooldown: 1, minLr: 0.2 });
    const lrs: number[] = [];
    for (const metric of [10, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9]) {
      s.step(metric);
      lrs.push(opt.paramGroups[0].lr);
    }
    expect(lrs).toEqual([1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25]);
    // Floors at minLr.
    for (let i = 0; i < 10; i++) s.step(9);
    expect(opt.paramGroups[0].lr).toBe(0.2);
  });

  it('ReduceLROnPlateau in max mode with an absolute threshold', () => {
    const opt = sgd(1);
    const s = new ReduceLROnPlateau(opt, { mode: 'max', patience: 0, threshold: 0.5, thresholdMode: 'abs' });
    s.step(1);
    s.step(1.4); // not better by 0.5: reduce
    expect(opt.paramGroups[0].lr).toBeCloseTo(0.1, 12);
    s.step(2);
    expect(opt.paramGroups[0].lr).toBeCloseTo(0.1, 12);
  });

  it('checks its arguments', () => {
    expect(() => new StepLR(sgd(), 0)).toThrow(/StepLR: stepSize must be a positive integer, got 0/);
    expect(() => new CosineAnnealingLR(sgd(), -3)).toThrow(/tMax must be a positive integer/);
    expect(() => new MultiStepLR(sgd(), [1.5])).toThrow(/milestones must be non-negative integers/);
    expect(() => new OneCycleLR(sgd(), 1, {})).toThrow(/give totalSteps, or epochs and stepsPerEpoch/);
    expect(() => new OneCycleLR(sgd(), 1, { totalSteps: 5, pctStart: 2 })).toThrow(/pctStart must be in \[0, 1\]/);
    expect(() => new ReduceLROnPlateau(sgd(), { factor: 1 })).toThrow(/factor must be < 1/);
  });

  it('saves and restores its position', () => {
    const opt = sgd();
    const s = new StepLR(opt, 2, 0.5);
    s.step();
    s.step();
    const saved = s.stateDict();
    const opt2 = sgd(0.5);
    const s2 = new StepLR(opt2, 2, 0.5);
    s2.loadStateDict(saved);
    s2.step();
    s2.step();
    expect(opt2.paramGroups[0].lr).toBe(0.25);
    expect(s2.getLastLr()).toEqual([0.25]);
  });
});
