import { config } from '@nn/vitest-config';

// --expose-gc: engine_gc.test.ts calls gc() to watch the engine free collected tensors.
export default config({ execArgv: ['--expose-gc'] });
