import type { UserConfig } from 'vitest/config';
export const conditions: string[];
export function config(overrides?: NonNullable<UserConfig['test']>): UserConfig;
