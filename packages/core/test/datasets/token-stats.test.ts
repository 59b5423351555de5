import { describe, expect, it } from 'vitest';
import { HISTOGRAM_BUCKETS, TokenStatsAccumulator } from '../../src/datasets/build/token-stats.js';

function statsOf(counts: readonly number[]) {
  const acc = new TokenStatsAccumulator();
  for (const c of counts) acc.add(c);
  return { ...acc.snapshot(), histogram: acc.histogram() };
}

describe('token histogram', () => {
  it('has no bucket when no example was kept', () => {
    expect(statsOf([]).histogram).toEqual([]);
  });

  it('puts equal counts in one bucket of width one', () => {
    expect(statsOf([7, 7, 7]).histogram).toEqual([{ min: 7, max: 7, count: 3 }]);
  });

  it('covers min to max with equal-width buckets and counts every example once', () => {
    const counts = Array.from({ length: 1000 }, (_, i) => 10 + ((i * 37) % 391));
    const { histogram, min, max, examples } = statsOf(counts);
    expect(histogram).toHaveLength(HISTOGRAM_BUCKETS);
    expect(histogram[0]!.min).toBe(min);
    expect(histogram.at(-1)!.max).toBe(max);
    const width = histogram[0]!.max - histogram[0]!.min + 1;
    for (let i = 1; i < histogram.length; i++) expect(histogram[i]!.min).toBe(histogram[i - 1]!.max + 1);
    expect(histogram.slice(0, -1).every((b) => b.max - b.min + 1 === width)).toBe(true);
    expect(histogram.reduce((n, b) => n + b.count, 0)).toBe(examples);
    for (const b of histogram) expect(b.count).toBe(counts.filter((c) => c >= b.min && c <= b.max).length);
  });

  it('uses fewer buckets when the range is narrower than the bucket count, keeping empty ones', () => {
    const { histogram } = statsOf([3, 5, 5]);
    expect(histogram).toEqual([
      { min: 3, max: 3, count: 1 },
      { min: 4, max: 4, count: 0 },
      { min: 5, max: 5, count: 2 },
    ]);
  });
});
