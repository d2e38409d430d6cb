// Installs @nn/tensor and @nn/backend-cpu from their packed tarballs into an empty folder,
// as a user would, and checks that they import and compute. Run by `pnpm test`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const packages = ['tensor', 'backend-cpu'];
const work = mkdtempSync(join(tmpdir(), 'nn-pack-'));
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

try {
  run('pnpm', ['exec', 'turbo', 'run', 'build', ...packages.map((p) => `--filter=@nn/${p}`)], root);
  const tarballs = packages.map((p) => {
    run('pnpm', ['pack', '--pack-destination', work], join(root, 'packages', p));
    const file = readdirSync(work).find((f) => f.startsWith(`nn-${p}-`) && f.endsWith('.tgz'));
    if (!file) throw new Error(`pack-smoke: no tarball for @nn/${p} in ${work}`);
    return join(work, file);
  });
  const app = join(work, 'app');
  run('mkdir', ['-p', app], work);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'pack-smoke', private: true, type: 'module' }));
  run('npm', ['install', '--no-audit', '--no-fund', '--offline', ...tarballs], app);
  writeFileSync(
    join(app, 'check.mjs'),
    [
      "import { tensor, getBackend, memory, tidy } from '@nn/tensor';",
      "import '@nn/backend-cpu';",
      'const y = tidy(() => tensor([[1, 2], [3, 4]]).add(tensor([10, 20])).sum(1));',
      "if (getBackend() !== 'cpu') throw new Error('backend is ' + getBackend());",
      "if (JSON.stringify(y.toArray()) !== '[33,37]') throw new Error('wrong result ' + String(y));",
      "if (memory().numTensors !== 1) throw new Error('leak: ' + memory().numTensors);",
      "console.log('pack-smoke: ' + String(y) + ' on ' + getBackend());",
    ].join('\n'),
  );
  process.stdout.write(run('node', ['check.mjs'], app));
  console.log('pack-smoke: @nn/tensor and @nn/backend-cpu install from their tarballs and work');
} finally {
  rmSync(work, { recursive: true, force: true });
}
