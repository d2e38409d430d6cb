// The cpu leg again with the worker pool forced on: two threads, and every GEMM that takes the
// packed path split over them however small (minWork 0), so odd sizes split unevenly.
import { getNumThreads, setNumThreads } from '@nn/backend-cpu';
import { expect, it } from 'vitest';
import { defineConformance } from '../src/index.js';

setNumThreads(2, { minWork: 0 });

it('runs on two threads', () => {
  expect(getNumThreads()).toBe(2);
});

defineConformance('cpu');
