import { config } from '@nn/vitest-config';

// --expose-gc: pytorch_style_loop.test.ts calls gc() to show that collected tensors free their memory.
export default config({ execArgv: ['--expose-gc'] });
