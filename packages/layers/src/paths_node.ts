/**
 * Checks on the files and folders a command line reads and writes (checkpoints, reports,
 * CSVs), so that a bad path is one line naming it, before hours of training, never a hang.
 *
 * Node's `mkdir(dir, { recursive: true })` loops forever where the kernel answers ENOENT for
 * a folder whose parent exists (`/proc/x`: procfs refuses new entries that way). So folders
 * are made here one level at a time, each mkdir non-recursive, after checking the deepest
 * existing ancestor: a folder, on a file system that holds files (not proc, sysfs, …), in
 * which a probe file can be created.
 */
import { randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { access, mkdir, open, rm, stat, statfs } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** Node's file error codes in words. */
const FILE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  EISDIR: 'is a folder, expected a file',
  ENOTDIR: 'a part of the path is not a folder',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EEXIST: 'exists and is not a folder',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
};

/** Linux's magic numbers (linux/magic.h) of file systems that show the kernel's state and hold no files. */
const PSEUDO_FILE_SYSTEMS = new Map<number, string>([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x1cd1, 'devpts'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x73636673, 'securityfs'],
  [0xf97cff8c, 'selinuxfs'],
  [0xcafe4a11, 'bpf'],
  [0x6165676c, 'pstore'],
  [0xde5e81e4, 'efivarfs'],
  [0x62656570, 'configfs'],
  [0x6e736673, 'nsfs'],
  [0x42494e4d, 'binfmt_misc'],
  [0x19800202, 'mqueue'],
  [0x65735543, 'fusectl'],
]);

/** `label path`, how messages begin. */
const named = (path: string, label?: string): string => (label === undefined ? path : `${label} ${path}`);

/** An error's code in words, or its first line. */
export function fileErrorText(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code in FILE_ERRORS) return FILE_ERRORS[code];
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

/**
 * The error Node gave for `path`, as one line that names the path the user gave (Node's
 * message names a temporary file, or no file at all for EISDIR), after `label` if any.
 */
export function fileError(error: unknown, path: string, label?: string): Error {
  return new Error(`${named(path, label)}: ${fileErrorText(error)}`);
}

/**
 * Where the user ran the command: npm and pnpm run a package's scripts in its own folder and
 * leave the folder they were started from in INIT_CWD.
 */
function userFolder(): string {
  const init = process.env.INIT_CWD;
  return init !== undefined && isAbsolute(init) ? init : process.cwd();
}

/**
 * `path` as the user can open it from where they ran the command: a relative path is made
 * relative to their folder (the app's folder may differ under `pnpm --filter app script`),
 * or absolute if it lies outside; an absolute path stays as given.
 */
export function displayPath(path: string, from: string = userFolder()): string {
  if (isAbsolute(path)) return path;
  const full = resolve(path);
  const shown = relative(from, full);
  if (shown === '') return '.';
  return shown === '..' || shown.startsWith(`..${sep}`) || isAbsolute(shown) ? full : shown;
}

/** Throws if `folder` is on a pseudo-file system such as /proc (Linux only: the magic numbers are Linux's). */
async function checkFileSystem(folder: string, what: string): Promise<void> {
  if (process.platform !== 'linux') return;
  let type: number;
  try {
    type = (await statfs(folder)).type >>> 0;
  } catch {
    return; // no answer: the probe write decides
  }
  const name = PSEUDO_FILE_SYSTEMS.get(type);
  if (name !== undefined) throw new Error(`${what}: ${folder} is on the ${name} file system, which shows the kernel's state and holds no files; choose a folder on a disk`);
}

/** Creates and removes a file in `folder`, the one sure test that files can be written there. */
async function probeWrite(folder: string, what: string): Promise<void> {
  const probe = join(folder, `.write-test.${process.pid}.${randomBytes(6).toString('hex')}`);
  try {
    await (await open(probe, 'wx')).close();
  } catch (error) {
    throw new Error(`${what}: cannot write in ${folder} (${fileErrorText(error)})`);
  }
  await rm(probe, { force: true });
}

/** `stat`, or null where nothing is there (or a part of the path is a file); other errors name `path` after `what`. */
async function statOrNull(path: string, what: string): Promise<Stats | null> {
  try {
    return await stat(path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new Error(`${what}: ${path}: ${fileErrorText(error)}`);
  }
}

/** The deepest folder of `dir` (resolved) that exists, and the missing folders below it, top first. */
async function existingAncestor(dir: string, what: string): Promise<{ folder: string; missing: string[] }> {
  const missing: string[] = [];
  let path = resolve(dir);
  let info = await statOrNull(path, what);
  while (info === null && dirname(path) !== path) {
    missing.unshift(path);
    path = dirname(path);
    info = await statOrNull(path, what);
  }
  if (info === null) throw new Error(`${what}: ${path} does not exist`);
  if (!info.isDirectory()) throw new Error(missing.length === 0 ? `${what}: is a file, expected a folder` : `${what}: ${path} is a file, not a folder`);
  return { folder: path, missing };
}

/** The deepest existing folder of `dir`, checked: on a file system that holds files, and writable. */
async function writableAncestor(dir: string, what: string): Promise<{ folder: string; missing: string[] }> {
  const found = await existingAncestor(dir, what);
  await checkFileSystem(found.folder, what);
  await probeWrite(found.folder, what);
  return found;
}

/**
 * Fails fast, without changing anything, unless `dir` is a folder where files can be
 * written or one that can be made: its deepest existing ancestor must be a folder, on a
 * file system that holds files, and writable. Errors begin with `label dir:`.
 */
export async function checkOutputDir(dir: string, label?: string): Promise<void> {
  await writableAncestor(dir, named(dir, label));
}

/** Checks `dir` as checkOutputDir does, then makes its missing folders one level at a time (never a recursive mkdir). */
export async function makeOutputDir(dir: string, label?: string): Promise<void> {
  const what = named(dir, label);
  const { missing } = await writableAncestor(dir, what);
  for (const path of missing) {
    try {
      await mkdir(path);
    } catch (error) {
      // Made meanwhile by another process: fine if it is a folder.
      if ((error as { code?: unknown }).code === 'EEXIST' && (await stat(path)).isDirectory()) continue;
      throw new Error(`${what}: cannot make ${path} (${fileErrorText(error)})`);
    }
  }
}

/**
 * Fails fast unless `path` can be written as a file: not a folder or a device, in an
 * existing folder where files can be written (an atomic write puts its temporary file there).
 */
export async function checkOutputFile(path: string, label?: string): Promise<void> {
  const what = named(path, label);
  const info = await statOrNull(path, what);
  if (info?.isDirectory()) throw new Error(`${what}: is a folder, expected a file`);
  if (info !== null && !info.isFile()) throw new Error(`${what}: is not a regular file (a device or a pipe), expected a file`);
  const folder = dirname(resolve(path));
  const parent = await statOrNull(folder, what);
  if (parent === null) throw new Error(`${what}: the folder ${folder} does not exist`);
  if (!parent.isDirectory()) throw new Error(`${what}: ${folder} is not a folder`);
  await checkFileSystem(folder, what);
  await probeWrite(folder, what);
}

/**
 * Fails unless `path` is a file that can be read; `expected` says what it should be (for
 * the message when it is a folder). Node's own error for reading a folder names no path.
 */
export async function checkInputFile(path: string, label?: string, expected = 'a file'): Promise<void> {
  const what = named(path, label);
  let info;
  try {
    info = await stat(path);
    await access(path, constants.R_OK);
  } catch (error) {
    throw new Error(`${what}: ${(error as { code?: unknown }).code === 'ENOENT' ? 'no such file' : fileErrorText(error)}`);
  }
  if (info.isDirectory()) throw new Error(`${what}: is a folder, expected ${expected}`);
}
