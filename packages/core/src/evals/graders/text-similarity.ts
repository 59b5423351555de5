/** Longest text the similarity graders compare in full; longer texts are cut (cost is O(n·m)). */
export const MAX_SIMILARITY_CHARS = 5_000;

/** Levenshtein edit distance with two rows of memory. */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = new Array<number>(b.length + 1);
  let curr = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    curr[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      curr[j] = Math.min(prev[j]! + 1, curr[j - 1]! + 1, prev[j - 1]! + cost);
    }
    [prev, curr] = [curr, prev];
  }
  return prev[b.length]!;
}

/** 1 − distance / longer length: 1 for equal texts, 0 for nothing in common. */
export function levenshteinSimilarity(a: string, b: string): number {
  const x = a.slice(0, MAX_SIMILARITY_CHARS);
  const y = b.slice(0, MAX_SIMILARITY_CHARS);
  const longest = Math.max(x.length, y.length);
  return longest === 0 ? 1 : 1 - levenshtein(x, y) / longest;
}

const WORD_RE = /[\p{L}\p{N}]+/gu;

/** Jaccard similarity of the lower-cased word sets. */
export function wordJaccard(a: string, b: string): number {
  const x = new Set(a.toLowerCase().match(WORD_RE) ?? []);
  const y = new Set(b.toLowerCase().match(WORD_RE) ?? []);
  if (x.size === 0 && y.size === 0) return 1;
  let shared = 0;
  for (const w of x) if (y.has(w)) shared += 1;
  return shared / (x.size + y.size - shared);
}

/** Normalisation options of exact match. */
export interface NormalizeOptions {
  readonly case_insensitive?: boolean | undefined;
  readonly trim?: boolean | undefined;
  readonly collapse_whitespace?: boolean | undefined;
  readonly strip_punctuation?: boolean | undefined;
}

/** Applies the options in a fixed order: punctuation, whitespace, trim, case. */
export function normalizeText(text: string, o: NormalizeOptions = {}): string {
  let t = text.normalize('NFC');
  if (o.strip_punctuation) t = t.replace(/[\p{P}\p{S}]+/gu, '');
  if (o.collapse_whitespace) t = t.replace(/\s+/g, ' ');
  if (o.trim || o.collapse_whitespace) t = t.trim();
  if (o.case_insensitive) t = t.toLowerCase();
  return t;
}
