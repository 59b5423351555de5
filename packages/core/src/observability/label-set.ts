import type { Labels } from './exposition.js';

/**
 * The series of one metric, keyed by its label values in declared order. Label names are fixed
 * when the metric is created, so a typo at a call site fails loudly instead of adding a series.
 */
export class LabelSet<T> {
  readonly #series = new Map<string, { readonly values: readonly string[]; state: T }>();

  constructor(
    readonly metric: string,
    readonly names: readonly string[],
    private readonly initial: () => T,
  ) {}

  /** The state of the series with these labels, created on first use. */
  get(labels: Labels = {}): T {
    const keys = Object.keys(labels);
    if (keys.length !== this.names.length || keys.some((k) => !this.names.includes(k))) {
      throw new TypeError(`${this.metric} takes the labels [${this.names.join(', ')}], got [${keys.join(', ')}]`);
    }
    const values = this.names.map((n) => String(labels[n]));
    const key = values.join('\u0000');
    let entry = this.#series.get(key);
    if (!entry) {
      entry = { values, state: this.initial() };
      this.#series.set(key, entry);
    }
    return entry.state;
  }

  /** Every series in insertion order. */
  entries(): IterableIterator<{ readonly values: readonly string[]; state: T }> {
    return this.#series.values();
  }

  /** Forgets every series (a gauge sampled afresh at each scrape). */
  clear(): void {
    this.#series.clear();
  }
}
