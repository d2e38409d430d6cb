// The release, rehearsed (run by `pnpm test`): `changeset version` on a copy of the repo's
// manifests and changesets (the bumps and changelogs a release would make, peer ranges
// included), then `pnpm publish --dry-run` of each public package, and a check of what each
// tarball holds: no tests, no test helpers, and no source map that points at a file the
// package does not ship.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize, resolve } from 'node:path';
import { PACKAGES } from './pack-smoke.mjs';

const root = resolve(import.meta.dirname, '../..');
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
const read = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** What is wrong with a package's tarball contents (`files`: paths in the tarball), as sentences. */
export function checkShippedFiles(name, packageDir, files) {
  const problems = [];
  const shipped = new Set(files.map((f) => normalize(f)));
  for (const f of files) {
    if (/(^|\/)(test-utils|__tests__|test)\//.test(f) || /\.(test|spec)\.[cm]?[jt]s(\.map)?$|\.test\.d\.ts/.test(f)) problems.push(`${name}: ships a test file ${f}`);
    if (!f.endsWith('.map')) continue;
    const map = read(join(packageDir, f));
    map.sources.forEach((source, i) => {
      const target = normalize(join(dirname(f), map.sourceRoot ?? '', source));
      if (!shipped.has(target) && !map.sourcesContent?.[i]) problems.push(`${name}: ${f} points at ${target}, which the package does not ship`);
    });
  }
  return problems;
}

function versionOnCopy() {
  const copy = mkdtempSync(join(tmpdir(), 'nn-release-'));
  try {
    for (const f of ['package.json', 'pnpm-workspace.yaml', '.changeset']) cpSync(join(root, f), join(copy, f), { recursive: true });
    for (const group of ['packages', 'apps', 'tooling']) {
      for (const name of readdirSync(join(root, group))) {
        const dir = join(root, group, name);
        if (!existsSync(join(dir, 'package.json'))) continue;
        mkdirSync(join(copy, group, name), { recursive: true });
        for (const f of ['package.json', 'CHANGELOG.md']) if (existsSync(join(dir, f))) cpSync(join(dir, f), join(copy, group, name, f));
      }
    }
    run('node', [join(root, 'node_modules/@changesets/cli/bin.js'), 'version'], copy);
    for (const p of PACKAGES) {
      const before = read(join(root, 'packages', p, 'package.json'));
      const after = read(join(copy, 'packages', p, 'package.json'));
      const peers = Object.entries(after.peerDependencies ?? {}).map(([k, v]) => `${k} ${v}`);
      console.log(`release dry run: ${after.name} ${before.version} -> ${after.version}${peers.length ? ` (peers: ${peers.join(', ')})` : ''}`);
      if (!existsSync(join(copy, 'packages', p, 'CHANGELOG.md'))) throw new Error(`release dry run: changeset version wrote no CHANGELOG.md for ${after.name}`);
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

function publishDryRun() {
  const problems = [];
  for (const p of PACKAGES) {
    const dir = join(root, 'packages', p);
    const { name, version, files } = JSON.parse(run('pnpm', ['pack', '--dry-run', '--json'], dir));
    problems.push(...checkShippedFiles(name, dir, files.map((f) => f.path)));
    run('pnpm', ['publish', '--dry-run', '--no-git-checks'], dir);
    console.log(`release dry run: pnpm publish --dry-run ${name}@${version}: ${files.length} files`);
  }
  if (problems.length > 0) throw new Error(`release dry run: the tarballs are wrong:\n  ${problems.join('\n  ')}`);
}

if (process.argv[1] === import.meta.filename) {
  run('pnpm', ['exec', 'turbo', 'run', 'build', ...PACKAGES.map((p) => `--filter=@nn/${p}`)], root);
  versionOnCopy();
  publishDryRun();
  console.log('release dry run: changeset version and pnpm publish --dry-run of the seven packages passed');
}
