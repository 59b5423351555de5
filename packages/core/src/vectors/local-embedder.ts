import type { Embedder } from './embedder.js';

const WORD_RE = /[\p{L}\p{N}]+/gu;

/** FNV-1a, 32 bits: a fast, stable hash for feature hashing. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Deterministic offline embeddings: words and character trigrams hashed into a fixed number of
 * signed buckets, L2-normalised. Texts sharing words or spellings land close together, which is
 * what vector selection needs without a provider; the same text always gives the same vector.
 */
export class LocalEmbedder implements Embedder {
  readonly name: string;
  readonly #dimension: number;

  constructor(options: { readonly dimension?: number } = {}) {
    this.#dimension = options.dimension ?? 256;
    this.name = `local-hash-${this.#dimension}`;
  }

  async embed(texts: readonly string[]): Promise<number[][]> {
    return texts.map((t) => this.embedOne(t));
  }

  /** One text's vector (synchronous; the port's `embed` maps over it). */
  embedOne(text: string): number[] {
    const v = new Array<number>(this.#dimension).fill(0);
    const add = (feature: string, weight: number) => {
      const h = fnv1a(feature);
      v[h % this.#dimension]! += (h & 0x80000000 ? -1 : 1) * weight;
    };
    for (const word of text.toLowerCase().match(WORD_RE) ?? []) {
      add(`w:${word}`, 1);
      const padded = ` ${word} `;
      for (let i = 0; i + 3 <= padded.length; i++) add(`t:${padded.slice(i, i + 3)}`, 0.5);
    }
    const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    return norm === 0 ? v : v.map((x) => x / norm);
  }
}
