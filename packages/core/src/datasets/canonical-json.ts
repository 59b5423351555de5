import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every depth: equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

const NON_ASCII = /[^\x00-\x7f]/;
// An ASCII text that needs no whitespace folding: no tabs or line breaks, no double, leading or
// trailing spaces. Most training text passes this test, and then only lower-casing is left.
const ASCII_FOLD = /[\t\n\v\f\r]| {2}|^ | $/;

/** Text as dedup compares it: Unicode-compatible form, whitespace runs collapsed, case-folded. */
export function normalizeText(text: string): string {
  // NFKC is the costly part and a no-op on ASCII, which most training text is.
  if (!NON_ASCII.test(text)) return (ASCII_FOLD.test(text) ? text.replace(/\s+/g, ' ').trim() : text).toLowerCase();
  return text.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase();
}

// Characters JSON.stringify would escape (quotes, backslashes, controls, lone surrogates; paired
// surrogates only take the slow path, which leaves them as they are).
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** JSON.stringify for a string, without its cost when nothing needs escaping. */
function quote(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

// Keys whose string values are structure, not content: left out of the near-duplicate text.
const STRUCTURAL_KEYS = new Set(['role', 'type', 'id', 'tool_call_id', 'name', 'detail']);

/**
 * One pass over an example for dedup: the canonical JSON of its normalised form (for the exact
 * digest) and the normalised content text (for MinHash), without building a normalised copy.
 * Same text as canonicalJson(normalizeStrings(example)); built by concatenation, since this runs
 * for every record of every build.
 */
export function dedupForms(example: unknown): { canonical: string; text: string } {
  const texts: string[] = [];
  const walk = (value: unknown, key: string | null): string => {
    if (typeof value === 'string') {
      const normalized = normalizeText(value);
      if (key === null || !STRUCTURAL_KEYS.has(key)) texts.push(normalized);
      return quote(normalized);
    }
    if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
    if (Array.isArray(value)) {
      let out = '[';
      for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + walk(value[i], key);
      return out + ']';
    }
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).sort();
    let out = '{';
    let first = true;
    for (const k of keys) {
      const v = obj[k];
      if (v === undefined) continue;
      out += (first ? '' : ',') + quote(k) + ':' + walk(v, k);
      first = false;
    }
    return out + '}';
  };
  const canonical = walk(example, null);
  // join() makes a flat string: MinHash reads it character by character.
  return { canonical, text: texts.join('\n') };
}

/** A copy of a JSON value with every string normalised (for exact-duplicate hashing). */
export function normalizeStrings(value: unknown): unknown {
  if (typeof value === 'string') return normalizeText(value);
  if (Array.isArray(value)) return value.map(normalizeStrings);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = normalizeStrings(v);
    return out;
  }
  return value;
}

/** SHA-256 (32 bytes) of the canonical JSON of the normalised example. */
export function exampleDigest(example: unknown): Buffer {
  return createHash('sha256').update(canonicalJson(normalizeStrings(example))).digest();
}

/** SHA-256 hex of the canonical JSON of a value (config hashes). */
export function canonicalSha256(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
