import { config } from '@nn/vitest-config';

export default config({ testTimeout: 900_000, hookTimeout: 300_000, globalSetup: ['test/xvfb.ts'] });
