import { createHash } from 'node:crypto';
import { canonicalJson } from '../../shared/canonical-json.js';
import { textUnits } from '../../shared/text-units.js';

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

// What one scan of a string found (scanText).
const FOLD = 1; // ASCII whitespace to collapse or trim: a tab or line break, two spaces, an edge space
const ESCAPE = 2; // a quote, backslash or control character: JSON.stringify escapes it
const NOT_ASCII = 4; // anything past U+007F: the NFKC path decides everything
const SPACE = 8; // (per character) a space: two in a row, or one at an edge, need folding
// One entry per UTF-16 unit, so the scan needs no range check.
const SCAN_CLASS = new Uint8Array(65_536).fill(NOT_ASCII, 128);
for (let c = 0; c < 0x20; c++) SCAN_CLASS[c] = c >= 0x09 && c <= 0x0d ? FOLD | ESCAPE : ESCAPE;
SCAN_CLASS[0x22] = ESCAPE;
SCAN_CLASS[0x5c] = ESCAPE;
SCAN_CLASS[0x20] = SPACE;

/**
 * The three regex tests normalizeText and quote would run (NON_ASCII, ASCII_FOLD, NEEDS_ESCAPE),
 * as one pass over a typed copy of the text's units: a table lookup each and no branch on the
 * character, several times faster than testing them one by one. ESCAPE is judged on the text
 * before folding, a superset of what the normalised text needs; JSON.stringify is exact either way.
 */
function scanText(text: string): number {
  const n = text.length;
  const units = textUnits(text);
  const classes = SCAN_CLASS; // a local, as in every hot loop (see minhash.ts)
  let flags = 0;
  let previous = SPACE; // a space at the start needs trimming, like a double one
  for (let i = 0; i < n; i++) {
    const k = classes[units[i]!]!;
    // SPACE >> 3 is FOLD: a space right after a space (or at the start).
    flags |= k | ((previous & k) >> 3);
    previous = k;
  }
  if (n > 0 && previous === SPACE) flags |= FOLD;
  return flags & (FOLD | ESCAPE | NOT_ASCII);
}

// Keys whose string values are structure, not content: left out of the near-duplicate text.
const STRUCTURAL_KEYS = new Set(['role', 'type', 'id', 'tool_call_id', 'name', 'detail']);

// Quoted object keys: the same few ("messages", "role", "content") recur in every record.
const quotedKeys = new Map<string, string>();
const QUOTED_KEYS_MAX = 1024;

function quoteKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = quote(key);
    if (quotedKeys.size >= QUOTED_KEYS_MAX) quotedKeys.clear();
    quotedKeys.set(key, quoted);
  }
  return quoted;
}

// Normalised content texts of the example being walked (walk runs synchronously, one at a time).
let contentTexts: string[] = [];

/**
 * An object's keys in code-unit order, as Array#sort orders strings. Examples' objects have a
 * handful of keys, and an insertion sort of so few beats the built-in sort's set-up per call.
 */
function sortedKeys(obj: Record<string, unknown>): string[] {
  const keys = Object.keys(obj);
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    for (; j >= 0 && keys[j]! > key; j--) keys[j + 1] = keys[j]!;
    keys[j + 1] = key;
  }
  return keys;
}

/** Canonical JSON of one normalised value; content strings are also collected for MinHash. */
function walk(value: unknown, structural: boolean): string {
  if (typeof value === 'string') {
    const flags = scanText(value);
    let normalized: string;
    let quoted: string;
    if ((flags & NOT_ASCII) !== 0) {
      normalized = value.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase();
      quoted = quote(normalized);
    } else {
      normalized = ((flags & FOLD) !== 0 ? value.replace(/\s+/g, ' ').trim() : value).toLowerCase();
      quoted = (flags & ESCAPE) !== 0 ? JSON.stringify(normalized) : '"' + normalized + '"';
    }
    if (!structural) contentTexts.push(normalized);
    return quoted;
  }
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + walk(value[i], structural);
    return out + ']';
  }
  const obj = value as Record<string, unknown>;
  const keys = sortedKeys(obj);
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    out += (first ? '' : ',') + quoteKey(k) + ':' + walk(v, STRUCTURAL_KEYS.has(k));
    first = false;
  }
  return out + '}';
}

/**
 * One pass over an example for dedup: the canonical JSON of its normalised form (for the exact
 * digest) and the normalised content text (for MinHash), without building a normalised copy.
 * Same text as canonicalJson(normalizeStrings(example)); built by concatenation with one scan per
 * string and no closures, since this runs for every record of every build.
 */
export function dedupForms(example: unknown): { canonical: string; text: string } {
  contentTexts = [];
  const canonical = walk(example, false);
  // join() makes a flat string: MinHash reads it character by character.
  const text = contentTexts.join('\n');
  contentTexts = [];
  return { canonical, text };
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
  return createHash('sha256')
    .update(canonicalJson(normalizeStrings(example)))
    .digest();
}
