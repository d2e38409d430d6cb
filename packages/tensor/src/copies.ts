/**
 * Every loaded copy of @nn/tensor signs a list kept on globalThis under a registry symbol,
 * so that a copy with no backend can say that the backends went into another copy (a
 * second @nn/tensor in node_modules, or one bundled twice) instead of "no backend".
 */
import { version } from './version.js';

export interface EngineCopy {
  readonly version: string;
  /** Where this copy's engine module was loaded from. */
  readonly url: string;
  /** The backends registered into this copy's engine. */
  backends(): string[];
}

const registryKey = Symbol.for('@nn/tensor.engine');

/** Signs this copy into the global list (once per copy) and returns its entry. */
export function signCopy(backends: () => string[]): EngineCopy {
  const holder = globalThis as { [registryKey]?: EngineCopy[] };
  const copies = (holder[registryKey] ??= []);
  // import.meta.url is set by every ESM loader and bundler (its type lives in Node's and the DOM's typings).
  const self: EngineCopy = { version, url: (import.meta as { url?: string }).url ?? 'unknown', backends };
  copies.push(self);
  return self;
}

/** All copies of @nn/tensor loaded in this program, first loaded first. */
export function loadedCopies(): readonly EngineCopy[] {
  return (globalThis as { [registryKey]?: EngineCopy[] })[registryKey] ?? [];
}

/**
 * The sentence that explains a missing backend when more than one copy is loaded, or ''
 * when this is the only copy.
 */
export function otherCopiesNote(self: EngineCopy): string {
  const copies = loadedCopies();
  if (copies.length < 2) return '';
  const list = copies
    .map((c) => `${c.version} at ${c.url}${c === self ? ' (this one)' : ''} with backends [${c.backends().join(', ')}]`)
    .join('; ');
  return (
    `${copies.length} copies of @nn/tensor are loaded: ${list}. ` +
    'A backend registers into the copy it imports, so tensors made with another copy see none: ' +
    'install a single @nn/tensor (it is a peer dependency of the other @nn packages; `npm ls @nn/tensor` or `pnpm why @nn/tensor` shows the copies, `npm dedupe` merges them)'
  );
}
