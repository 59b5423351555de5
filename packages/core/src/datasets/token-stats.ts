/** Per-example token statistics of a build. */
export interface TokenStats {
  readonly examples: number;
  readonly total_tokens: number;
  readonly min: number;
  readonly mean: number;
  readonly p95: number;
  readonly max: number;
}

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

  snapshot(): TokenStats {
    const n = this.#examples;
    return {
      examples: n,
      total_tokens: this.#total,
      min: n === 0 ? 0 : this.#min,
      mean: n === 0 ? 0 : Math.round((this.#total / n) * 100) / 100,
      p95: this.quantile(0.95),
      max: this.#max,
    };
  }
}
