import { config } from '@nn/vitest-config';

// The end-to-end tests build the site and drive Debian's Chromium: minutes on a loaded 2-core machine.
export default config({ testTimeout: 300_000, hookTimeout: 300_000 });
