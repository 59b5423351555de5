/**
 * Limits on untrusted JSON that hold before anything walks it: recursive code (validation,
 * redaction, serialisation) would overflow the stack on a value nested thousands deep, and
 * PostgreSQL refuses NUL in text and jsonb while JavaScript strings may carry lone surrogates
 * that no UTF-8 store can keep faithfully.
 */

/** How deep objects and arrays may nest in a request body or a dataset record. */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether JSON text nests deeper than `limit`, found by one pass over the text (no parse, no
 * recursion): brackets inside strings do not count.
 */
export function exceedsJsonDepth(text: string, limit: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

// A NUL, a high surrogate not followed by a low one, or a low one not preceded by a high one.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a string cannot be stored as text, or null when it can. */
export function unstorableText(value: string): string | null {
  const found = UNSTORABLE.exec(value);
  if (!found) return null;
  return found[0] === '\u0000' ? 'must not contain NUL (\\u0000)' : 'must not contain an unpaired surrogate (not valid Unicode)';
}

/** One string of a JSON value that cannot be stored: its dotted path and why. */
export interface UnstorableField {
  readonly path: string;
  readonly message: string;
}

/**
 * The first string (value or key) in a parsed JSON value that cannot be stored, walked with an
 * explicit stack so depth cannot overflow it; null when every string is storable.
 */
export function findUnstorableText(root: unknown): UnstorableField | null {
  const stack: { value: unknown; path: string }[] = [{ value: root, path: '' }];
  const join = (base: string, key: string) => (base ? `${base}.${key}` : key);
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      const why = unstorableText(value);
      if (why) return { path, message: why };
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: join(path, String(i)) });
    } else if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value as Record<string, unknown>);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        const keyWhy = unstorableText(key);
        // A bad key cannot be named as it is; the path stops at its parent.
        if (keyWhy) return { path: path || '', message: `a property name ${keyWhy}` };
        stack.push({ value: child, path: join(path, key) });
      }
    }
  }
  return null;
}
