import { describe, expect, it } from 'vitest';
import { bandKeys, compactSignature, LSH_BANDS, minhashSignature } from '../../src/datasets/build/minhash.js';
import { NearDuplicateIndex } from '../../src/datasets/build/near-duplicate-index.js';

function text(seed: number, count: number): string {
  const vocabulary = 'router billing refund invoice network password account delivery warranty upgrade battery printer schedule travel hotel'.split(' ');
  let x = seed * 2654435761;
  return Array.from({ length: count }, () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return vocabulary[(x >>> 8) % vocabulary.length];
  }).join(' ');
}

function check(index: NearDuplicateIndex, t: string): boolean {
  const signature = minhashSignature(t);
  return index.checkAndAdd(bandKeys(signature, new Uint32Array(LSH_BANDS)), 0, compactSignature(signature), 0);
}

describe('NearDuplicateIndex', () => {
  it('keeps distinct texts and catches a one-word edit of any of them, across table growth', () => {
    const index = new NearDuplicateIndex(0.9);
    const texts = Array.from({ length: 3000 }, (_, i) => `${text(i, 80)} ticket ${i}`);
    expect(texts.filter((t) => check(index, t))).toEqual([]);
    expect(index.size).toBe(3000);
    for (const i of [0, 1, 1499, 2999]) expect(check(index, texts[i]!.replace(/ticket/, 'case'))).toBe(true);
    expect(index.size).toBe(3000);
  });

  it('keeps a text similar below the threshold', () => {
    const index = new NearDuplicateIndex(0.9);
    const base = text(1, 100);
    expect(check(index, base)).toBe(false);
    // Half the words replaced: far below 0.9.
    const words = base.split(' ');
    const halfChanged = words.map((w, i) => (i % 2 === 0 ? `${w}x` : w)).join(' ');
    expect(check(index, halfChanged)).toBe(false);
    expect(index.size).toBe(2);
  });

  it('honours a lower threshold', () => {
    const base = text(2, 100);
    const edited = base
      .split(' ')
      .map((w, i) => (i % 10 === 0 ? `${w}s` : w))
      .join(' ');
    const strict = new NearDuplicateIndex(0.95);
    check(strict, base);
    expect(check(strict, edited)).toBe(false);
    const loose = new NearDuplicateIndex(0.7);
    check(loose, base);
    expect(check(loose, edited)).toBe(true);
  });

  it('counts the bytes it holds: every band table and the signature chunks', () => {
    const index = new NearDuplicateIndex(0.9);
    const empty = index.bytes;
    expect(empty).toBe(LSH_BANDS * 1024 * 8);
    expect(check(index, text(1, 50))).toBe(false);
    expect(index.bytes).toBe(empty + 8192 * 64);
    for (let i = 2; i < 3000; i++) check(index, `${text(i, 50)} ticket ${i}`);
    // The band tables have grown (each on its own); the signatures still fit one chunk.
    expect(index.bytes).toBeGreaterThan(empty + 8192 * 64 + LSH_BANDS * 1024 * 8);
  });
});
