/** One bar of the token histogram: examples whose token count is within [min, max]. */
export interface TokenHistogramBucket {
  readonly min: number;
  readonly max: number;
  readonly count: number;
}

/** Per-example token statistics of a build. */
export interface TokenStats {
  readonly examples: number;
  readonly total_tokens: number;
  readonly min: number;
  readonly mean: number;
  readonly p95: number;
  readonly max: number;
  /**
   * Equal-width buckets from min to max (at most HISTOGRAM_BUCKETS), empty ones included. Absent
   * from reports of builds made before it was counted.
   */
  readonly histogram?: readonly TokenHistogramBucket[];
}

/** Most bars of the token histogram. */
export const HISTOGRAM_BUCKETS = 20;

/**
 * Exact token statistics in memory bounded by the number of distinct counts (at most the base
 * model's token limit), whatever the number of examples: a histogram, not a list.
 */
export class TokenStatsAccumulator {
  readonly #histogram = new Map<number, number>();
  #examples = 0;
  #total = 0;
  #min = Number.POSITIVE_INFINITY;
  #max = 0;

  add(tokens: number): void {
    this.#histogram.set(tokens, (this.#histogram.get(tokens) ?? 0) + 1);
    this.#examples += 1;
    this.#total += tokens;
    if (tokens < this.#min) this.#min = tokens;
    if (tokens > this.#max) this.#max = tokens;
  }

  /** The smallest count that at least q of the examples do not exceed (nearest-rank). */
  quantile(q: number): number {
    if (this.#examples === 0) return 0;
    const rank = Math.ceil(q * this.#examples);
    let seen = 0;
    for (const value of [...this.#histogram.keys()].sort((a, b) => a - b)) {
      seen += this.#histogram.get(value)!;
      if (seen >= rank) return value;
    }
    return this.#max;
  }

  /**
   * Examples per token-count range: up to HISTOGRAM_BUCKETS ranges of equal whole width covering
   * min..max, so every example lies in exactly one. Empty when there is no example.
   */
  histogram(): TokenHistogramBucket[] {
    if (this.#examples === 0) return [];
    const span = this.#max - this.#min + 1;
    const width = Math.ceil(span / HISTOGRAM_BUCKETS);
    const buckets: TokenHistogramBucket[] = [];
    for (let low = this.#min; low <= this.#max; low += width) buckets.push({ min: low, max: Math.min(this.#max, low + width - 1), count: 0 });
    const counts = buckets.map(() => 0);
    for (const [tokens, count] of this.#histogram) counts[Math.floor((tokens - this.#min) / width)]! += count;
    return buckets.map((b, i) => ({ ...b, count: counts[i]! }));
  }

  snapshot(): TokenStats {
    const n = this.#examples;
    return {
      examples: n,
      total_tokens: this.#total,
      min: n === 0 ? 0 : this.#min,
      mean: n === 0 ? 0 : Math.round((this.#total / n) * 100) / 100,
      p95: this.quantile(0.95),
      max: this.#max,
      histogram: this.histogram(),
    };
  }
}
