import '@nn/backend-cpu';
import { Linear, Conv2d } from '@nn/layers';
const t0 = performance.now();
const l = new Linear(25088, 4096);
const t1 = performance.now();
console.log('linear 102M build ms', (t1 - t0).toFixed(0), 'rss MB', (process.memoryUsage().rss / 1e6).toFixed(0));
const c = new Conv2d(512, 512, 3);
console.log('conv ms', (performance.now() - t1).toFixed(0));
void l; void c;
