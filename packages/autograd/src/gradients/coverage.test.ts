import { describe, expect, it } from 'vitest';
import { KernelName } from '@nn/tensor';
import { differentiableKernels, nonDifferentiableKernels } from '../index.js';

describe('gradient coverage', () => {
  it('every kernel has a gradient or is declared non-differentiable, never both', () => {
    const withGradient = new Set(differentiableKernels());
    const missing = Object.values(KernelName).filter((name) => !withGradient.has(name) && !nonDifferentiableKernels.has(name));
    expect(missing).toEqual([]);
    const both = [...withGradient].filter((name) => nonDifferentiableKernels.has(name));
    expect(both).toEqual([]);
  });

  it('lists no kernel that does not exist', () => {
    const known = new Set<string>(Object.values(KernelName));
    expect([...differentiableKernels(), ...nonDifferentiableKernels].filter((name) => !known.has(name))).toEqual([]);
  });
});
