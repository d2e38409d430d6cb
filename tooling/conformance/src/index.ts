/**
 * The conformance suite, parameterised by backend: `defineConformance('cpu')` inside a vitest
 * file registers every suite against that backend. Each suite file covers one family.
 */
export { defineConformance, type ConformanceOptions } from './suites/index.js';
