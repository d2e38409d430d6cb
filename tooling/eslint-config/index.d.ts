import type { Linter } from 'eslint';
export function config(tsconfigRootDir: string): Linter.Config[];
