import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ExactDuplicateIndex } from '../../src/datasets/build/exact-duplicate-index.js';

const digests = (from: number, n: number): Uint8Array => {
  const out = new Uint8Array(n * 32);
  for (let i = 0; i < n; i++)
    out.set(
      createHash('sha256')
        .update(String(from + i))
        .digest(),
      i * 32,
    );
  return out;
};

describe('ExactDuplicateIndex', () => {
  it('reports each digest new once and a duplicate ever after, across its growth', () => {
    const index = new ExactDuplicateIndex();
    const first = digests(0, 5000);
    for (let i = 0; i < 5000; i++) expect(index.checkAndAdd(first, i * 32)).toBe(false);
    for (let i = 0; i < 5000; i++) expect(index.checkAndAdd(first, i * 32)).toBe(true);
    const next = digests(5000, 100);
    for (let i = 0; i < 100; i++) expect(index.checkAndAdd(next, i * 32)).toBe(false);
    expect(index.size).toBe(5100);
  });

  it('tells apart digests that share their first bytes, and compares the first 128 bits only', () => {
    const index = new ExactDuplicateIndex();
    const a = new Uint8Array(32).fill(7);
    const b = a.slice();
    b[15] = 8;
    expect(index.checkAndAdd(a)).toBe(false);
    expect(index.checkAndAdd(b)).toBe(false);
    expect(index.checkAndAdd(b)).toBe(true);
    const sameFirstHalf = a.slice();
    sameFirstHalf[31] = 9;
    expect(index.checkAndAdd(sameFirstHalf)).toBe(true);
  });

  it('keeps every digest across its storage chunks', () => {
    const index = new ExactDuplicateIndex();
    const all = digests(0, 20_000);
    for (let i = 0; i < 20_000; i++) expect(index.checkAndAdd(all, i * 32)).toBe(false);
    for (let i = 0; i < 20_000; i += 7) expect(index.checkAndAdd(all, i * 32)).toBe(true);
    expect(index.size).toBe(20_000);
  });

  it('counts the bytes it holds: the slot table, and digest chunks as they are started', () => {
    const index = new ExactDuplicateIndex();
    const empty = index.bytes;
    expect(empty).toBe(2048 * 4);
    const all = digests(0, 10_000);
    index.checkAndAdd(all, 0);
    const oneChunk = index.bytes - empty;
    expect(oneChunk).toBe(8192 * 16);
    for (let i = 1; i < 10_000; i++) index.checkAndAdd(all, i * 32);
    // 10,000 digests: two chunks, and a table grown to keep at most half its slots used.
    expect(index.bytes).toBe(2 * oneChunk + 32_768 * 4);
  });
});
