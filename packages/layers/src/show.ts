/**
 * A value as text for an error message, at most `maxLength` characters (then '…'). Values
 * read from files can be nested thousands deep or millions wide: JSON.stringify would
 * overflow the stack (a RangeError instead of our error) or build a message of megabytes.
 * Numbers print as JavaScript writes them (Infinity, NaN), not as JSON's null.
 */
export function show(value: unknown, maxLength = 200): string {
  let text = '';
  // Appends `v`; returns false once the budget is spent, so that wide values stop early.
  const write = (v: unknown, depth: number): boolean => {
    if (typeof v === 'string') {
      text += JSON.stringify(v.length > maxLength ? v.slice(0, maxLength) : v);
    } else if (v === null || typeof v !== 'object') {
      text += typeof v === 'function' || typeof v === 'symbol' ? `a ${typeof v}` : String(v);
    } else if (depth >= MAX_DEPTH) {
      text += Array.isArray(v) ? '[…]' : '{…}';
    } else if (Array.isArray(v)) {
      text += '[';
      for (let i = 0; i < v.length; i++) {
        if (i > 0) text += ',';
        if (!write(v[i], depth + 1)) return false;
      }
      text += ']';
    } else if (!isPlainObject(v)) {
      text += `a ${(v.constructor as { name?: string } | undefined)?.name ?? 'object'}`;
    } else {
      text += '{';
      let first = true;
      // for...in, not Object.keys: no array of a million keys just to show the first few.
      for (const key in v) {
        if (!Object.hasOwn(v, key)) continue;
        text += `${first ? '' : ','}${JSON.stringify(key.length > maxLength ? key.slice(0, maxLength) : key)}:`;
        first = false;
        if (!write((v as Record<string, unknown>)[key], depth + 1)) return false;
      }
      text += '}';
    }
    return text.length <= maxLength;
  };
  write(value, 0);
  return clip(text, maxLength);
}

/** Deeper than this, arrays and objects show as `[…]`: enough for any shape or offsets pair. */
const MAX_DEPTH = 8;

function isPlainObject(v: object): boolean {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === null || proto === Object.prototype;
}

/** `text` cut to `maxLength` characters (then '…'), for messages that quote something long. */
export function clip(text: string, maxLength = 200): string {
  return text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
}
