import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkInputFile, checkOutputDir, checkOutputFile, displayPath, fileError, makeOutputDir } from './paths_node.js';

const dir = mkdtempSync(join(tmpdir(), 'nn-paths-'));
const onLinux = process.platform === 'linux' && existsSync('/proc/self');
const isRoot = process.getuid?.() === 0;

describe('output folders', () => {
  it('makes missing folders level by level, and leaves no probe file', async () => {
    const out = join(dir, 'a', 'b', 'c');
    await checkOutputDir(out);
    expect(existsSync(join(dir, 'a'))).toBe(false); // the check changes nothing
    await makeOutputDir(out);
    expect(statSync(out).isDirectory()).toBe(true);
    await makeOutputDir(out); // an existing folder is fine
    expect(readdirSync(out)).toEqual([]);
    expect(readdirSync(dir)).toEqual(['a']);
  });

  it.runIf(onLinux)('refuses /proc and /sys at once, naming the path (a recursive mkdir of /proc/x never returns)', async () => {
    await expect(makeOutputDir('/proc/x', '--out')).rejects.toThrow('--out /proc/x: /proc is on the proc file system, which shows the kernel\'s state and holds no files; choose a folder on a disk');
    await expect(makeOutputDir('/proc/x/y/z')).rejects.toThrow(/^\/proc\/x\/y\/z: \/proc is on the proc file system/);
    await expect(checkOutputDir('/sys/x')).rejects.toThrow(/^\/sys\/x: \/sys is on the sysfs file system/);
  });

  it('a file where a folder should be', async () => {
    const file = join(dir, 'file.txt');
    writeFileSync(file, 'x');
    await expect(makeOutputDir(file, '--out')).rejects.toThrow(`--out ${file}: is a file, expected a folder`);
    await expect(makeOutputDir(join(file, 'sub'))).rejects.toThrow(`${join(file, 'sub')}: ${file} is a file, not a folder`);
  });

  it.skipIf(isRoot)('a folder without write permission', async () => {
    const locked = join(dir, 'locked');
    mkdirSync(locked, { mode: 0o500 });
    try {
      await expect(makeOutputDir(join(locked, 'out'))).rejects.toThrow(`${join(locked, 'out')}: cannot write in ${locked} (permission denied)`);
    } finally {
      chmodSync(locked, 0o700);
    }
  });
});

describe('output files', () => {
  it('a folder, a missing folder, a pseudo-file system', async () => {
    await checkOutputFile(join(dir, 'prices.csv'));
    await expect(checkOutputFile(dir, '--out')).rejects.toThrow(`--out ${dir}: is a folder, expected a file`);
    await expect(checkOutputFile(join(dir, 'nope', 'p.csv'))).rejects.toThrow(`${join(dir, 'nope', 'p.csv')}: the folder ${join(dir, 'nope')} does not exist`);
    if (onLinux) await expect(checkOutputFile('/proc/p.csv')).rejects.toThrow(/^\/proc\/p.csv: \/proc is on the proc file system/);
  });

  it("fileError names the user's path, not the temporary file's", () => {
    const error = Object.assign(new Error("ENOENT: no such file or directory, open '/x/.p.csv.1.tmp'"), { code: 'ENOENT' });
    expect(fileError(error, '/x/p.csv', '--out').message).toBe('--out /x/p.csv: no such file or folder');
  });
});

describe('input files', () => {
  it('a missing file, and a folder where a file was expected', async () => {
    await expect(checkInputFile(join(dir, 'none.csv'), '--csv')).rejects.toThrow(`--csv ${join(dir, 'none.csv')}: no such file`);
    await expect(checkInputFile(dir, '--csv', 'a CSV file')).rejects.toThrow(`--csv ${dir}: is a folder, expected a CSV file`);
  });
});

describe('displayPath', () => {
  it('relative to the folder the user ran the command in', () => {
    const app = join(dir, 'apps', 'demo');
    const cwd = process.cwd();
    mkdirSync(app, { recursive: true });
    try {
      process.chdir(app); // as under `pnpm --filter demo start`, run from `dir`
      expect(displayPath('out/run', dir)).toBe(join('apps', 'demo', 'out', 'run'));
      expect(displayPath('out/run', app)).toBe(join('out', 'run'));
      expect(displayPath('.', app)).toBe('.');
      expect(displayPath('../../../elsewhere', app)).toBe(join(dir, '..', 'elsewhere')); // outside: absolute
      expect(displayPath('/abs/out', dir)).toBe('/abs/out');
    } finally {
      process.chdir(cwd);
    }
  });
});
