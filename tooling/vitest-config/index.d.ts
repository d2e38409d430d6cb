import type { UserConfig } from 'vitest/config';
export function config(overrides?: NonNullable<UserConfig['test']>): UserConfig;
