// The install check, run by `pnpm test`: packs the seven @nn packages (`pnpm pack`, as a
// release would), installs the tarballs into an empty folder as a user would (pnpm, offline
// from the store; gpu.js's `webgpu` dropped and `gl` left unbuilt, as the backend-gpujs README
// advises), then checks them from a Node ESM app that trains on cpu and gpujs (webasm), a
// CommonJS script (require(esm)), two copies of @nn/tensor loaded at once (the error must name
// both), a strict TypeScript consumer and, with NN_GPU_LEGS=1, a
// Vite-built page in headless Chromium that trains on cpu and on gpujs in webgl2.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const PACKAGES = ['tensor', 'autograd', 'layers', 'data', 'models-zoo', 'backend-cpu', 'backend-gpujs'];
const root = resolve(import.meta.dirname, '../..');
const fixtures = join(import.meta.dirname, 'pack-smoke');
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

/** Packs every package into `into`; returns the tarball paths by short name. */
export function packAll(into) {
  const tarballs = {};
  for (const p of PACKAGES) {
    run('pnpm', ['pack', '--pack-destination', into], join(root, 'packages', p));
    const file = readdirSync(into).find((f) => f.startsWith(`nn-${p}-`) && f.endsWith('.tgz'));
    if (!file) throw new Error(`pack-smoke: no tarball for @nn/${p} in ${into}`);
    tarballs[p] = join(into, file);
  }
  return tarballs;
}

async function chromiumLeg(app) {
  const { build, preview } = await import(pathToFileURL(createRequire(join(root, 'package.json')).resolve('vite')).href);
  const { chromium } = createRequire(join(root, 'tooling/gpu-legs/package.json'))('playwright-core');
  const outDir = join(app, 'page-dist');
  await build({ root: join(app, 'page'), logLevel: 'warn', build: { outDir, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 10_000 } });
  const server = await preview({ root: join(app, 'page'), logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 0 } });
  const browser = await chromium.launch({
    executablePath: process.env.NN_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--no-first-run'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(server.resolvedUrls.local[0], { waitUntil: 'commit' });
    await page.waitForFunction(() => 'nnResult' in window, undefined, { timeout: 300_000, polling: 500 });
    const result = await page.evaluate(() => window.nnResult);
    if (!result.ok) throw new Error(`pack-smoke chromium: ${result.error}`);
    for (const r of result.results) console.log(`pack-smoke chromium: ${r.backend}: ${r.steps} steps, loss ${r.first.toFixed(4)} -> ${r.last.toFixed(4)}`);
    if (!result.results[1].backend.includes("'webgl2'")) throw new Error(`pack-smoke chromium: gpujs ran ${result.results[1].backend}, not webgl2`);
  } finally {
    await browser.close();
    await server.close();
  }
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'nn-pack-'));
  try {
    run('pnpm', ['exec', 'turbo', 'run', 'build', ...PACKAGES.map((p) => `--filter=@nn/${p}`)], root);
    const tarballs = packAll(work);
    const app = join(work, 'app');
    mkdirSync(app);
    cpSync(fixtures, app, { recursive: true });
    const dependencies = Object.fromEntries(PACKAGES.map((p) => [`@nn/${p}`, `file:${tarballs[p]}`]));
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'pack-smoke', private: true, type: 'module', dependencies }, null, 2));
    // What the backend-gpujs README tells a user who runs neither headlessgl nor Node's WebGPU.
    writeFileSync(join(app, 'pnpm-workspace.yaml'), 'allowBuilds:\n  gl: false\noverrides:\n  "gpu.js>webgpu": "-"\n');
    run('pnpm', ['install', '--offline', '--reporter=silent'], app);
    const installed = readdirSync(join(app, 'node_modules/.pnpm'));
    if (installed.some((d) => d.startsWith('webgpu@'))) throw new Error('pack-smoke: webgpu was installed despite the override');
    process.stdout.write(run('node', ['esm.mjs'], app));
    process.stdout.write(run('node', ['--no-warnings', 'cjs.cjs'], app));
    cpSync(realpathSync(join(app, 'node_modules/@nn/tensor')), join(app, 'second-tensor'), { recursive: true });
    process.stdout.write(run('node', ['two-copies.mjs'], app));
    run('node', [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], app);
    console.log('pack-smoke ts: a strict NodeNext TypeScript consumer typechecks against the packed declarations');
    if (process.env.NN_GPU_LEGS === '1') await chromiumLeg(app);
    else console.log('pack-smoke chromium: skipped (NN_GPU_LEGS=1 runs the Vite page in Chromium)');
    console.log(`pack-smoke: the seven @nn packages install from their tarballs and work`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();
