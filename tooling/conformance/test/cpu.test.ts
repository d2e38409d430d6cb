import '@nn/backend-cpu';
import { defineConformance } from '../src/index.js';

defineConformance('cpu');
