/** A seeded PRNG (mulberry32): the same seed gives the same stream, on every machine. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed from text (FNV-1a), so a comparison of the same two runs is reproducible. */
export function seedFrom(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A percentile confidence interval of a mean. */
export interface ConfidenceInterval {
  readonly level: number;
  readonly lower: number;
  readonly upper: number;
}

/**
 * Paired bootstrap: resamples the per-case differences (run − baseline) with replacement and
 * takes the percentile interval of their mean. Pairing by case removes case difficulty from the
 * noise, which is what lets a small real improvement show as significant.
 */
export function pairedBootstrapInterval(differences: readonly number[], options: { readonly seed: number; readonly resamples?: number; readonly level?: number }): ConfidenceInterval {
  const level = options.level ?? 0.95;
  const n = differences.length;
  if (n === 0) return { level, lower: 0, upper: 0 };
  const resamples = options.resamples ?? 2_000;
  const random = mulberry32(options.seed);
  const means = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += differences[Math.floor(random() * n)]!;
    means[b] = sum / n;
  }
  means.sort();
  const alpha = (1 - level) / 2;
  const at = (q: number) => means[Math.min(resamples - 1, Math.max(0, Math.floor(q * resamples)))]!;
  const round = (x: number) => Math.round(x * 1e6) / 1e6;
  return { level, lower: round(at(alpha)), upper: round(at(1 - alpha)) };
}
