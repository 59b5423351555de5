import { describe, expect, it } from 'vitest';
import { bandKeys, compactSignature, estimateJaccard, LSH_BANDS, minhashSignature, NUM_PERM, SHINGLE, SIGNATURE_BYTES, signaturesAtLeast } from '../../src/datasets/build/minhash.js';

/** Exact Jaccard similarity of two texts' character shingles (the quantity MinHash estimates). */
function shingleJaccard(a: string, b: string): number {
  const shingles = (t: string): Set<string> => new Set(Array.from({ length: Math.max(1, t.length - SHINGLE + 1) }, (_, i) => t.slice(i, i + SHINGLE)));
  const sa = shingles(a);
  const sb = shingles(b);
  let both = 0;
  for (const s of sa) if (sb.has(s)) both++;
  return both / (sa.size + sb.size - both);
}

const compact = (text: string): Uint8Array => compactSignature(minhashSignature(text));

function words(seed: number, count: number): string {
  const vocabulary = 'router billing refund invoice network password account delivery warranty upgrade battery printer schedule travel'.split(' ');
  let x = seed;
  return Array.from({ length: count }, () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return vocabulary[x % vocabulary.length];
  }).join(' ');
}

/**
 * One permutation hashing written out from its definition, shingle by shingle: the signature a
 * build computes must stay exactly this, or near-dup decisions would differ between versions.
 */
function referenceSignature(text: string): Int32Array {
  const fmix = (h: number): number => {
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    return (h ^ (h >>> 16)) >>> 0;
  };
  const registers = new Array<number>(NUM_PERM).fill(-1);
  for (let i = 0; i < Math.max(1, text.length - SHINGLE + 1); i++) {
    let h = 0;
    for (const c of text.slice(i, i + SHINGLE)) for (let k = 0; k < c.length; k++) h = (Math.imul(h, 0x01000193) + c.charCodeAt(k)) | 0;
    const x = fmix(h);
    const bin = x >>> 25;
    const value = x & 0x1ffffff;
    if (registers[bin] === -1 || value < registers[bin]!) registers[bin] = value;
  }
  const out = Int32Array.from(registers);
  for (let bin = 0; bin < NUM_PERM; bin++) {
    if (registers[bin] !== -1) continue;
    for (let step = 1; step < NUM_PERM; step++) {
      const donor = registers[(bin + step) % NUM_PERM]!;
      if (donor !== -1) {
        out[bin] = (donor + step * 0x2000000) | 0;
        break;
      }
    }
  }
  return out;
}

describe('minhashSignature', () => {
  it('equals one permutation hashing computed shingle by shingle, for short, long and non-ASCII texts', () => {
    // Past 16,384 units a text gets a workspace of its own; the short text after it uses the kept one again.
    const long = words(5, 4000);
    expect(long.length).toBeGreaterThan(16_384);
    for (const text of ['', 'a', 'abcd', 'abcde', words(4, 60), 'Ünïcödé text with 😀 emoji and ｆｕｌｌｗｉｄｔｈ', 'x'.repeat(500), long, 'after the long one']) {
      expect(Array.from(minhashSignature(text))).toEqual(Array.from(referenceSignature(text)));
    }
  });

  it('estimates the shingle Jaccard similarity of edited texts within 0.12', () => {
    const base = words(7, 120);
    const edits = [base.replace('router', 'modem'), base.slice(0, base.length * 0.8), `${base} ${words(9, 30)}`, words(11, 120)];
    for (const edited of edits) {
      expect(Math.abs(estimateJaccard(compact(base), 0, compact(edited), 0) - shingleJaccard(base, edited))).toBeLessThan(0.12);
    }
  });

  it('gives identical texts identical signatures and band keys, also texts shorter than a shingle', () => {
    for (const text of ['', 'abc', words(3, 50)]) {
      expect(minhashSignature(text)).toEqual(minhashSignature(text));
      expect(bandKeys(minhashSignature(text))).toEqual(bandKeys(minhashSignature(text)));
    }
    expect(minhashSignature('abc')).not.toEqual(minhashSignature('abd'));
  });

  it('writes band keys and compact signatures at an offset, leaving the rest alone', () => {
    const signature = minhashSignature(words(5, 40));
    const keys = bandKeys(signature, new Uint32Array(LSH_BANDS * 3), LSH_BANDS);
    expect(keys.subarray(LSH_BANDS, 2 * LSH_BANDS)).toEqual(bandKeys(signature));
    expect(keys.subarray(0, LSH_BANDS).every((k) => k === 0) && keys.subarray(2 * LSH_BANDS).every((k) => k === 0)).toBe(true);
    const bytes = compactSignature(signature, new Uint8Array(SIGNATURE_BYTES * 2), SIGNATURE_BYTES);
    expect(bytes.subarray(SIGNATURE_BYTES)).toEqual(compactSignature(signature));
    expect(bytes.subarray(0, SIGNATURE_BYTES).every((b) => b === 0)).toBe(true);
    // Register 2k in the low nibble of byte k, register 2k+1 in the high one.
    expect(bytes[SIGNATURE_BYTES + 3]).toBe((signature[6]! & 0x0f) | ((signature[7]! & 0x0f) << 4));
  });
});

describe('signaturesAtLeast', () => {
  it('decides exactly like estimateJaccard >= threshold', () => {
    const base = compact(words(1, 100));
    for (const other of [words(1, 100), words(1, 100).replace('refund', 'return'), words(1, 90), words(2, 100)]) {
      const sig = compact(other);
      for (const threshold of [0.5, 0.8, 0.9, 0.95]) {
        expect(signaturesAtLeast(base, 0, sig, 0, threshold)).toBe(estimateJaccard(base, 0, sig, 0) >= threshold);
      }
    }
  });
});
