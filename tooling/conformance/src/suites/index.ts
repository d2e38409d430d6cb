import { setBackend } from '@nn/tensor';
import { beforeAll } from 'vitest';
import type { VectorCase } from '../vectors.js';
import { defineCallingConventionSuite } from './calling_convention.js';
import { defineConvSuite } from './conv.js';
import { defineElementwiseSuite } from './elementwise.js';
import { defineGradientSuite } from './gradients.js';
import { defineEngineSuite } from './engine.js';
import { defineImageSuite } from './image.js';
import { definePropertySuite } from './properties.js';
import { defineReduceSuite } from './reduce.js';
import { defineReluGradSuite } from './relu_grad.js';
import { defineShapeSuite } from './shape.js';
import { defineVectorSuite } from './vectors.js';

export interface ConformanceOptions {
  /** Case files (by name, without .json) to skip on this backend, with the reason in the docs. */
  skip?: readonly string[];
  /** Parsed PyTorch vectors (see vectors.ts); read from the repo's vectors/ folder when absent (Node). */
  vectors?: readonly VectorCase[];
}

/** Registers every suite against `backend`. */
export function defineConformance(backend: string, options: ConformanceOptions = {}): void {
  beforeAll(async () => {
    await setBackend(backend);
  });
  // Each family's suite is called here, e.g. defineVectorSuite(backend, options).
  defineEngineSuite(backend);
  defineVectorSuite(backend, options);
  definePropertySuite(backend);
  defineElementwiseSuite(backend);
  defineReduceSuite(backend);
  defineReluGradSuite(backend);
  defineShapeSuite(backend);
  defineCallingConventionSuite(backend);
  defineConvSuite(backend);
  defineImageSuite(backend, options);
  defineGradientSuite(backend, options);
}
