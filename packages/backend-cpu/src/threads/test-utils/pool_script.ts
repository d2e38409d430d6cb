// A user's script that runs a matmul on two threads and ends: pool_exit.test.ts checks that
// the process exits on its own (the workers are unref'd) with the right result.
import { matmul, ones } from '@nn/tensor';
import { getNumThreads, setNumThreads } from '../../index.js';
import { currentThreadPool } from '../threads.js';

setNumThreads(2, { minWork: 0 });
const product = matmul(ones([96, 80]), ones([80, 72]));
const values = product.dataSync();
console.log(JSON.stringify({ threads: getNumThreads(), first: values[0], last: values[values.length - 1], pool: currentThreadPool() !== null }));
