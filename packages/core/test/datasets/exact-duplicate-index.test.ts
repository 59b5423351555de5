import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ExactDuplicateIndex } from '../../src/datasets/exact-duplicate-index.js';

const digests = (from: number, n: number): Uint8Array => {
  const out = new Uint8Array(n * 32);
  for (let i = 0; i < n; i++) out.set(createHash('sha256').update(String(from + i)).digest(), i * 32);
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
});
