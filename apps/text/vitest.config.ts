import { config } from '@nn/vitest-config';

export default config();
