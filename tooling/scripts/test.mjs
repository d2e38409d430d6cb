// `pnpm test`: lint, typecheck and tests of every workspace package (turbo), the install
// check of the packed tarballs, the release dry run, the API reference build, then one closing summary with a line
// naming the optional legs that were skipped and how to run them. Colour only on a terminal.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const tty = Boolean(process.stdout.isTTY);
// Off a terminal (CI logs, files), no ANSI colour codes: vitest, turbo and typedoc honour NO_COLOR.
const env = tty ? { ...process.env } : { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };

function step(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  return r.status ?? 1;
}

const turboArgs = ['exec', 'turbo', 'run', 'lint', 'typecheck', 'test', '--continue', ...(tty ? [] : ['--no-color'])];
const failures = [];
if (step('pnpm', turboArgs) !== 0) failures.push('lint/typecheck/test');
if (step('node', ['tooling/scripts/pack-smoke.mjs']) !== 0) failures.push('install check');
if (step('node', ['tooling/scripts/release-dry-run.mjs']) !== 0) failures.push('release dry run');
if (step('pnpm', ['exec', 'typedoc', '--logLevel', 'Error']) !== 0) failures.push('API reference (typedoc)');
const summary = step('node', ['tooling/scripts/test-summary.mjs']);
if (process.env.NN_GPU_LEGS !== '1') {
  console.log(
    'skipped optional legs: gpu.js headlessgl (conformance, GL paths, real sizes), Chromium webgl2/webgl/webgpu, the Playground e2e and the install check in Chromium; ' +
      'run them with: bash tooling/scripts/ci-gpu-deps.sh (uses sudo unless root), then NN_GPU_LEGS=1 pnpm test',
  );
}
if (failures.length > 0) console.log(`failed: ${failures.join(', ')}`);
process.exit(failures.length > 0 || summary !== 0 ? 1 : 0);
