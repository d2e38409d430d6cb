import { config } from '@nn/vitest-config';

// Each block is its own Node process; two at a time on CI's two cores.
export default config({ maxConcurrency: 2, testTimeout: 320_000 });
