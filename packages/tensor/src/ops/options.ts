/**
 * The calling convention every op follows (see the README, "Calling convention"): tensors,
 * axes and the one size that defines the op are positional, in PyTorch's order; every
 * optional setting goes in ONE trailing options object keyed by PyTorch's keyword names in
 * camelCase. In plain JavaScript nothing stops `maxPool2d(x, 3, 1)`, which PyTorch reads as
 * stride 1; these checks turn such calls into an error naming the op instead of a silently
 * different result.
 */

/** A value as an error message shows it: strings quoted, arrays bracketed. */
function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return `[${value.map(show).join(',')}]`;
  if (value !== null && typeof value === 'object') return Object.getPrototypeOf(value) === Object.prototype ? '{...}' : `a ${value.constructor?.name ?? 'object'}`;
  return String(value);
}

/** "e.g. { stride: 1 }": the positional value a PyTorch user passed, under the key PyTorch would read it as. */
function hint(keys: readonly string[], value: unknown): string {
  if (keys.length === 0) return '';
  const example = typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string' ? show(value) : '…';
  return `; options go in an object, e.g. { ${keys[0]}: ${example} }`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Checks an op's options argument: undefined (every default) or a plain object whose keys
 * are among `keys` (listed in PyTorch's positional order, so the hint for a stray positional
 * value names the key PyTorch would have read it as). Returns the object, typed.
 */
export function parseOptions<T extends object>(op: string, value: T | undefined, keys: readonly (keyof T & string)[]): Partial<T> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) {
    throw new Error(`${op}: options must be an object { ${keys.join(', ')} }, got ${show(value)}${hint(keys, value)}`);
  }
  for (const key of Object.keys(value)) {
    if (!(keys as readonly string[]).includes(key)) {
      throw new Error(`${op}: unknown option '${key}'; the options are ${keys.join(', ')}`);
    }
  }
  return value;
}

/**
 * Rejects arguments past the last one an op declares, which plain JavaScript would drop
 * silently. `extra` is the op's rest parameter (typed `never[]`, so TypeScript refuses them
 * too); `keys` the op's option names, for the hint.
 */
export function checkNoExtra(op: string, extra: readonly unknown[], keys: readonly string[] = []): void {
  if (extra.length === 0) return;
  const where = keys.length === 0 ? '' : `; options go in one object { ${keys.join(', ')} }`;
  throw new Error(`${op}: unexpected extra argument ${show(extra[0])}${where}`);
}
