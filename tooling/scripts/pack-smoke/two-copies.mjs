// Two copies of @nn/tensor in one program (the installed one, and a copy of it in another
// folder): the backend registers into the copy it imports, and the other copy's error names both.
import '@nn/backend-cpu';
import { tensor } from '@nn/tensor';

const second = await import(new URL('./second-tensor/dist/index.js', import.meta.url).href);
if (tensor([1, 2]).shape[0] !== 2) throw new Error('two-copies: the installed copy does not compute');
try {
  second.tensor([1, 2]);
  throw new Error('two-copies: the second copy made a tensor without a backend');
} catch (error) {
  const message = String(error.message);
  if (!/2 copies of @nn\/tensor are loaded: .*node_modules.*with backends \[cpu\].*second-tensor.*\(this one\) with backends \[\]/.test(message)) {
    throw new Error(`two-copies: unexpected message: ${message}`);
  }
}
console.log('pack-smoke two copies: the second copy of @nn/tensor names both copies and where they were loaded from');
