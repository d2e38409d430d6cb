import { config } from '@nn/eslint-config';

export default config(import.meta.dirname);
