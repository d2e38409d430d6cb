import type { TestProjectInlineConfiguration, UserConfig } from 'vitest/config';
export const conditions: string[];
export function config(overrides?: NonNullable<UserConfig['test']>): UserConfig;
/** On Node 20, a project running the tests again on WebAssembly relaxed SIMD (the V8 flag on; `test` narrows or names it); on Node 22+, none. */
export function relaxedSimdProject(test?: TestProjectInlineConfiguration['test']): TestProjectInlineConfiguration[];
