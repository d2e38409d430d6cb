// The browser page: a few training steps on cpu, then on gpujs in webgl2; the result goes on window.
import { train } from '../train.mjs';

const results = [];
try {
  results.push(await train('cpu'));
  results.push(await train('gpujs', 'webgl2'));
  window.nnResult = { ok: true, results };
} catch (error) {
  window.nnResult = { ok: false, error: String(error && error.stack ? error.stack : error) };
}
document.getElementById('out').textContent = JSON.stringify(window.nnResult);
