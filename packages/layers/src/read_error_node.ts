/**
 * Node's read errors name no path (EISDIR) or only in their own words: say which checkpoint,
 * and what was expected, as the checkpoint readers' own errors do.
 */
export function readError(path: string, error: unknown, expected: string, make: (message: string) => Error): Error {
  const code = (error as { code?: string }).code;
  if (code === 'EISDIR') return make(`${path}: is a folder, expected ${expected}`);
  if (code === 'ENOENT') return make(`${path}: no such file`);
  return error as Error;
}
